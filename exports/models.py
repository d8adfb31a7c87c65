"""Saved list layouts and export jobs of the office (Geschäftsstelle).

A finished export's file is kept in the database (`ExportJob.content`, a
BinaryField) rather than under MEDIA_ROOT: the files are small (a 5,000-row
list is a few MB), the web and worker containers then need no shared volume,
the file is written in the same transaction that marks the job done, and
deleting the job deletes the personal data in it — no orphaned files.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from programme.models import Conference


class ExportKind(models.TextChoices):
    PARTICIPANTS = "participants", _("Teilnehmerliste (Geschäftsstelle)")
    CONSENT = "consent", _("Teilnehmerliste zum Aushändigen")
    SIGN_IN = "sign_in", _("Unterschriftenliste")
    BADGES = "badges", _("Namensschilder")
    CERTIFICATES = "certificates", _("Teilnahmebescheinigungen")


class ExportFormat(models.TextChoices):
    PDF = "pdf", _("PDF")
    XLSX = "xlsx", _("Excel")
    CSV = "csv", _("CSV")


class ExportLayout(models.Model):
    """A named choice of columns and filters for the participant list, kept for next time."""

    name = models.CharField(_("Name"), max_length=100)
    conference = models.ForeignKey(
        Conference,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="export_layouts",
        verbose_name=_("Tagung"),
        help_text=_("Leer für Layouts, die für alle Tagungen gelten."),
    )
    columns = models.JSONField(_("Spalten"), default=list, blank=True)
    filters = models.JSONField(_("Filter"), default=dict, blank=True)
    needs_review = models.BooleanField(
        _("zu prüfen"),
        default=False,
        db_default=False,
        help_text=_("Aus dem Vorjahr übernommen und noch nicht von der Geschäftsstelle durchgesehen."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("angelegt von"),
    )
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Listen-Layout")
        verbose_name_plural = _("Listen-Layouts")
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name


class ExportJob(models.Model):
    """A long export that runs as a background task; the office watches its progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("wartet")
        RUNNING = "running", _("läuft")
        DONE = "done", _("fertig")
        FAILED = "failed", _("fehlgeschlagen")

    conference = models.ForeignKey(
        Conference, on_delete=models.CASCADE, related_name="export_jobs", verbose_name=_("Tagung")
    )
    kind = models.CharField(_("Liste"), max_length=20, choices=ExportKind.choices)
    format = models.CharField(_("Format"), max_length=10, choices=ExportFormat.choices)
    params = models.JSONField(_("Spalten und Filter"), default=dict, blank=True)
    status = models.CharField(_("Status"), max_length=20, choices=Status.choices, default=Status.QUEUED)
    progress_done = models.PositiveIntegerField(_("erledigt"), default=0)
    progress_total = models.PositiveIntegerField(_("insgesamt"), default=0)
    filename = models.CharField(_("Dateiname"), max_length=200, blank=True)
    content_type = models.CharField(_("Dateityp"), max_length=100, blank=True)
    content = models.BinaryField(_("Datei"), blank=True, default=b"")
    error = models.TextField(_("Fehler"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("angestoßen von"),
    )
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    started_at = models.DateTimeField(_("begonnen am"), null=True, blank=True)
    finished_at = models.DateTimeField(_("fertig am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Export")
        verbose_name_plural = _("Exporte")
        ordering = ["-created_at", "-pk"]
        permissions = [("export_participants", _("Teilnehmerlisten exportieren"))]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.get_format_display()}) – {self.conference.title}"

    @property
    def percent(self):
        if not self.progress_total:
            return 100 if self.status == self.Status.DONE else 0
        return min(100, round(100 * self.progress_done / self.progress_total))

    @property
    def is_finished(self):
        return self.status in (self.Status.DONE, self.Status.FAILED)

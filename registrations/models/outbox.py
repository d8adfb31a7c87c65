"""The mail outbox: every mail is recorded here before it is delivered."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .registration import Registration

# What each kind of mail is, in the office's words. The kind is the mail's template name
# (templates/registrations/mails/<kind>_subject.txt) or the kind a service passes; a test
# checks every template has a label here. A plain mapping, not field choices: a new kind of
# mail needs no migration.
MAIL_KINDS = {
    "pre_registration_confirmed": _("Voranmeldung bestätigt"),
    "waiting_list_confirmed": _("Voranmeldung auf der Warteliste"),
    "registration_confirmed": _("Verbindliche Anmeldung bestätigt"),
    "registration_waiting": _("Verbindliche Anmeldung auf der Warteliste"),
    "moved_up": _("Nachgerückt"),
    "cancelled": _("Stornierung bestätigt"),
    "link_resent": _("Persönlicher Link"),
    "lost_links": _("Links auf Anfrage"),
    "programme_mailing": _("Programm und Anmeldeformular"),
    "invoice_documents": _("Rechnung"),
    "invoice_documents_accounts": _("Rechnung an die Rechnungsstelle"),
    "payment_reminder": _("Zahlungserinnerung oder Mahnung"),
    "payment_reminder_accounts": _("Zahlungserinnerung an die Rechnungsstelle"),
    "group_payment_reminder": _("Zahlungserinnerung oder Mahnung zur Sammelrechnung"),
    "substituted_previous": _("Platz an Ersatzperson übergeben"),
    "workshop_moved": _("Workshop umgebucht"),
    "workshop_moved_up": _("Workshop: nachgerückt"),
    "deletion_requested": _("Löschung beantragt"),
    "binding_reminder": _("Erinnerung an die verbindliche Anmeldung"),
    "place_released": _("Platz weitergegeben"),
    "group_registered": _("Gruppenanmeldung bestätigt"),
    "group_invoice_documents": _("Sammelrechnung"),
    "completion_pending": _("Eingaben zum Übernehmen (Anmeldung bestand schon)"),
    "circular": _("Rundschreiben"),
    "future_invitation": _("Einladung zur nächsten Tagung"),
}


def mail_kind_label(kind):
    """The office's name for a kind of mail; an unknown kind shows as it is stored."""
    return str(MAIL_KINDS.get(kind, kind))


class OutgoingMail(models.Model):
    """The outbox: every mail is recorded here first and delivered after the data is committed."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("wartet auf Versand")
        SENT = "sent", _("versendet")
        FAILED = "failed", _("fehlgeschlagen, wird wiederholt")

    registration = models.ForeignKey(
        Registration,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="mails",
        verbose_name=_("Anmeldung"),
    )
    kind = models.CharField(_("Art"), max_length=50)
    dedup_key = models.CharField(
        _("Einmal-Schlüssel"),
        max_length=100,
        null=True,
        blank=True,
        help_text=_("Verhindert, dass dieselbe Aussendung zweimal an dieselbe Anmeldung geht."),
    )
    to = models.EmailField(_("an"))
    # The participant in copy when an invoice or reminder goes to the accounts office.
    cc = models.EmailField(_("Kopie an"), blank=True)
    subject = models.CharField(_("Betreff"), max_length=300)
    body_text = models.TextField(_("Text"))
    body_html = models.TextField(_("HTML"), blank=True)
    status = models.CharField(_("Status"), max_length=20, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveIntegerField(_("Versuche"), default=0)
    last_error = models.TextField(_("letzter Fehler"), blank=True)
    next_attempt_at = models.DateTimeField(_("nächster Versuch"), null=True, blank=True)
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    sent_at = models.DateTimeField(_("versendet am"), null=True, blank=True)
    # A mail queued inside a locked transaction and rendered once it committed (domain/outbox.py,
    # render_deferred): what its text needs besides the rows it reads then. None once rendered.
    render_spec = models.JSONField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("E-Mail")
        verbose_name_plural = _("E-Mails (Postausgang)")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "dedup_key"],
                condition=Q(dedup_key__isnull=False),
                name="unique_mailing_per_registration",
            ),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self):
        return f"{self.subject} → {self.to}"

    @property
    def kind_label(self):
        return mail_kind_label(self.kind)


class OutgoingMailAttachment(models.Model):
    mail = models.ForeignKey(OutgoingMail, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(_("Dateiname"), max_length=200)
    mimetype = models.CharField(_("Typ"), max_length=100)
    content = models.BinaryField(_("Inhalt"), blank=True, default=b"")
    # An invoice is attached as a reference and rendered when the mail is
    # delivered: WeasyPrint stays out of the transaction that holds the locks.
    invoice = models.ForeignKey(
        "Invoice",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Rechnung"),
    )

    class Meta:
        verbose_name = _("Anhang")
        verbose_name_plural = _("Anhänge")

    def __str__(self):
        return self.filename

"""Rundschreiben: a free-text mail the office wrote to a selection of people, kept with its recipients."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from programme.models import Conference

from .outbox import OutgoingMail
from .registration import Registration


class Circular(models.Model):
    """One Rundschreiben: what the office wrote, who wrote it, and when it went to the outbox.

    Every recipient gets a mail of their own (CircularRecipient.mail); the text is kept as typed,
    placeholders and all, so the page shows what was written, the outbox what each person got.
    """

    conference = models.ForeignKey(
        Conference, on_delete=models.PROTECT, related_name="circulars", verbose_name=_("Tagung")
    )
    subject = models.CharField(_("Betreff"), max_length=200)
    body = models.TextField(_("Text"))
    source = models.CharField(_("geschrieben aus der Liste"), max_length=200, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("geschrieben von"),
    )
    # The confirmation page's one-time key: a second click (or a reload) finds the first Rundschreiben.
    submission_key = models.CharField(_("Einmal-Schlüssel"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    queued_at = models.DateTimeField(_("in den Postausgang gestellt am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Rundschreiben")
        verbose_name_plural = _("Rundschreiben")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.subject


class CircularRecipient(models.Model):
    circular = models.ForeignKey(
        Circular, on_delete=models.CASCADE, related_name="recipients", verbose_name=_("Rundschreiben")
    )
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="circular_receipts", verbose_name=_("Anmeldung")
    )
    mail = models.OneToOneField(
        OutgoingMail,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="circular_recipient",
        verbose_name=_("E-Mail"),
    )

    class Meta:
        verbose_name = _("Empfänger")
        verbose_name_plural = _("Empfänger")
        constraints = [
            models.UniqueConstraint(fields=["circular", "registration"], name="one_circular_mail_per_person"),
        ]

    def __str__(self):
        return str(self.registration_id)

"""People who want to hear about future conferences (Einladung zur nächsten Tagung)."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from programme.models import Conference

from .registration import Registration


def new_withdrawal_token():
    """The secret of the "no more invitations" link in an invitation: 256 random bits."""
    return secrets.token_urlsafe(32)


class InvitationContact(models.Model):
    """A separate, withdrawable consent to be told about future conferences, one per person.

    While the registration it was given with exists, the address and name are read from
    there (`registration`). When the registration is anonymised after the retention
    period, only what an invitation needs is kept here: salutation, name, e-mail and
    language; everything else of the person goes (domain/retention.py). Withdrawing
    deletes the row.
    """

    registration = models.ForeignKey(
        Registration,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitation_contacts",
        verbose_name=_("Anmeldung"),
    )
    salutation = models.CharField(
        _("Anrede"),
        max_length=10,
        choices=Registration.Salutation.choices,
        default=Registration.Salutation.NONE,
    )
    academic_title = models.CharField(_("Titel"), max_length=50, blank=True)
    first_name = models.CharField(_("Vorname"), max_length=100)
    last_name = models.CharField(_("Nachname"), max_length=100)
    email = models.EmailField(_("E-Mail"), max_length=254)
    language = models.CharField(
        _("Sprache"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    consented_at = models.DateTimeField(_("eingewilligt am"))
    token = models.CharField(
        _("Geheimnis des Abmeldelinks"),
        max_length=64,
        unique=True,
        default=new_withdrawal_token,
        editable=False,
    )
    invited_to = models.ManyToManyField(
        Conference, blank=True, related_name="+", verbose_name=_("eingeladen zu")
    )

    class Meta:
        verbose_name = _("Interessent*in für künftige Tagungen")
        verbose_name_plural = _("Interessierte für künftige Tagungen")
        ordering = ["last_name", "first_name", "pk"]
        constraints = [
            # One row per person: colleagues sharing a mailbox each consent for themselves
            # (the same rule as one_active_registration_per_person).
            models.UniqueConstraint(
                Lower("email"),
                Lower("first_name"),
                Lower("last_name"),
                name="one_invitation_contact_per_person",
            ),
        ]

    def __str__(self):
        return f"{self.first_name} {self.last_name} <{self.email}>"

    @property
    def full_name(self):
        return " ".join(p for p in (self.academic_title, self.first_name, self.last_name) if p)

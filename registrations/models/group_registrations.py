"""Group registrations: one contact (a Sekretariat) registers several named colleagues in one go.

Each colleague is an ordinary `Registration` (own place or waiting-list spot, own
workshops, own frozen fee) pointing to its `GroupRegistration`. The group holds what
belongs to the contact: their name and address, the personal link to the group page,
the employer's billing address and whether the employer gets one collective invoice
(Sammelrechnung, one line per person) or one invoice per person.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.history import HistoricalRecords
from programme.models import Conference

from .consent import ConsentText
from .registration import new_token


class GroupRegistration(models.Model):
    """A contact's registration of several colleagues; the colleagues are its `members`."""

    class Billing(models.TextChoices):
        COLLECTIVE = "collective", _("eine Sammelrechnung an den Arbeitgeber (eine Zeile je Person)")
        EACH = "each", _("eine Rechnung je Person")

    conference = models.ForeignKey(
        Conference, on_delete=models.PROTECT, related_name="group_registrations", verbose_name=_("Tagung")
    )
    token = models.CharField(
        _("Geheimnis des Links der Kontaktperson"),
        max_length=64,
        unique=True,
        default=new_token,
        editable=False,
    )
    language = models.CharField(
        _("Sprache"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    contact_first_name = models.CharField(_("Vorname der Kontaktperson"), max_length=100)
    contact_last_name = models.CharField(_("Nachname der Kontaktperson"), max_length=100)
    contact_email = models.EmailField(_("E-Mail der Kontaktperson"), max_length=254)
    contact_phone = models.CharField(_("Telefon der Kontaktperson"), max_length=50, blank=True)
    organisation = models.CharField(_("Organisation"), max_length=200)
    billing = models.CharField(
        _("Rechnung"), max_length=20, choices=Billing.choices, default=Billing.COLLECTIVE
    )
    billing_organisation = models.CharField(_("Rechnungsempfänger"), max_length=200)
    billing_department = models.CharField(_("Abteilung"), max_length=200, blank=True)
    billing_street = models.CharField(_("Straße und Hausnummer"), max_length=200)
    billing_postcode = models.CharField(_("PLZ"), max_length=10)
    billing_city = models.CharField(_("Ort"), max_length=100)
    billing_email = models.EmailField(_("E-Mail für die Rechnung"), blank=True)
    order_number = models.CharField(_("Bestellnummer"), max_length=100, blank=True)
    cost_centre = models.CharField(_("Kostenstelle"), max_length=100, blank=True)
    leitweg_id = models.CharField(_("Leitweg-ID"), max_length=50, blank=True)
    privacy_consent = models.ForeignKey(
        ConsentText,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("zugestimmter Datenschutzhinweis"),
    )
    # The contact's own consent to future invitations, ticked on the form; recorded as an
    # InvitationContact once the contact's address is confirmed (confirm_group).
    invitation_consent = models.BooleanField(
        _("Kontaktperson will über künftige Tagungen informiert werden"), default=False
    )
    email_confirmed_at = models.DateTimeField(_("E-Mail-Adresse bestätigt am"), null=True, blank=True)
    # Colleagues of the form who were not registered again because they are registered already
    # (rules.group_registrations.not_registered_entry): {"name", "own_address"} each, for the
    # contact's mail and group page. Cleared with the contact's data (domain.retention).
    not_registered = models.JSONField(_("nicht erneut angemeldet"), default=list, blank=True)
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    anonymised_at = models.DateTimeField(_("anonymisiert am"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["token"])

    class Meta:
        verbose_name = _("Gruppenanmeldung")
        verbose_name_plural = _("Gruppenanmeldungen")
        ordering = ["-created_at"]

    def __str__(self):
        return _("Gruppe %(organisation)s (%(contact)s)") % {
            "organisation": self.organisation,
            "contact": self.contact_name,
        }

    def get_absolute_url(self):
        return reverse("registrations:group", kwargs={"token": self.token})

    @property
    def contact_name(self):
        return f"{self.contact_first_name} {self.contact_last_name}".strip()

    @property
    def is_billed_collectively(self):
        return self.billing == self.Billing.COLLECTIVE

"""Invoices and Stornorechnungen (cancellation invoices) with gapless numbers per year."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .registration import Registration


class InvoiceSequence(models.Model):
    """The last invoice number of a year; its row is locked to hand out gapless numbers."""

    year = models.PositiveIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("Rechnungsnummernkreis")
        verbose_name_plural = _("Rechnungsnummernkreise")

    def __str__(self):
        return f"{self.year}: {self.last_number}"


class Invoice(models.Model):
    """An issued invoice or cancellation invoice. Never edited after it is issued."""

    class Kind(models.TextChoices):
        INVOICE = "invoice", _("Rechnung")
        CANCELLATION = "cancellation", _("Stornorechnung")

    number = models.CharField(_("Rechnungsnummer"), max_length=20, unique=True, editable=False)
    year = models.PositiveIntegerField(_("Jahr"), editable=False)
    sequence = models.PositiveIntegerField(_("laufende Nummer"), editable=False)
    kind = models.CharField(_("Art"), max_length=20, choices=Kind.choices, default=Kind.INVOICE)
    registration = models.ForeignKey(
        Registration, on_delete=models.PROTECT, related_name="invoices", verbose_name=_("Anmeldung")
    )
    cancels = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cancelled_by",
        verbose_name=_("storniert Rechnung"),
    )
    issued_on = models.DateField(_("Rechnungsdatum"))
    due_on = models.DateField(_("fällig am"))
    recipient = models.TextField(_("Rechnungsanschrift"))
    recipient_email = models.EmailField(_("E-Mail für die Rechnung"), blank=True)
    order_number = models.CharField(_("Bestellnummer"), max_length=100, blank=True)
    cost_centre = models.CharField(_("Kostenstelle"), max_length=100, blank=True)
    leitweg_id = models.CharField(_("Leitweg-ID"), max_length=50, blank=True)
    participant_name = models.CharField(_("Teilnehmer/in"), max_length=250)
    description = models.CharField(_("Leistung"), max_length=300)
    service_period = models.CharField(_("Leistungszeitraum"), max_length=100)
    service_place = models.CharField(_("Leistungsort"), max_length=200)
    amount = models.DecimalField(_("Betrag"), max_digits=8, decimal_places=2)
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    anonymised_at = models.DateTimeField(_("anonymisiert am"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Rechnung")
        verbose_name_plural = _("Rechnungen")
        ordering = ["-year", "-sequence"]
        constraints = [
            models.UniqueConstraint(fields=["year", "sequence"], name="unique_invoice_sequence_per_year"),
            models.CheckConstraint(
                condition=(Q(kind="invoice") & Q(amount__gte=0))
                | (Q(kind="cancellation") & Q(amount__lte=0)),
                name="invoice_amount_sign_matches_kind",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number}"

    @property
    def payment_reference(self):
        return f"RE {self.number}"

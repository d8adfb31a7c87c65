"""Invoices and Stornorechnungen (cancellation invoices) with gapless numbers per year."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.history import HistoricalRecords

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
    # A collective invoice (Sammelrechnung) of a group: one line per person (`lines`). It is booked
    # on one member's registration (`registration`, the first on it), which its payments go to.
    group_registration = models.ForeignKey(
        "GroupRegistration",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoices",
        verbose_name=_("Sammelrechnung der Gruppe"),
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
    # Money already received when the invoice was issued (a corrected invoice after a
    # part-payment): frozen with the invoice, so the document and its GiroCode ask for the rest.
    credited_payments = models.DecimalField(
        _("bereits gezahlt"), max_digits=8, decimal_places=2, default=Decimal("0.00")
    )
    # A record of delivery, not of content: many Kommunen take the XRechnung only through
    # their portal (ZRE, OZG-RE, state portals), so the office notes when it uploaded it.
    submitted_to_portal_on = models.DateField(_("im Portal eingereicht am"), null=True, blank=True)
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
            models.CheckConstraint(
                condition=Q(credited_payments__gte=0) & Q(credited_payments__lte=models.F("amount"))
                | Q(credited_payments=0),
                name="invoice_credited_payments_within_amount",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number}"

    @property
    def payment_reference(self):
        return f"RE {self.number}"

    @property
    def amount_due(self):
        """What the invoice asks to be transferred: its amount less the payments credited to it."""
        return self.amount - self.credited_payments


class InvoiceLine(models.Model):
    """One person's line on a collective invoice: their name and frozen fee, never edited."""

    invoice = models.ForeignKey(
        Invoice, on_delete=models.CASCADE, related_name="lines", verbose_name=_("Rechnung")
    )
    position = models.PositiveIntegerField(_("Position"))
    registration = models.ForeignKey(
        Registration, on_delete=models.PROTECT, related_name="invoice_lines", verbose_name=_("Anmeldung")
    )
    participant_name = models.CharField(_("Teilnehmer/in"), max_length=250)
    description = models.CharField(_("Leistung"), max_length=300)
    amount = models.DecimalField(_("Betrag"), max_digits=8, decimal_places=2)

    class Meta:
        verbose_name = _("Rechnungszeile")
        verbose_name_plural = _("Rechnungszeilen")
        ordering = ["invoice", "position"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "position"], name="one_invoice_line_per_position"),
        ]

    def __str__(self):
        return f"{self.invoice.number}/{self.position}: {self.participant_name}"


class PaymentReminder(models.Model):
    """A reminder of one level sent for one invoice (Mahnwesen); each level at most once per invoice."""

    class Level(models.IntegerChoices):
        REMINDER = 1, _("Zahlungserinnerung")
        FIRST_DUNNING = 2, _("1. Mahnung")
        SECOND_DUNNING = 3, _("2. Mahnung")

    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, related_name="reminders", verbose_name=_("Rechnung")
    )
    level = models.PositiveSmallIntegerField(_("Mahnstufe"), choices=Level.choices)
    open_amount = models.DecimalField(_("offener Betrag"), max_digits=8, decimal_places=2)
    sent_at = models.DateTimeField(_("verschickt am"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("verschickt von"),
    )
    is_automatic = models.BooleanField(_("automatisch verschickt"), default=False)
    mail = models.ForeignKey(
        "OutgoingMail", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("Zahlungserinnerung / Mahnung")
        verbose_name_plural = _("Zahlungserinnerungen und Mahnungen")
        ordering = ["-sent_at", "-pk"]
        constraints = [
            # Two clicks, two workers or the daily task and the office at once: one reminder per level.
            models.UniqueConstraint(fields=["invoice", "level"], name="one_reminder_per_invoice_and_level"),
        ]

    def __str__(self):
        return f"{self.get_level_display()} {self.invoice.number}"

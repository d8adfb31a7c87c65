"""Bank statements the office uploaded, and the credits booked (or queued) from them.

A `BankStatementImport` keeps the uploaded file until it is booked, so the
review page and the booking read the same statement. A `BankTransaction` is
one credit of a statement; its bank reference (the bank's `AcctSvcrRef`, or a
checksum of the entry when the bank sends none) is unique per account, which
is what makes a statement imported twice book nothing twice.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.formatting import euro

from .payments import Payment


class BankStatementImport(models.Model):
    """One uploaded statement file (CAMT.053 XML or a ZIP of several), reviewed, then booked once."""

    file_name = models.CharField(_("Datei"), max_length=255)
    content = models.BinaryField(_("Inhalt"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hochgeladen von"),
    )
    uploaded_at = models.DateTimeField(_("hochgeladen am"), auto_now_add=True)
    booked_at = models.DateTimeField(_("gebucht am"), null=True, blank=True)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("gebucht von"),
    )
    # What the booking did, for the result page: counts per outcome (matched, unmatched, duplicates, …).
    summary = models.JSONField(_("Ergebnis"), default=dict, blank=True)

    class Meta:
        verbose_name = _("Kontoauszug-Import")
        verbose_name_plural = _("Kontoauszug-Importe")
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self):
        return self.file_name


class BankTransaction(models.Model):
    """A credit from a bank statement: booked to invoices, or waiting in the queue for the office."""

    class State(models.TextChoices):
        BOOKED = "booked", _("gebucht (Rechnungsnummer erkannt)")
        UNMATCHED = "unmatched", _("nicht zugeordnet")
        ASSIGNED = "assigned", _("von Hand zugeordnet")
        DISMISSED = "dismissed", _("kein Tagungsgeld")

    class Outcome(models.TextChoices):
        PAID = "paid", _("bezahlt")
        PART_PAID = "part_paid", _("Teilzahlung")
        OVERPAID = "overpaid", _("Überzahlung – bitte prüfen")

    statement = models.ForeignKey(
        BankStatementImport,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="transactions",
        verbose_name=_("Kontoauszug"),
    )
    account_iban = models.CharField(_("Konto (IBAN)"), max_length=34, blank=True)
    bank_reference = models.CharField(_("Bankreferenz"), max_length=200)
    booked_on = models.DateField(_("Buchungstag"))
    amount = models.DecimalField(_("Betrag"), max_digits=10, decimal_places=2)
    remittance = models.TextField(_("Verwendungszweck"), blank=True)
    debtor_name = models.CharField(_("Auftraggeber/in"), max_length=250, blank=True)
    debtor_iban = models.CharField(_("IBAN Auftraggeber/in"), max_length=34, blank=True)
    state = models.CharField(_("Stand"), max_length=20, choices=State.choices)
    outcome = models.CharField(_("Ergebnis"), max_length=20, choices=Outcome.choices, blank=True)
    note = models.CharField(_("Hinweis"), max_length=300, blank=True)
    payments = models.ManyToManyField(
        Payment, blank=True, related_name="bank_transactions", verbose_name=_("Zahlungen")
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("zugeordnet von"),
    )
    assigned_at = models.DateTimeField(_("zugeordnet am"), null=True, blank=True)
    created_at = models.DateTimeField(_("importiert am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Kontoeingang")
        verbose_name_plural = _("Kontoeingänge")
        ordering = ["-booked_on", "-pk"]
        constraints = [
            # Two accounts (two banks) may hand out the same reference, one account never does.
            models.UniqueConstraint(
                fields=["account_iban", "bank_reference"], name="unique_bank_reference_per_account"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="bank_transaction_is_a_credit"),
        ]

    def __str__(self):
        return f"{self.booked_on:%d.%m.%Y} {euro(self.amount)} {self.debtor_name}".strip()

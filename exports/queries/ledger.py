"""The treasurer's lists: the invoice journal (Rechnungsausgangsbuch) of a period and the open items.

Both are tables for the spreadsheet writers (documents/spreadsheets.py) and read
a fixed number of queries, whatever the number of invoices. The association
invoices free of VAT (§ 4 Nr. 22 UStG), so net equals gross and the VAT column is 0.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Max, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registrations.models import Invoice, PaymentReminder, Registration
from registrations.queries.balances import with_balance
from registrations.rules.payments import OWED_BACK, OWING

from .lists import DATE, MONEY, TEXT, Column

ZERO = Decimal("0.00")


@dataclass
class LedgerTable:
    title: str
    columns: list
    rows: list[Any]

    @property
    def headers(self):
        return [str(c.header) for c in self.columns]

    def typed_rows(self):
        for row in self.rows:
            yield [c.get(row) for c in self.columns]


def _recipient(invoice):
    return invoice.recipient.splitlines()[0] if invoice.recipient else ""


def _journal_state(invoice):
    if invoice.kind == Invoice.Kind.CANCELLATION:
        return _("Storno zu %(number)s") % {"number": invoice.cancels.number}
    if getattr(invoice, "cancelled_by", None) is not None:
        return _("storniert")
    return invoice.registration.get_payment_status_display()


def _paid_on(invoice):
    """The day the last money came in, for a valid invoice that is settled."""
    settled = invoice.registration.payment_status in (
        Registration.PaymentStatus.PAID,
        Registration.PaymentStatus.OVERPAID,
    )
    if invoice.kind != Invoice.Kind.INVOICE or getattr(invoice, "cancelled_by", None) or not settled:
        return None
    return invoice.last_payment_on


def _cancelled_by(invoice):
    cancelled_by = getattr(invoice, "cancelled_by", None)
    return cancelled_by.number if cancelled_by else ""


JOURNAL_COLUMNS = [
    Column("number", gettext_lazy("Rechnungsnummer"), lambda i: i.number, width=16),
    Column("issued_on", gettext_lazy("Rechnungsdatum"), lambda i: i.issued_on, DATE, width=14),
    Column("kind", gettext_lazy("Art"), lambda i: i.get_kind_display(), width=16),
    Column("recipient", gettext_lazy("Rechnungsempfänger"), _recipient, width=32),
    Column("participant", gettext_lazy("Teilnehmer/in"), lambda i: i.participant_name, width=28),
    Column("conference", gettext_lazy("Tagung"), lambda i: i.registration.conference.title, width=28),
    Column("net", gettext_lazy("Netto"), lambda i: i.amount, MONEY, width=13),
    Column("vat", gettext_lazy("USt"), lambda i: ZERO, MONEY, width=10),
    Column("gross", gettext_lazy("Brutto"), lambda i: i.amount, MONEY, width=13),
    Column("state", gettext_lazy("Stand"), _journal_state, width=20),
    Column("paid_on", gettext_lazy("bezahlt am"), _paid_on, DATE, width=13),
    Column("cancelled_by", gettext_lazy("storniert durch"), _cancelled_by, width=16),
    Column("leitweg_id", gettext_lazy("Leitweg-ID"), lambda i: i.leitweg_id, width=24),
    Column(
        "portal", gettext_lazy("im Portal eingereicht am"), lambda i: i.submitted_to_portal_on, DATE, width=14
    ),
]


def invoice_journal(*, start, end):
    """Every invoice and Stornorechnung issued from `start` to `end` (inclusive), in number order."""
    invoices = (
        Invoice.objects.filter(issued_on__gte=start, issued_on__lte=end)
        .select_related("registration__conference", "cancels", "cancelled_by")
        .annotate(
            last_payment_on=Max(
                "registration__payments__received_on", filter=Q(registration__payments__amount__gt=0)
            )
        )
        .order_by("year", "sequence")
    )
    title = _("Rechnungsausgangsbuch %(start)s–%(end)s") % {
        "start": start.strftime("%d.%m.%Y"),
        "end": end.strftime("%d.%m.%Y"),
    }
    return LedgerTable(title=title, columns=JOURNAL_COLUMNS, rows=list(invoices))


@dataclass
class OpenItem:
    registration: Registration
    invoice: Invoice | None
    today: Any

    @property
    def open_amount(self):
        return self.registration.invoiced_total - self.registration.paid_total

    @property
    def days_overdue(self):
        if self.invoice is None or self.open_amount <= ZERO or self.invoice.due_on >= self.today:
            return None
        return (self.today - self.invoice.due_on).days

    @property
    def dunning_level(self):
        levels = [r.level for r in self.invoice.reminders.all()] if self.invoice else []
        return PaymentReminder.Level(max(levels)).label if levels else ""


OPEN_ITEM_COLUMNS = [
    Column(
        "number", gettext_lazy("Rechnungsnummer"), lambda o: o.invoice.number if o.invoice else "", width=16
    ),
    Column(
        "issued_on",
        gettext_lazy("Rechnungsdatum"),
        lambda o: o.invoice.issued_on if o.invoice else None,
        DATE,
        width=14,
    ),
    Column(
        "due_on", gettext_lazy("fällig am"), lambda o: o.invoice.due_on if o.invoice else None, DATE, width=13
    ),
    Column(
        "recipient",
        gettext_lazy("Rechnungsempfänger"),
        lambda o: _recipient(o.invoice) if o.invoice else "",
        width=32,
    ),
    Column("participant", gettext_lazy("Teilnehmer/in"), lambda o: o.registration.full_name, width=28),
    Column("conference", gettext_lazy("Tagung"), lambda o: o.registration.conference.title, width=28),
    Column(
        "invoiced",
        gettext_lazy("in Rechnung gestellt"),
        lambda o: o.registration.invoiced_total,
        MONEY,
        width=14,
    ),
    Column("paid", gettext_lazy("gezahlt"), lambda o: o.registration.paid_total, MONEY, width=13),
    Column("open", gettext_lazy("offen (negativ: zu erstatten)"), lambda o: o.open_amount, MONEY, width=16),
    Column("state", gettext_lazy("Zahlung"), lambda o: o.registration.get_payment_status_display(), width=18),
    Column("days_overdue", gettext_lazy("Tage überfällig"), lambda o: o.days_overdue, TEXT, width=10),
    Column("level", gettext_lazy("Mahnstufe"), lambda o: o.dunning_level, width=18),
]


def open_items(*, today=None):
    """Registrations with money still to come in or to pay back, with their valid (or last) invoice."""
    today = today or timezone.localdate()
    registrations = (
        with_balance(Registration.objects.filter(payment_status__in=[*OWING, *OWED_BACK]))
        .select_related("conference")
        .prefetch_related(
            Prefetch(
                "invoices",
                queryset=Invoice.objects.filter(kind=Invoice.Kind.INVOICE)
                .order_by("-year", "-sequence")
                .prefetch_related("reminders"),
            )
        )
        .order_by("conference__starts_at", "last_name", "first_name", "pk")
    )
    rows = []
    for registration in registrations:
        invoices = list(registration.invoices.all())
        rows.append(OpenItem(registration, invoices[0] if invoices else None, today))
    title = _("Offene Posten am %(day)s") % {"day": today.strftime("%d.%m.%Y")}
    return LedgerTable(title=title, columns=OPEN_ITEM_COLUMNS, rows=rows)

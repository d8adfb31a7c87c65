"""Reads for the Mahnwesen: what each selected registration would get if reminders were sent now.

`reminder_plan()` feeds the office's preview page and the daily task with a
fixed number of queries, whatever the number of registrations.
"""

from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ..models import Invoice, PaymentReminder, Registration
from ..rules.dunning import NextReminder, next_reminder, reminder_waits
from ..rules.payments import ZERO
from .balances import balances_for
from .invoices import valid_collective_invoices


@dataclass(frozen=True)
class PlannedReminder:
    registration: Registration
    invoice: Invoice | None
    open_amount: object
    next: NextReminder | None
    skipped_because: str  # empty when the reminder would go out now

    @property
    def will_be_sent(self):
        return not self.skipped_because

    @property
    def name(self):
        """Whom the reminder is about: the person, or the group of a collective invoice."""
        if self.invoice is not None and self.invoice.group_registration_id:
            return str(self.invoice.group_registration)
        return self.registration.full_name


def sent_levels(invoice):
    """{level: local date sent} of an invoice whose reminders are prefetched."""
    return {r.level: timezone.localdate(r.sent_at) for r in invoice.reminders.all()}


def _collective_invoice_numbers(group_ids):
    """{group id: number of its valid collective invoice} for the groups given (one query)."""
    if not group_ids:
        return {}
    return dict(
        valid_collective_invoices()
        .filter(group_registration_id__in=group_ids)
        .order_by("year", "sequence")
        .values_list("group_registration_id", "number")
    )


def reminder_plan(registrations, *, today=None):
    """For each registration: its valid invoice, open amount, next level and why it is skipped (if so).

    The invoice is the one queries.invoices.invoice_to_remind picks: its own, or the collective
    invoice booked on it; the open amount is what is owed on it (the holder's balance)."""
    today = today or timezone.localdate()
    registrations = list(registrations)
    ids = [r.pk for r in registrations]
    invoices = {
        invoice.registration_id: invoice
        for invoice in Invoice.objects.filter(
            registration_id__in=ids, kind=Invoice.Kind.INVOICE, cancelled_by__isnull=True
        )
        .select_related("group_registration")
        .order_by("year", "sequence")
        .prefetch_related(Prefetch("reminders", queryset=PaymentReminder.objects.order_by("level")))
    }
    balances = balances_for(ids)
    collective = _collective_invoice_numbers(
        {r.group_registration_id for r in registrations if r.group_registration_id and r.pk not in invoices}
    )
    plan = []
    for registration in registrations:
        invoice = invoices.get(registration.pk)
        open_amount = balances[registration.pk].open_amount
        step, reason = None, ""
        if invoice is None and registration.group_registration_id in collective:
            # A line of the group's collective invoice: reminded once, through the invoice itself.
            reason = _(
                "Posten der Sammelrechnung %(number)s: erinnert wird an die Sammelrechnung als Ganzes"
            ) % {"number": collective[registration.group_registration_id]}
        elif invoice is None or open_amount <= ZERO:
            reason = _("kein Betrag offen")
        else:
            step = next_reminder(
                due_on=invoice.due_on,
                sent=sent_levels(invoice),
                waits=reminder_waits(registration.conference),
            )
            if step is None:
                reason = _("alle Mahnstufen sind verschickt")
            elif not step.is_due(today):
                reason = _("%(level)s erst ab %(date)s") % {
                    "level": step.label,
                    "date": date_format(step.earliest, "d.m.Y"),
                }
        plan.append(PlannedReminder(registration, invoice, open_amount, step, reason))
    return plan

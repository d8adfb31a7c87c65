"""Mahnwesen (dunning): payment reminders by level, each level once per invoice.

A reminder goes out only for an invoice past due with money open, and only when
its level's wait is over (rules.dunning). The registration row is locked while
the level is chosen, so two clicks or the office and the daily task at once
send one reminder; the unique constraint on (invoice, level) is the last guard.
The reminder mail goes to the accounts office when the invoice has its own
address (participant in copy, no personal link), else to the participant.

A group's collective invoice (Sammelrechnung) is reminded like anyone's invoice, through the
registration it is booked on (its holder, whose registration holds the employer's payments): the
same levels, waits, lock and constraint. Its mail goes where the invoice went
(invoicing.queue_collective_invoice_mail): the billing address with the contact in copy, else the
contact in their language; it lists the lines and carries no personal link.
"""

import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.exceptions import RegistrationError

from ..documents.invoice import attachments_for, format_iban, payment_reference
from ..models import PaymentReminder, Registration
from ..queries.balances import balance
from ..queries.dunning import reminder_plan, sent_levels
from ..queries.invoices import REMINDER, invoice_to_remind, overdue_q
from ..rules.billing import goes_to_accounts_office
from ..rules.dunning import next_reminder, reminder_waits
from ..rules.payments import ZERO
from . import outbox

logger = logging.getLogger(__name__)

COLLECTIVE_REMINDER = "group_payment_reminder"


def lock_registration(registration_id):
    """The registration row, locked: reminders of one registration are chosen one at a time."""
    return Registration.objects.select_for_update().select_related("conference").get(pk=registration_id)


def send_payment_reminder(*, registration, by=None, now=None, is_automatic=False):
    """Queue the next due reminder level for the registration's invoice; returns the queued mail.

    Refused (RegistrationError) when nothing is open, the invoice is not past due,
    the level's wait is not over or every level was sent.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        registration = lock_registration(registration.pk)
        invoice = invoice_to_remind(registration)
        current = balance(registration)
        name = _reminded_name(registration, invoice)
        if invoice is None or current.open_amount <= ZERO:
            raise RegistrationError(
                _("%(name)s: Es ist kein Betrag offen, eine Zahlungserinnerung ist nicht nötig.")
                % {"name": name}
            )
        step = next_reminder(
            due_on=invoice.due_on,
            sent=sent_levels(invoice),
            waits=reminder_waits(registration.conference),
        )
        if step is None:
            raise RegistrationError(
                _("%(name)s: Zahlungserinnerung und beide Mahnungen sind schon verschickt.") % {"name": name}
            )
        if not step.is_due(today):
            raise RegistrationError(
                _(
                    "%(name)s: %(level)s ist erst ab %(date)s möglich (Rechnung %(number)s, fällig am %(due)s)."
                )
                % {
                    "name": name,
                    "level": step.label,
                    "date": date_format(step.earliest, "d.m.Y"),
                    "number": invoice.number,
                    "due": date_format(invoice.due_on, "d.m.Y"),
                }
            )
        try:
            with transaction.atomic():
                reminder = PaymentReminder.objects.create(
                    invoice=invoice,
                    level=step.level,
                    open_amount=current.open_amount,
                    sent_at=now,
                    sent_by=by,
                    is_automatic=is_automatic,
                )
        except IntegrityError as error:
            raise RegistrationError(
                _("%(name)s: %(level)s wurde soeben schon verschickt.") % {"name": name, "level": step.label}
            ) from error
        context = {
            "invoice": invoice,
            "level": step.level,
            "level_label": step.label,
            "open_amount": current.open_amount,
            "paid": current.paid,
            "iban": format_iban(settings.ASSOCIATION["iban"]),
            "reference": payment_reference(invoice),
            "today": today,
        }
        if invoice.group_registration_id:
            mail = _queue_collective_reminder(registration, invoice, step=step, context=context)
        else:
            mail = _queue_reminder(registration, invoice, step=step, context=context)
        reminder.mail = mail
        reminder.save(update_fields=["mail"])
    if by is not None:
        logger.info("%s for registration %s queued by user %s", step.label, registration.pk, by.pk)
    return mail


def _reminded_name(registration, invoice):
    """Whom a reminder (or its refusal) is about: the person, or the group of a collective invoice."""
    if invoice is not None and invoice.group_registration_id:
        return str(invoice.group_registration)
    return registration.full_name


def _queue_reminder(registration, invoice, *, step, context):
    to_office = goes_to_accounts_office(invoice, registration)
    return outbox.queue_mail(
        registration=registration,
        template="payment_reminder_accounts" if to_office else REMINDER,
        kind=REMINDER,
        to=invoice.recipient_email if to_office else None,
        cc=registration.email if to_office else "",
        with_personal_link=not to_office,
        dedup_key=f"reminder-{invoice.number}-{step.level}",
        context=context,
        attachments=attachments_for(invoice, to_accounts_office=to_office),
    )


def _queue_collective_reminder(registration, invoice, *, step, context):
    """The reminder of a group's collective invoice: to the billing address with the contact in
    copy (German, the accounts office), else to the contact in the group's language. No personal
    link: the mail is meant to be forwarded inside the administration."""
    group = invoice.group_registration
    to_office = bool(group.billing_email) and group.billing_email != group.contact_email
    to = group.billing_email or group.contact_email
    context = {
        **context,
        "group": group,
        "conference": group.conference,
        "lines": list(invoice.lines.all()),
        "to_office": to_office,
    }
    subject, text, html = outbox.render_mail(
        COLLECTIVE_REMINDER, context, "de" if to_office else group.language
    )
    return outbox.queue_mail(
        registration=registration,
        template=COLLECTIVE_REMINDER,
        kind=REMINDER,
        to=to,
        cc=group.contact_email if to_office else "",
        dedup_key=f"reminder-{invoice.number}-{step.level}",
        rendered=outbox.RenderedMail(COLLECTIVE_REMINDER, to, subject, text, html),
        attachments=attachments_for(invoice, to_accounts_office=to_office),
    )


def send_due_reminders(*, registrations, by=None, now=None, is_automatic=False):
    """Send every reminder that is due now for the given registrations; returns (mails, refusals).

    Refusals are the RegistrationErrors of those that got nothing (not due, nothing open).
    """
    mails, refusals = [], []
    for registration in registrations:
        try:
            mails.append(
                send_payment_reminder(registration=registration, by=by, now=now, is_automatic=is_automatic)
            )
        except RegistrationError as error:
            refusals.append(error)
    return mails, refusals


def send_automatic_reminders(*, now=None):
    """The daily task: due reminders of conferences whose office switched the automatic sending on."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    overdue = (
        Registration.objects.filter(conference__sends_reminders_automatically=True)
        .filter(overdue_q(today))
        .distinct()
        .select_related("conference")
        .order_by("pk")
    )
    due = [p.registration for p in reminder_plan(overdue, today=today) if p.will_be_sent]
    mails, _refusals = send_due_reminders(registrations=due, now=now, is_automatic=True)
    return mails

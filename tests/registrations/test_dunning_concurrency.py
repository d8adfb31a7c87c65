"""A reminder level goes out once per invoice, even when sent twice at the same moment (PostgreSQL only).

Issue 16: running the reminder action twice within 3 s sent two reminders each.
The registration row lock serialises the choice of the level; the unique
constraint on (invoice, level) is the last guard, shown by the control run
without the lock.
"""

import datetime as dt
import threading

from django.utils import timezone

from core.exceptions import RegistrationError
from registrations.domain import dunning, invoicing
from registrations.models import OutgoingMail, PaymentReminder, Registration
from tests.factories import BindingRegistrationFactory, ConferenceFactory, group_colleague, registered_group

from .race import POSTGRES_RACE, at_once

pytestmark = POSTGRES_RACE

CLICKS = 8


def overdue_registration():
    registration = BindingRegistrationFactory(conference=ConferenceFactory(), email="spaet@example.org")
    invoicing.issue_invoice(registration=registration, now=timezone.now() - dt.timedelta(days=40))
    return registration


def fire(registration):
    return at_once(lambda _n: dunning.send_payment_reminder(registration=registration), list(range(CLICKS)))


def test_concurrent_reminders_send_one_reminder():
    registration = overdue_registration()

    results, errors = fire(registration)

    assert len(results) == 1
    assert len(errors) == CLICKS - 1
    assert all(isinstance(error, RegistrationError) and "erst ab" in str(error) for error in errors)
    assert PaymentReminder.objects.count() == 1
    assert OutgoingMail.objects.filter(kind="payment_reminder").count() == 1


def test_control_without_the_lock_only_the_constraint_stops_the_second_reminder(monkeypatch):
    """Everyone reads "no reminder yet" before anyone writes; the unique constraint refuses the rest."""
    registration = overdue_registration()
    barrier = threading.Barrier(CLICKS)

    read_levels = dunning.sent_levels

    def unlocked(registration_id):
        return Registration.objects.select_related("conference").get(pk=registration_id)

    def levels_then_wait(invoice):
        levels = read_levels(invoice)
        try:
            barrier.wait(timeout=10)  # everyone has read the levels before anyone writes
        except threading.BrokenBarrierError:
            pass
        return levels

    monkeypatch.setattr(dunning, "lock_registration", unlocked)
    monkeypatch.setattr(dunning, "sent_levels", levels_then_wait)
    results, errors = fire(registration)

    assert len(results) == 1
    assert len(errors) == CLICKS - 1
    # The race reached the database: the level was chosen by all, refused by the constraint.
    assert all("wurde soeben schon verschickt" in str(error) for error in errors)
    assert PaymentReminder.objects.count() == 1
    assert OutgoingMail.objects.filter(kind="payment_reminder").count() == 1


def overdue_collective_invoice():
    """A group's collective invoice, issued 40 days ago (issue 15, review gap 1)."""
    from registrations.domain import group_registrations
    from registrations.queries.invoices import current_collective_invoice

    conference = ConferenceFactory(places=10)
    group = registered_group(
        conference,
        [group_colleague("Anna"), group_colleague("Bernd")],
        billing_email="rechnungen@kreis-beispiel.de",
    )
    group_registrations.confirm_group(group=group, now=timezone.now() - dt.timedelta(days=40))
    return current_collective_invoice(group)


def test_concurrent_reminders_of_a_collective_invoice_send_one_reminder():
    invoice = overdue_collective_invoice()

    results, errors = fire(invoice.registration)

    assert len(results) == 1
    assert len(errors) == CLICKS - 1
    assert PaymentReminder.objects.filter(invoice=invoice).count() == 1
    assert list(OutgoingMail.objects.filter(kind="payment_reminder").values_list("to", flat=True)) == [
        "rechnungen@kreis-beispiel.de"
    ]

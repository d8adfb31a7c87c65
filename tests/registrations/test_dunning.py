"""Mahnwesen: reminders only past due, by level with waits, each level once, the daily task."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from core.exceptions import RegistrationError
from registrations.domain import dunning, invoicing, payments
from registrations.models import OutgoingMail, PaymentReminder
from registrations.queries.dunning import reminder_plan
from registrations.rules.dunning import next_reminder
from tests.factories import BindingRegistrationFactory, ConferenceFactory, UserFactory

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
Level = PaymentReminder.Level
DUE = dt.date(2025, 7, 15)  # invoice of 01.07.2025, 14 days


def at(day, month=7):
    return dt.datetime(2025, month, day, 12, 0, tzinfo=BERLIN)


@pytest.fixture
def conference(time_machine):
    time_machine.move_to(at(1), tick=False)
    return ConferenceFactory(
        title="VSOP-Jahrestagung 2025",
        starts_at=dt.datetime(2025, 9, 25, 10, 0, tzinfo=BERLIN),
        ends_at=dt.datetime(2025, 9, 26, 14, 0, tzinfo=BERLIN),
        reminder_wait_days=7,
        first_dunning_wait_days=14,
        second_dunning_wait_days=10,
    )


@pytest.fixture
def invoiced(conference):
    registration = BindingRegistrationFactory(conference=conference)
    invoicing.issue_invoice(registration=registration)
    registration.refresh_from_db()
    return registration


def levels(registration):
    return list(
        PaymentReminder.objects.filter(invoice__registration=registration)
        .order_by("level")
        .values_list("level", flat=True)
    )


@pytest.mark.parametrize(
    ("sent", "expected"),
    [
        ({}, (Level.REMINDER, dt.date(2025, 7, 22))),
        ({1: dt.date(2025, 7, 25)}, (Level.FIRST_DUNNING, dt.date(2025, 8, 8))),
        ({1: dt.date(2025, 7, 25), 2: dt.date(2025, 8, 8)}, (Level.SECOND_DUNNING, dt.date(2025, 8, 18))),
        ({1: dt.date(2025, 7, 25), 2: dt.date(2025, 8, 8), 3: dt.date(2025, 8, 18)}, None),
    ],
)
def test_next_reminder_level_and_its_first_day(sent, expected):
    step = next_reminder(due_on=DUE, sent=sent, waits=(7, 14, 10))
    assert (None if step is None else (step.level, step.earliest)) == expected


def test_a_reminder_without_wait_still_waits_until_the_day_after_the_due_date():
    assert next_reminder(due_on=DUE, sent={}, waits=(0, 14, 14)).earliest == dt.date(2025, 7, 16)


def test_no_reminder_for_an_invoice_not_yet_due(invoiced, time_machine):
    """Issue 16: one went out for an invoice not yet due, without a warning."""
    for day in (1, 15, 21):
        time_machine.move_to(at(day), tick=False)
        with pytest.raises(RegistrationError, match="erst ab 22.07.2025 möglich"):
            dunning.send_payment_reminder(registration=invoiced)
    assert not OutgoingMail.objects.filter(kind="payment_reminder").exists()
    assert levels(invoiced) == []


def test_levels_follow_each_other_with_their_waits(invoiced, time_machine):
    user = UserFactory(username="kasse")
    time_machine.move_to(at(22), tick=False)
    first = dunning.send_payment_reminder(registration=invoiced, by=user)
    assert first.subject == "Zahlungserinnerung: Rechnung 2025-0001 – VSOP-Jahrestagung 2025"

    time_machine.move_to(at(4, 8), tick=False)  # 13 days later: the 1. Mahnung waits 14
    with pytest.raises(RegistrationError, match="1. Mahnung ist erst ab 05.08.2025 möglich"):
        dunning.send_payment_reminder(registration=invoiced)

    time_machine.move_to(at(5, 8), tick=False)
    second = dunning.send_payment_reminder(registration=invoiced)
    assert second.subject == "1. Mahnung: Rechnung 2025-0001 – VSOP-Jahrestagung 2025"
    assert "1. Mahnung" in second.body_text

    time_machine.move_to(at(15, 8), tick=False)
    third = dunning.send_payment_reminder(registration=invoiced)
    assert third.subject == "2. Mahnung: Rechnung 2025-0001 – VSOP-Jahrestagung 2025"

    time_machine.move_to(at(30, 9), tick=False)
    with pytest.raises(RegistrationError, match="beide Mahnungen sind schon verschickt"):
        dunning.send_payment_reminder(registration=invoiced)

    assert levels(invoiced) == [1, 2, 3]
    reminders = PaymentReminder.objects.order_by("level")
    assert [(r.open_amount, r.mail.subject.split(":")[0], r.is_automatic) for r in reminders] == [
        (Decimal("250.00"), "Zahlungserinnerung", False),
        (Decimal("250.00"), "1. Mahnung", False),
        (Decimal("250.00"), "2. Mahnung", False),
    ]
    assert reminders[0].sent_by == user


def test_the_same_level_is_never_sent_twice(invoiced, time_machine):
    """Issue 16: running the action twice sent two reminders each."""
    time_machine.move_to(at(22), tick=False)
    dunning.send_payment_reminder(registration=invoiced)
    with pytest.raises(RegistrationError, match="erst ab"):
        dunning.send_payment_reminder(registration=invoiced)
    assert OutgoingMail.objects.filter(kind="payment_reminder").count() == 1


def test_the_database_refuses_a_second_reminder_of_the_same_level(invoiced):
    from django.db import IntegrityError, transaction
    from django.utils import timezone

    invoice = invoiced.invoices.get()
    PaymentReminder.objects.create(invoice=invoice, level=1, open_amount=1, sent_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentReminder.objects.create(invoice=invoice, level=1, open_amount=1, sent_at=timezone.now())


def test_a_part_payment_lowers_the_amount_of_the_next_level(invoiced, time_machine):
    time_machine.move_to(at(22), tick=False)
    dunning.send_payment_reminder(registration=invoiced)
    payments.record_payment(registration=invoiced, amount=Decimal("100.00"), received_on=dt.date(2025, 7, 30))
    time_machine.move_to(at(6, 8), tick=False)
    mail = dunning.send_payment_reminder(registration=invoiced)
    assert "Offener Betrag:   150,00\u00a0€" in mail.body_text
    assert PaymentReminder.objects.get(level=2).open_amount == Decimal("150.00")


def test_paid_in_full_gets_no_further_level(invoiced, time_machine):
    time_machine.move_to(at(22), tick=False)
    dunning.send_payment_reminder(registration=invoiced)
    payments.record_payment(registration=invoiced, amount=Decimal("250.00"), received_on=dt.date(2025, 7, 30))
    time_machine.move_to(at(10, 8), tick=False)
    with pytest.raises(RegistrationError, match="kein Betrag offen"):
        dunning.send_payment_reminder(registration=invoiced)


def test_the_plan_says_who_gets_what_and_why_not(conference, invoiced, time_machine):
    paid = BindingRegistrationFactory(conference=conference, email="bezahlt@example.org", last_name="Bezahlt")
    invoicing.issue_invoice(registration=paid)
    payments.record_payment(registration=paid, amount=Decimal("250.00"), received_on=dt.date(2025, 7, 2))
    time_machine.move_to(at(3, 8), tick=False)
    late = BindingRegistrationFactory(conference=conference, email="spaet@example.org", last_name="Spät")
    invoicing.issue_invoice(registration=late)  # due 17.08.2025

    plan = {p.registration.pk: p for p in reminder_plan([invoiced, paid, late])}

    assert (plan[invoiced.pk].will_be_sent, plan[invoiced.pk].next.label) == (True, "Zahlungserinnerung")
    assert plan[paid.pk].skipped_because == "kein Betrag offen"
    assert plan[late.pk].skipped_because == "Zahlungserinnerung erst ab 24.08.2025"


def test_the_plan_runs_a_constant_number_of_queries(conference, django_assert_num_queries, time_machine):
    people = [BindingRegistrationFactory(conference=conference, email=f"p{n}@example.org") for n in range(3)]
    for person in people:
        invoicing.issue_invoice(registration=person)
    time_machine.move_to(at(22), tick=False)
    dunning.send_payment_reminder(registration=people[0])
    for count in (1, 3):
        with django_assert_num_queries(4):  # registrations, invoices, their reminders, the balances (2)
            reminder_plan(list(people[:count]))


def test_the_daily_task_sends_only_where_the_office_switched_it_on(conference, invoiced, time_machine):
    other_conference = ConferenceFactory(title="Andere Tagung", sends_reminders_automatically=False)
    elsewhere = BindingRegistrationFactory(conference=other_conference, email="anders@example.org")
    invoicing.issue_invoice(registration=elsewhere)
    time_machine.move_to(at(25), tick=False)

    call_command("send_due_reminders")
    assert levels(invoiced) == []

    conference.sends_reminders_automatically = True
    conference.save()
    call_command("send_due_reminders")
    call_command("send_due_reminders")  # a second run the same day sends nothing more

    assert levels(invoiced) == [1]
    assert levels(elsewhere) == []
    assert PaymentReminder.objects.get().is_automatic is True
    assert OutgoingMail.objects.filter(kind="payment_reminder").count() == 1

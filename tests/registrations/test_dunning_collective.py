"""Mahnwesen for collective invoices (issue 15, review gap 1): an overdue Sammelrechnung of a group
gets the same reminders as anyone's invoice, to the employer's billing address (no personal link)."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse

from core.exceptions import RegistrationError
from registrations.domain import dunning, group_registrations, payments
from registrations.models import OutgoingMail, PaymentReminder
from registrations.queries.dunning import reminder_plan
from registrations.queries.invoices import current_collective_invoice, overdue_registrations
from tests.factories import ConferenceFactory, group_colleague, registered_group

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
Level = PaymentReminder.Level
ACCOUNTS = "rechnungen@kreis-beispiel.de"
SECRETARIAT = "sekretariat@kreis-beispiel.de"


def at(day, month=7):
    return dt.datetime(2025, month, day, 12, 0, tzinfo=BERLIN)


@pytest.fixture
def conference(time_machine):
    time_machine.move_to(at(1), tick=False)
    return ConferenceFactory(
        title="VSOP-Jahrestagung 2025",
        places=10,
        starts_at=dt.datetime(2025, 9, 25, 10, 0, tzinfo=BERLIN),
        ends_at=dt.datetime(2025, 9, 26, 14, 0, tzinfo=BERLIN),
        reminder_wait_days=7,
        first_dunning_wait_days=14,
        second_dunning_wait_days=10,
        sends_reminders_automatically=True,
    )


def make_group(conference, *, billing_email=ACCOUNTS, language="de"):
    group = registered_group(
        conference,
        [group_colleague("Anna", is_member=True), group_colleague("Bernd", email="bernd@kreis-beispiel.de")],
        contact_email=SECRETARIAT,
        billing_email=billing_email,
        language=language,
    )
    group_registrations.confirm_group(group=group)
    return group


def reminders_of(invoice):
    return list(
        PaymentReminder.objects.filter(invoice=invoice).order_by("level").values_list("level", flat=True)
    )


def test_an_overdue_collective_invoice_is_reminded_to_the_accounts_office_without_a_personal_link(
    conference, time_machine, django_capture_on_commit_callbacks
):
    group = make_group(conference)
    invoice = current_collective_invoice(group)
    assert invoice.amount == Decimal("550.00")
    payments.record_payment(
        registration=invoice.registration, amount=Decimal("100.00"), received_on=at(10).date()
    )
    time_machine.move_to(at(23), tick=False)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sent = dunning.send_automatic_reminders()
    assert len(sent) == 1
    assert reminders_of(invoice) == [Level.REMINDER]
    assert PaymentReminder.objects.get().open_amount == Decimal("450.00")  # what is really still owed
    message = mail.outbox[-1]
    assert message.to == [ACCOUNTS]
    assert message.cc == [SECRETARIAT]
    assert "Sammelrechnung " + invoice.number in message.body
    assert "450,00" in message.body
    assert "Anna Beispiel" in message.body and "Bernd Beispiel" in message.body
    for token in [group.token, *group.members.values_list("token", flat=True)]:
        assert token not in message.body  # the accounts office's mail carries no personal link
    assert message.attachments[0][0] == f"Rechnung_{invoice.number}.pdf"
    # The daily task again: the level is sent, the next one waits.
    with django_capture_on_commit_callbacks(execute=True):
        assert dunning.send_automatic_reminders() == []
    time_machine.move_to(at(8, 8), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert len(dunning.send_automatic_reminders()) == 1
    assert reminders_of(invoice) == [Level.REMINDER, Level.FIRST_DUNNING]


def test_a_collective_invoice_without_billing_address_is_reminded_to_the_contact_in_their_language(
    conference, time_machine, django_capture_on_commit_callbacks
):
    group = make_group(conference, billing_email="", language="en")
    invoice = current_collective_invoice(group)
    time_machine.move_to(at(23), tick=False)
    mail.outbox.clear()
    holder = invoice.registration
    with django_capture_on_commit_callbacks(execute=True):
        dunning.send_payment_reminder(registration=holder)
    message = mail.outbox[-1]
    assert message.to == [SECRETARIAT]
    assert "collective invoice " + invoice.number in message.body
    assert "550.00" in message.body or "550,00" in message.body
    # A second click: the level was sent.
    with pytest.raises(RegistrationError, match="erst ab"):
        dunning.send_payment_reminder(registration=holder)
    assert OutgoingMail.objects.filter(kind="payment_reminder").count() == 1


def test_the_plan_and_the_overdue_list_show_the_collective_invoice_with_what_is_owed(
    conference, time_machine
):
    group = make_group(conference)
    invoice = current_collective_invoice(group)
    time_machine.move_to(at(23), tick=False)
    overdue = list(overdue_registrations(conference))
    assert overdue == [invoice.registration]
    (planned,) = reminder_plan(overdue)
    assert planned.invoice == invoice
    assert planned.will_be_sent
    assert planned.open_amount == Decimal("550.00")
    assert planned.name == str(group)


def test_a_paid_collective_invoice_gets_no_reminder(conference, time_machine):
    group = make_group(conference)
    invoice = current_collective_invoice(group)
    payments.record_payment(
        registration=invoice.registration, amount=Decimal("550.00"), received_on=at(10).date()
    )
    time_machine.move_to(at(23), tick=False)
    assert dunning.send_automatic_reminders() == []
    with pytest.raises(RegistrationError, match="kein Betrag offen"):
        dunning.send_payment_reminder(registration=invoice.registration)


def test_the_office_previews_and_sends_the_collective_reminder_from_the_overdue_invoice_list(
    admin_client, conference, time_machine
):
    group = make_group(conference)
    invoice = current_collective_invoice(group)
    time_machine.move_to(at(23), tick=False)
    url = reverse("admin:registrations_invoice_changelist")
    listed = admin_client.get(url, {"overdue": "yes"})
    assert invoice.number in listed.content.decode()
    preview = admin_client.post(url, {"action": "send_reminders_action", "_selected_action": [invoice.pk]})
    content = preview.content.decode()
    assert "1 Zahlungserinnerung oder Mahnung wird verschickt." in content
    assert str(group) in content
    assert not PaymentReminder.objects.exists()
    admin_client.post(
        url, {"action": "send_reminders_action", "_selected_action": [invoice.pk], "apply": "1"}, follow=True
    )
    assert reminders_of(invoice) == [Level.REMINDER]
    assert OutgoingMail.objects.get(kind="payment_reminder").to == ACCOUNTS


def test_a_colleague_on_the_collective_invoice_is_skipped_with_the_invoice_named(conference, time_machine):
    group = make_group(conference)
    invoice = current_collective_invoice(group)
    time_machine.move_to(at(23), tick=False)
    holder = invoice.registration
    other = group.members.exclude(pk=holder.pk).get()
    plan = {p.registration.pk: p for p in reminder_plan([holder, other])}
    assert plan[holder.pk].will_be_sent
    assert plan[other.pk].skipped_because == (
        f"Posten der Sammelrechnung {invoice.number}: erinnert wird an die Sammelrechnung als Ganzes"
    )

"""The office's Mahnwesen in the admin: preview before sending, the overdue list, the portal note."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from registrations.domain import dunning, invoicing, payments
from registrations.models import Invoice, OutgoingMail, PaymentReminder
from tests.factories import BindingRegistrationFactory, ConferenceFactory

pytestmark = pytest.mark.django_db

REGISTRATIONS = "admin:registrations_registration_changelist"
INVOICES = "admin:registrations_invoice_changelist"


def invoiced(conference, n, *, issued_days_ago=40, **kwargs):
    registration = BindingRegistrationFactory(
        conference=conference, email=f"p{n}@example.org", last_name=f"Person{n}", **kwargs
    )
    invoicing.issue_invoice(
        registration=registration, now=timezone.now() - dt.timedelta(days=issued_days_ago)
    )
    registration.refresh_from_db()
    return registration


@pytest.fixture
def conference():
    return ConferenceFactory(title="VSOP-Jahrestagung 2025")


def post_action(client, url, action, pks, **extra):
    return client.post(reverse(url), {"action": action, "_selected_action": pks, **extra}, follow=True)


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def test_the_reminder_action_shows_a_preview_with_the_count_and_sends_nothing(admin_client, conference):
    due = invoiced(conference, 1)
    fresh = invoiced(conference, 2, issued_days_ago=0)
    paid = invoiced(conference, 3)
    payments.record_payment(registration=paid, amount=Decimal("250.00"), received_on=timezone.localdate())

    response = admin_client.post(
        reverse(REGISTRATIONS),
        {"action": "payment_reminder_action", "_selected_action": [due.pk, fresh.pk, paid.pk]},
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert "1 Zahlungserinnerung oder Mahnung wird verschickt." in content
    assert "Ausgewählt: 3 Anmeldungen." in content
    plan = {p.registration.pk: p for p in response.context["plan"]}
    assert plan[due.pk].will_be_sent
    assert plan[fresh.pk].skipped_because.startswith("Zahlungserinnerung erst ab")
    assert plan[paid.pk].skipped_because == "kein Betrag offen"
    assert not OutgoingMail.objects.filter(kind="payment_reminder").exists()


def test_confirming_the_preview_sends_once_even_when_posted_twice(admin_client, conference):
    due = invoiced(conference, 1)
    for _ in range(2):
        response = post_action(admin_client, REGISTRATIONS, "payment_reminder_action", [due.pk], apply="1")
    assert OutgoingMail.objects.filter(kind="payment_reminder").count() == 1
    assert any("erst ab" in m for m in messages_of(response))
    assert PaymentReminder.objects.get().sent_by is not None


def test_the_preview_page_runs_a_constant_number_of_queries(
    admin_client, conference, django_assert_max_num_queries
):
    people = [invoiced(conference, n) for n in range(3)]
    for count in (1, 3):
        with django_assert_max_num_queries(14):
            response = admin_client.post(
                reverse(REGISTRATIONS),
                {"action": "payment_reminder_action", "_selected_action": [p.pk for p in people[:count]]},
            )
        assert len(response.context["plan"]) == count


def test_the_overdue_list_shows_number_amount_due_date_level_and_last_reminder(admin_client, conference):
    late = invoiced(conference, 1)
    partly = invoiced(conference, 2)
    payments.record_payment(registration=partly, amount=Decimal("100.00"), received_on=timezone.localdate())
    dunning.send_payment_reminder(registration=partly)
    invoiced(conference, 3, issued_days_ago=0)  # not yet due
    paid = invoiced(conference, 4)
    payments.record_payment(registration=paid, amount=Decimal("250.00"), received_on=timezone.localdate())

    response = admin_client.get(reverse(INVOICES), {"overdue": "yes"})

    rows = {i.registration_id: i for i in response.context["cl"].result_list}
    assert set(rows) == {late.pk, partly.pk}
    content = response.content.decode()
    for header in (
        "Rechnungsnummer",
        "Betrag",
        "offen",
        "fällig am",
        "Mahnstufe",
        "letzte Erinnerung",
    ):
        assert f">{header[0].upper()}{header[1:]}<" in content, header
    invoice = rows[partly.pk]
    assert invoice.number in content
    assert "150,00\u00a0€" in content
    assert date_format(invoice.due_on, "d.m.Y") in content
    assert (invoice.dunning_level, timezone.localdate(invoice.last_reminder_sent_at)) == (
        1,
        timezone.localdate(),
    )
    assert "Zahlungserinnerung" in content


def test_the_overdue_list_runs_a_constant_number_of_queries(
    admin_client, conference, django_assert_max_num_queries
):
    url = reverse(INVOICES)
    dunning.send_payment_reminder(registration=invoiced(conference, 0))
    with django_assert_max_num_queries(12):
        assert admin_client.get(url, {"overdue": "yes"}).context["cl"].result_count == 1
    for n in range(1, 3):
        dunning.send_payment_reminder(registration=invoiced(conference, n))
    with django_assert_max_num_queries(12):
        assert admin_client.get(url, {"overdue": "yes"}).context["cl"].result_count == 3


def test_the_invoice_list_sends_reminders_through_the_same_preview(admin_client, conference):
    registration = invoiced(conference, 1)
    invoice = registration.invoices.get()

    page = admin_client.post(
        reverse(INVOICES), {"action": "send_reminders_action", "_selected_action": [invoice.pk]}
    )
    assert "1 Zahlungserinnerung oder Mahnung wird verschickt." in page.content.decode()
    response = post_action(admin_client, INVOICES, "send_reminders_action", [invoice.pk], apply="1")

    assert "Zahlungserinnerung an 1 Person in die Warteschlange gestellt; sie wird versendet." in messages_of(
        response
    )
    assert PaymentReminder.objects.get().invoice == invoice


def test_the_office_notes_the_portal_upload_and_the_list_filters_on_it(admin_client, conference):
    uploaded = invoiced(conference, 1, leitweg_id="04011000-1234512345-06").invoices.get()
    pending = invoiced(conference, 2, leitweg_id="04011000-1234512345-06").invoices.get()
    invoiced(conference, 3, leitweg_id="")

    page = admin_client.post(
        reverse(INVOICES), {"action": "mark_submitted_to_portal_action", "_selected_action": [uploaded.pk]}
    )
    assert "im Portal eingereicht am" in page.content.decode()
    response = post_action(
        admin_client, INVOICES, "mark_submitted_to_portal_action", [uploaded.pk], apply="1", on="2025-08-04"
    )

    assert "1 Rechnung als im Portal eingereicht vermerkt." in messages_of(response)
    assert Invoice.objects.get(pk=uploaded.pk).submitted_to_portal_on == dt.date(2025, 8, 4)
    assert [
        i.pk for i in admin_client.get(reverse(INVOICES), {"portal": "yes"}).context["cl"].result_list
    ] == [uploaded.pk]
    assert [
        i.pk for i in admin_client.get(reverse(INVOICES), {"portal": "no"}).context["cl"].result_list
    ] == [pending.pk]


def test_the_conference_admin_holds_the_dunning_settings(admin_client, conference):
    content = admin_client.get(
        reverse("admin:programme_conference_change", args=[conference.pk])
    ).content.decode()
    for label in (
        "Zahlungserinnerung nach (Tage)",
        "1. Mahnung nach (Tage)",
        "2. Mahnung nach (Tage)",
        "Erinnerungen und Mahnungen täglich automatisch verschicken",
    ):
        assert label in content, label

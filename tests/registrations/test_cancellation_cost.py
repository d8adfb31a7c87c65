"""Cancellation shows its cost before and after, from the terms' rule (issue 15, defect 5)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from registrations.domain import lifecycle
from registrations.queries.invoices import current_invoice
from registrations.rules.cancellation import cancellation_cost
from tests.factories import ConferenceFactory, binding_data, pre_registered

pytestmark = pytest.mark.django_db


def binding(conference, n=1, **extra):
    registration, _ = lifecycle.register_binding(conference=conference, data=binding_data(n, **extra))
    return lifecycle.confirm_address(registration=registration)  # the mailed link confirms the address


def after_deadline(conference):
    deadline = conference.registration_deadline + dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(deadline, dt.time(9)))


def cancelled_mail():
    return next(message for message in mail.outbox if message.subject.startswith("Stornierung bestätigt"))


def test_cancelling_in_time_is_free_and_cancels_the_invoice():
    registration = binding(ConferenceFactory())
    cost = cancellation_cost(registration, invoice=current_invoice(registration))
    assert cost.is_free is True
    assert cost.fee_due == Decimal("0.00")
    assert cost.invoice_is_cancelled is True


def test_cancelling_after_the_deadline_keeps_the_fee_due():
    conference = ConferenceFactory()
    registration = binding(conference, is_member=False)
    cost = cancellation_cost(
        registration, invoice=current_invoice(registration), now=after_deadline(conference)
    )
    assert cost.is_free is False
    assert cost.fee_due == Decimal("300.00")
    assert cost.invoice_is_cancelled is False


def test_pre_registration_cancels_free_of_charge():
    registration = pre_registered(ConferenceFactory())
    assert cancellation_cost(registration, invoice=None).is_free is True


def test_cancel_page_says_that_the_invoice_is_cancelled_in_time(client):
    registration = binding(ConferenceFactory())
    invoice = current_invoice(registration)
    page = client.get(reverse("registrations:personal_cancel", kwargs={"token": registration.token}))
    html = page.content.decode()
    assert "Die Stornierung ist nach den Teilnahmebedingungen kostenfrei." in html
    assert f"Die Rechnung {invoice.number} wird storniert" in html


def test_cancel_page_and_mail_say_the_fee_stays_due_after_the_deadline(
    client, time_machine, django_capture_on_commit_callbacks
):
    conference = ConferenceFactory()
    registration = binding(conference, is_member=False)
    invoice = current_invoice(registration)
    time_machine.move_to(after_deadline(conference), tick=False)
    url = reverse("registrations:personal_cancel", kwargs={"token": registration.token})
    html = client.get(url).content.decode()
    deadline = conference.registration_deadline.strftime("%d.%m.%Y")
    assert f"Nach den Teilnahmebedingungen ist eine Stornierung nur bis zum {deadline} kostenfrei." in html
    assert "Die Teilnahmegebühr von 300,00\xa0€ bleibt fällig" in html
    assert f"Die Rechnung {invoice.number} bleibt bestehen" in html
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"confirm": "on"})
    body = cancelled_mail().body
    assert "Die Teilnahmegebühr von 300,00\xa0€ bleibt fällig" in body
    assert f"Die Rechnung {invoice.number} bleibt bestehen" in body
    page = client.get(registration.get_absolute_url()).content.decode()
    assert "bleibt fällig" in page
    assert "offener Betrag" in page  # still due, so still shown


def test_mail_and_page_after_a_free_cancellation_show_no_open_invoice(
    client, django_capture_on_commit_callbacks
):
    registration = binding(ConferenceFactory())
    invoice = current_invoice(registration)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("registrations:personal_cancel", kwargs={"token": registration.token}), {"confirm": "on"}
        )
    storno = invoice.cancelled_by
    # One mail: the confirmation of the cancellation carries the Stornorechnung.
    assert (
        f"Die Rechnung {invoice.number} ist mit der Stornorechnung {storno.number} aufgehoben"
        in cancelled_mail().body
    )
    page = client.get(registration.get_absolute_url()).content.decode()
    assert "storniert" in page
    assert "offener Betrag" not in page
    assert "GiroCode" not in page

"""Confirmed addresses hold places (issue 14, finding 3): a public registration holds its place only
for the hold time until its address is confirmed through the mailed link."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from registrations.domain import lifecycle
from registrations.models import Invoice, OutgoingMail, Registration
from registrations.queries.places import place_counts, places_left, waiting_position
from tests.factories import ConferenceFactory, binding_data, pre_registered

pytestmark = pytest.mark.django_db

HOLD = dt.timedelta(minutes=60)


@pytest.fixture
def conference():
    return ConferenceFactory(places=1)


def test_the_default_hold_time_is_an_hour_and_a_conference_may_set_its_own(conference, settings):
    from registrations.rules.holds import hold_time

    assert settings.REGISTRATION_HOLD_MINUTES == 60
    assert hold_time(conference) == HOLD
    conference.hold_minutes = 20
    assert hold_time(conference) == dt.timedelta(minutes=20)


def test_a_public_pre_registration_holds_its_place_only_until_the_hold_time_is_over(conference, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    registration = pre_registered(conference)
    assert registration.awaits_confirmation
    assert registration.hold_expires_at == timezone.now() + HOLD
    assert places_left(conference) == 0
    time_machine.shift(HOLD - dt.timedelta(seconds=1))
    assert places_left(conference) == 0
    time_machine.shift(dt.timedelta(seconds=1))
    # Counted as free at once, before the scheduled release has run.
    assert places_left(conference) == 1
    assert place_counts(conference)["held"] == 0


def test_an_unconfirmed_waiting_registration_loses_its_position_after_the_hold_time(conference, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    lifecycle.confirm_address(registration=pre_registered(conference, 1))
    squatter = pre_registered(conference, 2)
    time_machine.shift(dt.timedelta(minutes=5))
    real = lifecycle.confirm_address(registration=pre_registered(conference, 3))
    assert (waiting_position(squatter), waiting_position(real)) == (1, 2)
    time_machine.shift(HOLD)
    assert waiting_position(real) == 1
    assert place_counts(conference)["waiting"] == 1


def test_opening_the_mailed_link_confirms_the_address_and_the_place_stays(client, conference, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    registration = pre_registered(conference)
    page = client.get(reverse("registrations:personal", kwargs={"token": registration.token}))
    assert "Ihre E-Mail-Adresse ist bestätigt" in page.content.decode()
    registration.refresh_from_db()
    assert registration.email_confirmed_at == timezone.now()
    time_machine.shift(HOLD * 24)
    assert places_left(conference) == 0
    assert lifecycle.release_expired_holds() == 0


def test_an_expired_hold_frees_its_place_and_the_next_person_moves_up_with_a_mail(
    conference, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to(timezone.now(), tick=False)
    squatter = pre_registered(conference, 1)
    waiting = lifecycle.confirm_address(registration=pre_registered(conference, 2))
    assert waiting.is_waiting
    time_machine.shift(HOLD)
    mail.outbox.clear()
    output = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("release_expired_holds", stdout=output)
    assert output.getvalue() == "1 released\n"
    squatter.refresh_from_db()
    waiting.refresh_from_db()
    assert (squatter.status, squatter.cancelled_at) == (Registration.Status.CANCELLED, timezone.now())
    assert waiting.status == Registration.Status.HOLDS_PLACE
    assert waiting.moved_up_at == timezone.now()
    assert [m.to for m in mail.outbox] == [[waiting.email]]
    assert OutgoingMail.objects.filter(registration=squatter, kind="moved_up").count() == 0
    assert OutgoingMail.objects.filter(registration=waiting, kind="moved_up").count() == 1


def test_a_lapsed_link_says_the_reservation_expired_and_the_address_may_register_again(
    client, conference, time_machine
):
    time_machine.move_to(timezone.now(), tick=False)
    registration = pre_registered(conference)
    time_machine.shift(HOLD + dt.timedelta(minutes=1))
    page = client.get(registration.get_absolute_url(), follow=True).content.decode()
    assert "Ihre Reservierung ist abgelaufen" in page
    registration.refresh_from_db()
    assert registration.is_cancelled
    again = pre_registered(conference)
    assert again.pk != registration.pk and again.holds_place


def test_a_newcomer_does_not_take_a_lapsed_place_from_the_waiting_list(conference, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    pre_registered(conference, 1)
    waiting = lifecycle.confirm_address(registration=pre_registered(conference, 2))
    time_machine.shift(HOLD)
    newcomer = pre_registered(conference, 3)  # before the scheduled release ran
    waiting.refresh_from_db()
    assert (waiting.status, newcomer.status) == ("holds_place", "waiting")


def test_a_direct_binding_registration_gets_its_invoice_when_the_address_is_confirmed(conference):
    registration, created = lifecycle.register_binding(conference=conference, data=binding_data())
    assert created and registration.holds_place and registration.awaits_confirmation
    assert Invoice.objects.count() == 0
    mail.outbox.clear()
    lifecycle.confirm_address(registration=registration)
    invoice = Invoice.objects.get()
    assert (invoice.registration, invoice.amount) == (registration, Decimal("300.00"))
    assert OutgoingMail.objects.filter(registration=registration, kind="invoice_documents").count() == 1


def test_invoice_numbers_stay_gapless_when_unconfirmed_registrations_lapse(time_machine):
    conference = ConferenceFactory(places=5)
    time_machine.move_to(timezone.now(), tick=False)
    for n in range(3):
        lifecycle.register_binding(conference=conference, data=binding_data(n))
    real, _ = lifecycle.register_binding(conference=conference, data=binding_data(9))
    lifecycle.confirm_address(registration=real)
    time_machine.shift(HOLD)
    assert lifecycle.release_expired_holds() == 3
    assert list(Invoice.objects.values_list("sequence", flat=True)) == [1]


def test_registrations_the_office_enters_are_confirmed_at_once(conference):
    registration, _ = lifecycle.register_binding(
        conference=conference, data=binding_data(), source=Registration.Source.OFFICE
    )
    assert not registration.awaits_confirmation
    assert registration.email_confirmed_at is not None and registration.hold_expires_at is None
    assert Invoice.objects.filter(registration=registration).count() == 1


def test_the_confirmation_mail_asks_to_confirm_by_the_hold_time(conference, time_machine):
    time_machine.move_to(timezone.make_aware(dt.datetime(2026, 5, 4, 10, 15)), tick=False)
    registration = pre_registered(conference)
    sent = OutgoingMail.objects.get(registration=registration)
    assert "BITTE BESTÄTIGEN SIE IHRE E-MAIL-ADRESSE" in sent.body_text
    assert "bis 04.05.2026, 11:15 Uhr" in sent.body_text


def test_the_conference_page_counts_a_lapsed_hold_as_free_at_once(client, time_machine):
    conference = ConferenceFactory(places=2)
    time_machine.move_to(timezone.now(), tick=False)
    pre_registered(conference, 1)
    lifecycle.confirm_address(registration=pre_registered(conference, 2))
    assert "Alle Plätze sind vergeben" in client.get(conference.get_absolute_url()).content.decode()
    time_machine.shift(HOLD)
    page = client.get(conference.get_absolute_url()).content.decode()
    assert "Noch 1 Platz frei" in page

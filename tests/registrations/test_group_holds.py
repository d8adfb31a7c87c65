"""A group's places are held by the contact's confirmation (issue 15, review gap 2).

A colleague who opens their own link before the contact confirms only their own address:
no place is held without the contact's binding, invoiced registration. When the contact's
hold lapses, the whole unconfirmed group lapses and the waiting list moves up.
"""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from registrations.domain import group_registrations, lifecycle
from registrations.models import Invoice, Registration
from registrations.rules.group_registrations import confirmation_holds_place
from registrations.rules.holds import hold_time
from tests.factories import ConferenceFactory, binding_data
from tests.factories import group_colleague as colleague

from .test_group_registration import register

pytestmark = pytest.mark.django_db

BERND = "bernd@kreis-beispiel.de"


def group_with_own_address(conference):
    return register(conference, [colleague("Anna"), colleague("Bernd", email=BERND)])


def test_the_rule_a_colleagues_confirmation_holds_the_place_only_after_the_contacts():
    conference = ConferenceFactory(places=10)
    group = group_with_own_address(conference)
    bernd = group.members.get(first_name="Bernd")
    assert not confirmation_holds_place(bernd)
    assert confirmation_holds_place(bernd, by_contact=True)
    group_registrations.confirm_group(group=group)
    bernd.refresh_from_db()
    assert confirmation_holds_place(bernd)
    single, _ = lifecycle.register_binding(conference=conference, data=binding_data(7))
    assert confirmation_holds_place(single)


def test_a_colleague_confirming_first_holds_no_place_without_the_contact_and_no_invoice():
    conference = ConferenceFactory(places=10)
    group = group_with_own_address(conference)
    bernd = group.members.get(first_name="Bernd")
    hold = bernd.hold_expires_at
    bernd = lifecycle.confirm_address(registration=bernd)
    assert bernd.awaits_confirmation
    assert bernd.hold_expires_at == hold
    assert not Invoice.objects.exists()
    # The contact confirms afterwards: everyone keeps their place, one collective invoice for both.
    group_registrations.confirm_group(group=group)
    invoice = Invoice.objects.get()
    assert invoice.lines.count() == 2
    assert not any(m.awaits_confirmation for m in group.members.all())


def test_when_the_contacts_hold_lapses_the_whole_group_lapses_and_the_waiting_list_moves_up(time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    conference = ConferenceFactory(places=2)
    group = group_with_own_address(conference)
    waiting, _ = lifecycle.register_binding(conference=conference, data=binding_data(7))
    waiting = lifecycle.confirm_address(registration=waiting)
    assert waiting.status == Registration.Status.WAITING
    lifecycle.confirm_address(registration=group.members.get(first_name="Bernd"))  # only his address
    time_machine.move_to(timezone.now() + hold_time(conference) + dt.timedelta(minutes=1), tick=False)
    assert lifecycle.release_expired_holds() == 2
    assert set(group.members.values_list("status", flat=True)) == {Registration.Status.CANCELLED}
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.HOLDS_PLACE
    # The contact opening the link too late confirms nothing.
    group_registrations.confirm_group(group=group)
    assert not Invoice.objects.filter(group_registration=group).exists()


def test_the_colleagues_page_says_the_place_waits_for_the_contact_not_that_it_counts(client):
    conference = ConferenceFactory(places=10)
    group = group_with_own_address(conference)
    bernd = group.members.get(first_name="Bernd")
    html = client.get(bernd.get_absolute_url(), follow=True).content.decode()
    assert "Die Anmeldung gilt, sobald Sabine Sekretär die Gruppenanmeldung" in html
    assert "Ihre Anmeldung gilt." not in html
    bernd.refresh_from_db()
    assert bernd.awaits_confirmation
    assert not Invoice.objects.exists()


def test_the_colleagues_mail_says_the_contact_confirms_the_group(django_capture_on_commit_callbacks):
    conference = ConferenceFactory(places=10)
    with django_capture_on_commit_callbacks(execute=True):
        group_with_own_address(conference)
    to_bernd = next(m for m in mail.outbox if m.to == [BERND])
    assert "Die Anmeldung gilt, sobald Sabine Sekretär sie bis" in to_bernd.body
    assert "sobald Sie diesen Link" not in to_bernd.body

"""Binding registrations never oversell places and never duplicate a person (PostgreSQL only)."""

import threading

from registrations.domain import consent, lifecycle
from registrations.domain import places as place_domain
from registrations.models import Invoice, Registration
from registrations.queries import places as place_queries
from tests.factories import ConferenceFactory, binding_data

from .race import POSTGRES_RACE, at_once

pytestmark = POSTGRES_RACE

PLACES = 4
PEOPLE = 16


def data(n, **extra):
    return binding_data(n, is_member=n % 2 == 0, **extra)


def fire(conference, payloads):
    _results, errors = at_once(
        lambda payload: lifecycle.register_binding(conference=conference, data=payload), payloads
    )
    return errors


def confirm_all_at_once():
    """Everyone opens their mailed link at the same moment: invoice numbers are drawn then."""
    _results, errors = at_once(
        lambda registration: lifecycle.confirm_address(registration=registration),
        list(Registration.objects.all()),
    )
    return errors


def test_concurrent_binding_registrations_never_oversell():
    conference = ConferenceFactory(places=PLACES)
    consent.current_terms(conference)  # version 1 exists before the race
    errors = fire(conference, [data(n) for n in range(PEOPLE)])
    assert errors == []
    assert confirm_all_at_once() == []
    assert Registration.objects.filter(status="holds_place", stage="binding").count() == PLACES
    assert Registration.objects.filter(status="waiting", stage="binding").count() == PEOPLE - PLACES
    assert Invoice.objects.count() == PLACES
    assert sorted(Invoice.objects.values_list("sequence", flat=True)) == list(range(1, PLACES + 1))


def test_concurrent_double_submit_makes_one_registration():
    conference = ConferenceFactory(places=PLACES)
    consent.current_terms(conference)
    errors = fire(conference, [data(1) for _ in range(8)])
    assert errors == []
    assert confirm_all_at_once() == []
    assert Registration.objects.count() == 1
    assert Invoice.objects.count() == 1


def test_control_without_the_lock_oversells(monkeypatch):
    """Shows the race the lock prevents: without it, everyone counts a free place before anyone inserts."""
    from programme.models import Conference

    barrier = threading.Barrier(PEOPLE)
    original_places_left = place_queries.places_left

    def unlocked(conference_id):
        return Conference.objects.get(pk=conference_id)

    def slow_places_left(conference):
        left = original_places_left(conference)
        try:
            barrier.wait(timeout=10)
        except threading.BrokenBarrierError:
            pass
        return left

    monkeypatch.setattr(lifecycle, "lock_conference", unlocked)
    monkeypatch.setattr(place_domain, "places_left", slow_places_left)
    monkeypatch.setattr(
        lifecycle, "take_binding_steps", lambda registration: None
    )  # invoices lock on their own
    conference = ConferenceFactory(places=PLACES)
    consent.current_terms(conference)
    fire(conference, [data(n) for n in range(PEOPLE)])
    assert Registration.objects.filter(status="holds_place").count() > PLACES

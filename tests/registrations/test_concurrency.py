"""Places are never oversold, also under concurrent requests (PostgreSQL only)."""

import threading

from registrations.domain import lifecycle, locking
from registrations.domain import places as place_domain
from registrations.models import Registration
from registrations.queries import places as place_queries
from tests.factories import ConferenceFactory, pre_registration_data

from .race import POSTGRES_RACE, at_once

pytestmark = POSTGRES_RACE

PLACES = 5
PEOPLE = 24


def fire(conference, count):
    def pre_register(n):
        lifecycle.pre_register(conference=conference, data=pre_registration_data(n))

    _results, errors = at_once(pre_register, range(count))
    return errors


def test_concurrent_pre_registrations_never_oversell():
    conference = ConferenceFactory(places=PLACES)
    errors = fire(conference, PEOPLE)
    assert errors == []
    assert Registration.objects.filter(status=Registration.Status.HOLDS_PLACE).count() == PLACES
    assert Registration.objects.filter(status=Registration.Status.WAITING).count() == PEOPLE - PLACES
    positions = sorted(
        place_queries.waiting_position(r) for r in Registration.objects.filter(status="waiting")
    )
    assert positions == list(range(1, PEOPLE - PLACES + 1))


def test_control_without_the_lock_oversells(monkeypatch):
    """Shows the race the lock prevents: without it, counting and inserting interleave."""
    from programme.models import Conference

    barrier = threading.Barrier(PEOPLE)
    original_places_left = place_queries.places_left

    def unlocked(conference_id):
        return Conference.objects.get(pk=conference_id)

    def slow_places_left(conference):
        left = original_places_left(conference)
        try:
            barrier.wait(timeout=10)  # everyone has counted before anyone inserts
        except threading.BrokenBarrierError:
            pass
        return left

    monkeypatch.setattr(lifecycle, "lock_conference", unlocked)
    monkeypatch.setattr(locking, "lock_conference", unlocked)
    monkeypatch.setattr(lifecycle, "places_left", slow_places_left)
    monkeypatch.setattr(place_domain, "places_left", slow_places_left)
    conference = ConferenceFactory(places=PLACES)
    errors = fire(conference, PEOPLE)
    assert errors == []
    assert Registration.objects.filter(status=Registration.Status.HOLDS_PLACE).count() > PLACES

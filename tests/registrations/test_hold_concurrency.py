"""Throw-away addresses cannot keep places (issue 14, finding 3), under concurrent requests (PostgreSQL).

Squatters fill every place at once with addresses nobody confirms; a real person
waits. Once the hold time is over the squatters hold nothing, and three schedulers
releasing at once move the real person up exactly once, with one mail. The
control run gives the conference a hold time longer than the test's clock moves:
the squatters keep every place.
"""

import datetime as dt

import time_machine

from registrations.domain import lifecycle
from registrations.models import OutgoingMail, Registration
from registrations.queries.places import place_counts
from tests.factories import ConferenceFactory, pre_registration_data

from .race import POSTGRES_RACE, at_once

pytestmark = POSTGRES_RACE

PLACES = 5
SQUATTERS = 20
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def squat_and_wait(*, hold_minutes):
    """SQUATTERS throw-away pre-registrations at once, then a real person who confirms; the clock moves
    61 minutes and three release runs race. Returns (conference, the real person)."""
    conference = ConferenceFactory(places=PLACES, hold_minutes=hold_minutes)
    with time_machine.travel(START, tick=False) as clock:

        def squat(n):
            lifecycle.pre_register(
                conference=conference, data=pre_registration_data(n, email=f"wegwerf{n}@example.net")
            )

        _results, errors = at_once(squat, range(SQUATTERS))
        assert errors == []
        assert place_counts(conference)["held"] == PLACES
        real, _created = lifecycle.pre_register(conference=conference, data=pre_registration_data(99))
        real = lifecycle.confirm_address(registration=real)
        assert real.is_waiting
        clock.shift(dt.timedelta(minutes=61))
        _results, errors = at_once(lambda _: lifecycle.release_expired_holds(), range(3))
        assert errors == []
        real.refresh_from_db()
    return conference, real


def test_addresses_never_confirmed_hold_no_place_once_the_hold_time_is_over():
    conference, real = squat_and_wait(hold_minutes=None)  # the default: 60 minutes
    assert real.status == Registration.Status.HOLDS_PLACE
    squatters = Registration.objects.filter(conference=conference, email__startswith="wegwerf")
    assert squatters.filter(status=Registration.Status.CANCELLED).count() == SQUATTERS
    with time_machine.travel(START + dt.timedelta(minutes=62), tick=False):
        assert place_counts(conference)["held"] == 1
        assert place_counts(conference)["waiting"] == 0
    assert OutgoingMail.objects.filter(registration=real, kind="moved_up").count() == 1


def test_control_with_a_hold_longer_than_the_wait_the_squatters_keep_every_place():
    conference, real = squat_and_wait(hold_minutes=24 * 60)
    assert real.status == Registration.Status.WAITING
    with time_machine.travel(START + dt.timedelta(minutes=62), tick=False):
        assert place_counts(conference)["held"] == PLACES
    assert OutgoingMail.objects.filter(registration=real, kind="moved_up").count() == 0

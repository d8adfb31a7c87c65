"""Places released at the binding deadline move the waiting list up under concurrent runs (PostgreSQL).

Two releases at once (two office workers, or the office and the schedule) each free a place, and
runs of the schedule at once release a missed personal deadline exactly once. Every step takes the
conference lock first (domain/locking.py), as everything that moves places does, and the released
rows are locked and re-read under it. No control run here: a run without the conference lock was
tried and came out right too (the second run's FOR UPDATE waits for the first's rows and, under
READ COMMITTED, then counts the committed places), so it would show nothing; the lock is kept for
the one order of all place changes that the rest of lifecycle relies on.
"""

import datetime as dt
import zoneinfo

import time_machine

from registrations.domain import lifecycle
from registrations.models import OutgoingMail, Registration
from registrations.queries.places import place_counts
from tests.factories import ConferenceFactory, pre_registered

from .race import POSTGRES_RACE, at_once

pytestmark = POSTGRES_RACE

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
BEFORE = dt.datetime(2026, 11, 1, 12, 0, tzinfo=BERLIN)
AFTER = dt.datetime(2026, 12, 1, 12, 0, tzinfo=BERLIN)


def two_missed_and_three_waiting():
    conference = ConferenceFactory(
        places=2,
        starts_at=dt.datetime(2026, 12, 20, 10, 0, tzinfo=BERLIN),
        ends_at=dt.datetime(2026, 12, 21, 14, 0, tzinfo=BERLIN),
        pre_registration_deadline=dt.date(2026, 11, 15),
        registration_deadline=dt.date(2026, 11, 30),
    )
    people = [lifecycle.confirm_address(registration=pre_registered(conference, n)) for n in range(1, 6)]
    return conference, people[:2], people[2:]


def release_each_at_once(missed):
    return at_once(lambda registration: lifecycle.release_places(registrations=[registration]), missed)


def test_two_releases_at_once_fill_both_places():
    with time_machine.travel(BEFORE, tick=False) as clock:
        conference, missed, waiting = two_missed_and_three_waiting()
        clock.move_to(AFTER)
        results, errors = release_each_at_once(missed)
        assert errors == []
        assert sorted(len(released) for released in results) == [1, 1]
        counts = place_counts(conference)
    assert counts["held"] == 2
    assert counts["waiting"] == 1
    first, second, third = (Registration.objects.get(pk=r.pk) for r in waiting)
    assert first.holds_place and second.holds_place and third.is_waiting
    assert first.personal_deadline == second.personal_deadline == dt.date(2026, 12, 8)
    for registration in (first, second):
        assert OutgoingMail.objects.filter(registration=registration, kind="moved_up").count() == 1


def test_schedulers_at_once_release_a_missed_personal_deadline_once():
    with time_machine.travel(BEFORE, tick=False) as clock:
        conference, (holder, _other), (moved_up, next_one, last) = two_missed_and_three_waiting()
        clock.move_to(AFTER)
        lifecycle.cancel(registration=holder)
        clock.move_to(dt.datetime(2026, 12, 9, 0, 5, tzinfo=BERLIN))
        results, errors = at_once(lambda _: lifecycle.release_missed_personal_deadlines(), range(3))
        assert errors == []
        assert sorted(results) == [0, 0, 1]
        counts = place_counts(conference)
    assert counts["held"] == 2
    assert OutgoingMail.objects.filter(registration=moved_up, kind="place_released").count() == 1
    assert OutgoingMail.objects.filter(registration=next_one, kind="moved_up").count() == 1
    assert Registration.objects.get(pk=next_one.pk).personal_deadline == dt.date(2026, 12, 16)
    assert Registration.objects.get(pk=last.pk).is_waiting

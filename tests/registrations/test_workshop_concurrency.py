"""Workshop seats are never oversold, also under concurrent requests (PostgreSQL only)."""

import threading

from django.db import connections

from core.exceptions import RegistrationError
from registrations.domain import lifecycle, locking, workshops
from registrations.models import WorkshopBooking
from registrations.queries import workshops as workshop_queries
from tests.factories import ConferenceFactory, RegistrationFactory, WorkshopFactory, WorkshopPhaseFactory

from .race import POSTGRES_RACE, at_once

pytestmark = POSTGRES_RACE

SEATS = 5
PEOPLE = 20


def fire(phase, workshop, registrations, *, join_waiting_list):
    refused = []

    def choose(registration):
        try:
            workshops.choose_workshops(
                registration=registration,
                choices={phase.pk: workshop.pk},
                join_waiting_list=join_waiting_list,
            )
        except RegistrationError:
            refused.append(registration.pk)

    _results, errors = at_once(choose, registrations)
    return errors, refused


def setup_race():
    conference = ConferenceFactory(places=100)
    phase = WorkshopPhaseFactory(conference=conference)
    workshop = WorkshopFactory(phase=phase, seat_limit=SEATS)
    registrations = [RegistrationFactory(conference=conference) for _ in range(PEOPLE)]
    return phase, workshop, registrations


def count(workshop, status):
    return WorkshopBooking.objects.filter(workshop=workshop, status=status).count()


def test_concurrent_choices_never_oversell_and_the_rest_wait_in_order():
    phase, workshop, registrations = setup_race()
    errors, refused = fire(phase, workshop, registrations, join_waiting_list=True)
    assert errors == []
    assert refused == []
    assert count(workshop, WorkshopBooking.Status.SEATED) == SEATS
    assert count(workshop, WorkshopBooking.Status.WAITING) == PEOPLE - SEATS
    positions = sorted(
        b.position
        for b in workshop_queries.with_waiting_positions(WorkshopBooking.objects.filter(status="waiting"))
    )
    assert positions == list(range(1, PEOPLE - SEATS + 1))


def test_concurrent_choices_without_waiting_list_refuse_the_rest():
    phase, workshop, registrations = setup_race()
    errors, refused = fire(phase, workshop, registrations, join_waiting_list=False)
    assert errors == []
    assert len(refused) == PEOPLE - SEATS
    assert count(workshop, WorkshopBooking.Status.SEATED) == SEATS
    assert count(workshop, WorkshopBooking.Status.WAITING) == 0


def test_control_without_the_lock_oversells(monkeypatch):
    """Shows the race the lock prevents: without it, counting and inserting interleave."""
    from programme.models import Workshop

    barrier = threading.Barrier(PEOPLE)
    original_has_free_seat = workshops._has_free_seat

    def unlocked(phase_ids):
        return {w.pk: w for w in Workshop.objects.filter(phase_id__in=list(phase_ids))}

    def slow_has_free_seat(workshop):
        free = original_has_free_seat(workshop)
        try:
            barrier.wait(timeout=10)  # everyone has counted before anyone inserts
        except threading.BrokenBarrierError:
            pass
        return free

    monkeypatch.setattr(locking, "lock_conference", lambda conference_id: None)
    monkeypatch.setattr(locking, "lock_workshops_of_phases", unlocked)
    monkeypatch.setattr(workshops, "_has_free_seat", slow_has_free_seat)
    phase, workshop, registrations = setup_race()
    errors, refused = fire(phase, workshop, registrations, join_waiting_list=False)
    assert errors == []
    assert count(workshop, WorkshopBooking.Status.SEATED) > SEATS


def test_concurrent_changes_across_workshops_keep_every_invariant():
    """People switch between three small workshops at once: no oversold seat, no deadlock,
    and nobody waits for a workshop that still has a free seat."""
    import random

    conference = ConferenceFactory(places=100)
    phase = WorkshopPhaseFactory(conference=conference)
    options = [WorkshopFactory(phase=phase, seat_limit=3) for _ in range(3)]
    registrations = [RegistrationFactory(conference=conference) for _ in range(12)]
    barrier = threading.Barrier(len(registrations))
    errors = []

    def worker(n, registration):
        rng = random.Random(n)
        try:
            barrier.wait()
            for _ in range(4):
                wish, second = rng.sample(options, 2)
                try:
                    workshops.choose_workshops(
                        registration=registration,
                        choices={phase.pk: wish.pk},
                        second_choices={phase.pk: second.pk},
                        join_waiting_list=True,
                    )
                except RegistrationError:
                    pass
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(n, r)) for n, r in enumerate(registrations)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    for workshop in options:
        seated = count(workshop, WorkshopBooking.Status.SEATED)
        assert seated <= 3
        if seated < 3:
            assert count(workshop, WorkshopBooking.Status.WAITING) == 0
    wishes_per_person = WorkshopBooking.objects.filter(status="waiting").values_list(
        "registration", flat=True
    )
    assert len(wishes_per_person) == len(set(wishes_per_person))


def test_cancellations_racing_workshop_changes_neither_deadlock_nor_oversell():
    """Cancelling frees seats (conference → registration → workshops) while others change their
    choices and move people up; both take the conference lock first, so no deadlock."""

    conference = ConferenceFactory(places=100)
    phase = WorkshopPhaseFactory(conference=conference)
    first = WorkshopFactory(phase=phase, seat_limit=4)
    second = WorkshopFactory(phase=phase, seat_limit=4)
    holders = [RegistrationFactory(conference=conference) for _ in range(4)]
    for registration in holders:
        workshops.choose_workshops(registration=registration, choices={phase.pk: first.pk})
    waiting = [RegistrationFactory(conference=conference) for _ in range(4)]
    for registration in waiting:
        workshops.choose_workshops(
            registration=registration,
            choices={phase.pk: first.pk},
            second_choices={phase.pk: second.pk},
            join_waiting_list=True,
        )
    barrier = threading.Barrier(8)
    errors = []

    def worker(action, registration):
        try:
            barrier.wait()
            action(registration)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    def cancel(registration):
        lifecycle.cancel(registration=registration, notify=False)

    def switch(registration):
        try:
            workshops.choose_workshops(registration=registration, choices={phase.pk: second.pk})
        except RegistrationError:
            pass  # the second workshop may still be full at that moment

    jobs = [(cancel, r) for r in holders[:2] + waiting[:2]] + [(switch, r) for r in holders[2:] + waiting[2:]]
    threads = [threading.Thread(target=worker, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []  # a deadlock would show up here as a DatabaseError
    assert WorkshopBooking.objects.filter(registration__status="cancelled").count() == 0
    for workshop in (first, second):
        seated = count(workshop, WorkshopBooking.Status.SEATED)
        assert seated <= 4
        if seated < 4:
            assert count(workshop, WorkshopBooking.Status.WAITING) == 0


def race_cancel_against_seat_release(monkeypatch):
    """Y waits for X's seat. One thread cancels Y (conference → Y's row → workshops), the other
    frees X's seat (workshops → mail to Y, which needs Y's row). Both are stopped right where
    they hold their first locks, then released together."""

    conference = ConferenceFactory(places=10)
    phase = WorkshopPhaseFactory(conference=conference)
    workshop = WorkshopFactory(phase=phase, seat_limit=1)
    x, y = RegistrationFactory(conference=conference), RegistrationFactory(conference=conference)
    workshops.choose_workshops(registration=x, choices={phase.pk: workshop.pk})
    workshops.choose_workshops(registration=y, choices={phase.pk: workshop.pk}, join_waiting_list=True)

    barrier = threading.Barrier(2, timeout=3)
    original = locking.lock_workshops_of_phases

    def meet():
        try:
            barrier.wait()
        except threading.BrokenBarrierError:
            pass  # the other thread is blocked behind a lock we hold: go on alone

    def lock_workshops(phase_ids):
        if threading.current_thread().name == "cancel":
            meet()  # holds the conference and Y's row
            return original(phase_ids)
        locked = original(phase_ids)
        meet()  # holds the workshops
        return locked

    monkeypatch.setattr(locking, "lock_workshops_of_phases", lock_workshops)
    errors = []

    def run(job):
        try:
            job()
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    cancelling = threading.Thread(name="cancel", target=run, args=(lambda: lifecycle.cancel(registration=y),))
    leaving = threading.Thread(
        name="leave",
        target=run,
        args=(lambda: workshops.choose_workshops(registration=x, choices={phase.pk: None}),),
    )
    cancelling.start()
    leaving.start()
    cancelling.join()
    leaving.join()
    return errors, workshop


def test_cancellation_racing_a_freed_seat_does_not_deadlock(monkeypatch):
    errors, workshop = race_cancel_against_seat_release(monkeypatch)
    assert errors == []
    assert WorkshopBooking.objects.filter(workshop=workshop).count() == 0


def test_control_without_the_conference_lock_deadlocks(monkeypatch):
    """Shows why workshop changes take the conference lock first."""
    from django.db import OperationalError

    monkeypatch.setattr(locking, "lock_conference", lambda conference_id: None)
    errors, _ = race_cancel_against_seat_release(monkeypatch)
    assert len(errors) == 1
    assert isinstance(errors[0], OperationalError)
    assert "deadlock detected" in str(errors[0])

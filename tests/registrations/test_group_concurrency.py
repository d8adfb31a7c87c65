"""Late joiners stay balanced under concurrency: the binding hook runs under the conference lock (PostgreSQL only)."""

import threading

from django.db import transaction

from programme.models import WorkshopPhase
from registrations.domain import groups
from registrations.domain.locking import lock_conference
from registrations.models import GroupMembership, Registration
from tests.factories import ConferenceFactory, RegistrationFactory, WorkshopPhaseFactory

from .race import POSTGRES_RACE, at_once

pytestmark = POSTGRES_RACE

LATE = 6


def setup_groups():
    conference = ConferenceFactory(places=100)
    phase = WorkshopPhaseFactory(conference=conference, number=1, mode=WorkshopPhase.Mode.GROUPS)
    for n in range(4):
        RegistrationFactory(
            conference=conference, stage=Registration.Stage.BINDING, organisation=f"Stadt {n}"
        )
    groups.assign_discussion_groups(phase=phase, group_count=2, seed=1)
    late = [
        RegistrationFactory(
            conference=conference, stage=Registration.Stage.BINDING, organisation=f"Kreis {n}"
        )
        for n in range(LATE)
    ]
    return phase, late


def join_all(registrations, *, lock):
    """Each registration joins in its own thread and connection, as the binding service calls the hook."""

    def join(registration):
        with transaction.atomic():
            if lock:
                lock_conference(registration.conference_id)
            groups.join_smallest_group(registration)

    _results, errors = at_once(join, registrations)
    return errors


def sizes(phase):
    counts = {}
    for group_id in GroupMembership.objects.filter(phase=phase).values_list("group_id", flat=True):
        counts[group_id] = counts.get(group_id, 0) + 1
    return sorted(counts.values())


def slow_down_choices(monkeypatch, *, timeout):
    """Make every joiner wait after choosing until all have chosen (or the timeout passes)."""
    barrier = threading.Barrier(LATE)
    original = groups.choose_group_for_late_participant

    def slow_choice(current, organisation):
        index = original(current, organisation)
        try:
            barrier.wait(timeout=timeout)
        except threading.BrokenBarrierError:
            pass
        return index

    monkeypatch.setattr(groups, "choose_group_for_late_participant", slow_choice)


def test_concurrent_late_joiners_keep_the_groups_balanced(monkeypatch):
    phase, late = setup_groups()
    # Under the lock the others cannot reach the barrier: the first waits 2 s, then all go one by one.
    slow_down_choices(monkeypatch, timeout=2)

    assert join_all(late, lock=True) == []

    assert sizes(phase) == [5, 5]


def test_control_without_the_lock_unbalances_the_groups(monkeypatch):
    """Shows the race the lock prevents: everybody sees the same smallest group before anyone joins."""
    phase, late = setup_groups()
    slow_down_choices(monkeypatch, timeout=10)

    assert join_all(late, lock=False) == []

    assert sizes(phase) == [2, 8]

from collections import Counter

import pytest
from django.db import transaction

from core.exceptions import RegistrationError
from programme.models import WorkshopPhase
from registrations.domain import groups, lifecycle
from registrations.domain.locking import lock_conference
from registrations.models import DiscussionGroup, GroupAssignment, GroupMembership, Registration
from registrations.queries.groups import personal_groups
from tests.factories import (
    ConferenceFactory,
    PersonFactory,
    RegistrationFactory,
    UserFactory,
    WorkshopPhaseFactory,
    binding_participants,
    discussion_phases,
)

pytestmark = pytest.mark.django_db


def members_by_group(phase):
    result = {}
    for number, registration_id in GroupMembership.objects.filter(phase=phase).values_list(
        "group__number", "registration_id"
    ):
        result.setdefault(number, set()).add(registration_id)
    return result


def bind(registration):
    """What the binding-registration service does: flip the stage and run the hooks, conference locked."""
    with transaction.atomic():
        lock_conference(registration.conference_id)
        registration.stage = Registration.Stage.BINDING
        registration.save(update_fields=["stage"])
        lifecycle.take_binding_steps(registration)


@pytest.fixture
def conference():
    return ConferenceFactory(places=200)


def test_120_participants_from_40_organisations_form_8_groups_of_15_without_colleagues(conference):
    first, _ = discussion_phases(conference)
    binding_participants(conference, 120, organisations=40)

    assignment = groups.assign_discussion_groups(phase=first, group_count=8, seed=2025)

    assert assignment.group_count == 8
    assert assignment.seed == 2025
    sizes = sorted(len(members) for members in members_by_group(first).values())
    assert sizes == [15] * 8
    for group in DiscussionGroup.objects.filter(phase=first):
        organisations = Counter(
            m.registration.organisation for m in group.memberships.select_related("registration")
        )
        assert max(organisations.values()) == 1, group


def test_sizes_differ_by_at_most_one_and_organisations_spread_as_far_as_possible(conference):
    first, _ = discussion_phases(conference)
    binding_participants(conference, 30, organisations=3)  # 10 colleagues, 4 groups
    binding_participants(conference, 1, organisations=1)

    groups.assign_discussion_groups(phase=first, group_count=4, seed=7)

    sizes = sorted(len(members) for members in members_by_group(first).values())
    assert sizes == [7, 8, 8, 8]
    for group in DiscussionGroup.objects.filter(phase=first):
        organisations = Counter(
            m.registration.organisation for m in group.memberships.select_related("registration")
        )
        assert max(organisations.values()) <= 3  # ceil(10 / 4)


def test_target_size_chooses_the_number_of_groups(conference):
    first, _ = discussion_phases(conference)
    binding_participants(conference, 120, organisations=40)

    assignment = groups.assign_discussion_groups(phase=first, target_size=15)

    assert assignment.group_count == 8
    assert DiscussionGroup.objects.filter(phase=first).count() == 8


def test_only_binding_registrations_holding_a_place_are_assigned(conference):
    first, _ = discussion_phases(conference)
    binding = binding_participants(conference, 4, organisations=4)
    RegistrationFactory(conference=conference, stage=Registration.Stage.PRE)
    RegistrationFactory(
        conference=conference, stage=Registration.Stage.BINDING, status=Registration.Status.CANCELLED
    )
    other_conference = ConferenceFactory()
    RegistrationFactory(conference=other_conference, stage=Registration.Stage.BINDING)

    groups.assign_discussion_groups(phase=first, group_count=2, seed=1)

    assert set(GroupMembership.objects.values_list("registration_id", flat=True)) == {r.pk for r in binding}


def test_the_same_seed_on_the_same_participants_gives_the_same_groups(conference):
    first, _ = discussion_phases(conference)
    binding_participants(conference, 60, organisations=20)
    groups.assign_discussion_groups(phase=first, group_count=6, seed=424242)
    before = members_by_group(first)

    groups.assign_discussion_groups(phase=first, group_count=6, seed=424242, replace=True)

    assert members_by_group(first) == before
    groups.assign_discussion_groups(phase=first, group_count=6, seed=1, replace=True)
    assert members_by_group(first) != before


def test_a_random_seed_is_stored_when_none_is_given(conference):
    first, _ = discussion_phases(conference)
    binding_participants(conference, 20, organisations=10)

    assignment = groups.assign_discussion_groups(phase=first, group_count=4)
    drawn = members_by_group(first)
    groups.assign_discussion_groups(phase=first, group_count=4, seed=assignment.seed, replace=True)

    assert 0 <= assignment.seed < groups.MAX_SEED
    assert members_by_group(first) == drawn


def test_a_second_assignment_needs_confirmation_and_keeps_rooms_and_moderators(conference):
    first, _ = discussion_phases(conference)
    binding_participants(conference, 24, organisations=12)
    groups.assign_discussion_groups(phase=first, group_count=4, seed=3)
    group_two = DiscussionGroup.objects.get(phase=first, number=2)
    group_two.room = "Seminarraum 2"
    group_two.save()
    moderator = PersonFactory(first_name="Jörg", last_name="Käßmann")
    groups.set_group_moderators(group=group_two, people=[moderator])

    with pytest.raises(RegistrationError, match="bestätigen"):
        groups.assign_discussion_groups(phase=first, group_count=3, seed=4)
    assert GroupAssignment.objects.get(phase=first).seed == 3

    assignment = groups.assign_discussion_groups(phase=first, group_count=3, seed=4, replace=True)

    assert assignment.seed == 4
    assert GroupAssignment.objects.filter(phase=first).count() == 1
    assert list(DiscussionGroup.objects.filter(phase=first).values_list("number", flat=True)) == [1, 2, 3]
    group_two.refresh_from_db()
    assert group_two.room == "Seminarraum 2"
    assert list(group_two.moderators.all()) == [moderator]
    assert GroupMembership.objects.filter(phase=first).count() == 24


def test_groups_are_drawn_in_the_phase_whose_groups_are_reused(conference):
    _, last = discussion_phases(conference)
    binding_participants(conference, 4, organisations=4)

    with pytest.raises(RegistrationError, match="übernimmt die Gruppen der 1. Arbeitsphase"):
        groups.assign_discussion_groups(phase=last, group_count=2)


def test_a_choice_phase_has_no_groups(conference):
    choice = WorkshopPhaseFactory(conference=conference, mode=WorkshopPhase.Mode.CHOOSE)
    binding_participants(conference, 4, organisations=4)

    with pytest.raises(RegistrationError, match="Workshops zur Wahl"):
        groups.assign_discussion_groups(phase=choice, group_count=2)


def test_without_binding_participants_nothing_is_assigned(conference):
    first, _ = discussion_phases(conference)
    RegistrationFactory(conference=conference, stage=Registration.Stage.PRE)

    with pytest.raises(RegistrationError, match="keine verbindlich angemeldeten"):
        groups.assign_discussion_groups(phase=first, group_count=2)
    assert not GroupAssignment.objects.exists()


def test_a_phase_that_reuses_groups_shows_the_same_people(conference):
    first, last = discussion_phases(conference)
    people = binding_participants(conference, 16, organisations=8)
    groups.assign_discussion_groups(phase=first, group_count=4, seed=5)

    for registration in people:
        by_phase = {entry.phase.number: entry for entry in personal_groups(registration)}
        assert by_phase[4].group == by_phase[1].group
        assert by_phase[4].source_phase == first
        assert by_phase[1].group.memberships.filter(registration=registration).exists()


def test_a_late_binding_registration_joins_the_smallest_group_without_a_colleague(conference):
    first, last = discussion_phases(conference)
    binding_participants(conference, 10, organisations=5)  # 10 people in 3 groups: 4, 3, 3
    groups.assign_discussion_groups(phase=first, group_count=3, seed=11)
    smallest = [n for n, members in members_by_group(first).items() if len(members) == 3]
    assert len(smallest) == 2
    colleague_group = DiscussionGroup.objects.get(phase=first, number=smallest[0])
    colleague = colleague_group.memberships.select_related("registration").first().registration
    late = RegistrationFactory(conference=conference, organisation=colleague.organisation.upper())

    bind(late)

    membership = GroupMembership.objects.get(registration=late)
    assert membership.phase == first
    assert membership.group.number == smallest[1]
    assert sorted(len(m) for m in members_by_group(first).values()) == [3, 4, 4]
    assert not GroupMembership.objects.filter(phase=last).exists()
    assert {e.phase.number: e.group for e in personal_groups(late)}[4] == membership.group


def test_a_binding_registration_that_moves_up_joins_a_group(conference):
    first, _ = discussion_phases(conference)
    conference.places = 4
    conference.save()
    binding_participants(conference, 4, organisations=4)
    groups.assign_discussion_groups(phase=first, group_count=2, seed=11)
    waiting = RegistrationFactory(
        conference=conference,
        stage=Registration.Stage.BINDING,
        status=Registration.Status.WAITING,
        waiting_since="2026-01-01T10:00:00Z",
    )
    leaving = GroupMembership.objects.select_related("registration", "group").first()

    lifecycle.cancel(registration=leaving.registration)

    assert not GroupMembership.objects.filter(registration=leaving.registration).exists()
    assert GroupMembership.objects.get(registration=waiting).group == leaving.group


def test_joining_is_left_out_before_groups_are_drawn_and_for_pre_registrations(conference):
    discussion_phases(conference)
    registration = RegistrationFactory(conference=conference)

    bind(registration)
    assert not GroupMembership.objects.exists()
    assert groups.join_smallest_group(RegistrationFactory(conference=conference)) == []


def test_cancellation_leaves_the_group_and_keeps_the_audit_trail(conference):
    first, _ = discussion_phases(conference)
    people = binding_participants(conference, 8, organisations=4)
    groups.assign_discussion_groups(phase=first, group_count=2, seed=8)

    lifecycle.cancel(registration=people[0])

    assert not GroupMembership.objects.filter(registration=people[0]).exists()
    assert GroupMembership.objects.filter(phase=first).count() == 7
    history = GroupMembership.history.filter(registration_id=people[0].pk).order_by("history_date")
    assert [record.history_type for record in history] == ["+", "-"]


def test_the_office_moves_a_person_to_another_group(conference):
    first, last = discussion_phases(conference)
    people = binding_participants(conference, 6, organisations=6)
    groups.assign_discussion_groups(phase=first, group_count=2, seed=9)
    office = UserFactory(username="office")
    membership = GroupMembership.objects.get(registration=people[0])
    target = DiscussionGroup.objects.filter(phase=first).exclude(pk=membership.group_id).get()

    moved = groups.move_to_group(registration=people[0], group=target, by=office)

    assert moved.pk == membership.pk
    assert GroupMembership.objects.get(registration=people[0]).group == target
    assert GroupMembership.history.filter(id=membership.pk).latest().history_user == office
    assert {e.phase.number: e.group for e in personal_groups(people[0])}[4] == target


def test_the_office_can_add_a_pre_registered_person_to_a_group(conference):
    first, _ = discussion_phases(conference)
    binding_participants(conference, 2, organisations=2)
    groups.assign_discussion_groups(phase=first, group_count=2, seed=9)
    guest = RegistrationFactory(conference=conference)
    group = DiscussionGroup.objects.get(phase=first, number=1)

    groups.move_to_group(registration=guest, group=group)

    assert GroupMembership.objects.get(registration=guest).group == group


def test_moving_is_refused_across_conferences_and_for_cancelled_people(conference):
    first, _ = discussion_phases(conference)
    binding_participants(conference, 2, organisations=2)
    groups.assign_discussion_groups(phase=first, group_count=2, seed=9)
    group = DiscussionGroup.objects.get(phase=first, number=1)
    stranger = RegistrationFactory()
    cancelled = RegistrationFactory(conference=conference, status=Registration.Status.CANCELLED)

    with pytest.raises(RegistrationError, match="anderen Tagung"):
        groups.move_to_group(registration=stranger, group=group)
    with pytest.raises(RegistrationError, match="storniert"):
        groups.move_to_group(registration=cancelled, group=group)


# Where people see their groups


def test_the_personal_page_shows_the_group_with_room_and_moderators_in_both_phases(client, conference):
    first, last = discussion_phases(conference)
    people = binding_participants(conference, 4, organisations=4)
    groups.assign_discussion_groups(phase=first, group_count=2, seed=1)
    membership = GroupMembership.objects.select_related("group").get(registration=people[0])
    group = membership.group
    group.name = "Nordlicht"
    group.room = "Raum 2.14"
    group.save()
    groups.set_group_moderators(
        group=group, people=[PersonFactory(first_name="Käthe", last_name="Jäger", organisation="Stadt Jena")]
    )

    response = client.get(people[0].get_absolute_url())

    content = response.content.decode()
    assert response.status_code == 200
    assert content.count(f"Gruppe {group.number}: Nordlicht") == 2
    assert "dieselbe Gruppe wie in der 1. Arbeitsphase" in content
    assert content.count("Raum 2.14") == 2
    assert "Käthe Jäger, Stadt Jena" in content


def test_the_personal_page_says_when_groups_are_not_drawn_yet(client, conference):
    discussion_phases(conference)
    registration = RegistrationFactory(conference=conference, stage=Registration.Stage.BINDING)

    content = client.get(registration.get_absolute_url()).content.decode()

    assert "Die Diskussionsgruppen werden vor Beginn der Tagung zufällig zugeteilt" in content


def test_the_personal_page_runs_a_constant_number_of_queries(
    client, conference, django_assert_max_num_queries
):
    first, _ = discussion_phases(conference)
    people = binding_participants(conference, 30, organisations=10)
    groups.assign_discussion_groups(phase=first, group_count=3, seed=1)
    for group in DiscussionGroup.objects.filter(phase=first):
        groups.set_group_moderators(group=group, people=PersonFactory.create_batch(3))
    with django_assert_max_num_queries(30) as few:
        client.get(people[0].get_absolute_url())
    for number in (2, 3, 5, 6):
        WorkshopPhaseFactory(conference=conference, number=number)

    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(people[0].get_absolute_url()).status_code == 200


def test_the_programme_page_shows_who_moderates_which_group_but_no_participants(client, conference):
    from django.urls import reverse

    from tests.factories import ProgrammeItemFactory

    first, last = discussion_phases(conference)
    for phase in (first, last):
        ProgrammeItemFactory(
            conference=conference, kind="workshop_phase", workshop_phase=phase, title=f"Phase {phase.number}"
        )
    people = binding_participants(conference, 4, organisations=4)
    groups.assign_discussion_groups(phase=first, group_count=2, seed=1)
    group = DiscussionGroup.objects.get(phase=first, number=2)
    group.room = "Raum Elbe"
    group.save()
    groups.set_group_moderators(
        group=group,
        people=[
            PersonFactory(first_name="Friederike", last_name="Haubold", organisation="Hochschule Mittweida")
        ],
    )

    content = client.get(reverse("programme:programme", kwargs={"slug": conference.slug})).content.decode()

    assert content.count("Friederike Haubold, Hochschule Mittweida") == 2  # phase 1 and phase 4
    assert content.count("Raum Elbe") == 2
    assert "Gruppe 1" not in content  # no moderator, nothing to say
    for registration in people:
        assert registration.last_name not in content
        assert registration.email not in content

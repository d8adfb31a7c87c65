import pytest
from django.urls import reverse

from programme.models import WorkshopPhase
from registrations.domain import groups
from registrations.models import DiscussionGroup, GroupAssignment, GroupMembership
from tests.factories import (
    ConferenceFactory,
    PersonFactory,
    RegistrationFactory,
    UserFactory,
    WorkshopBookingFactory,
    WorkshopFactory,
    WorkshopPhaseFactory,
    binding_participants,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def conference():
    return ConferenceFactory(places=500)


def assign_url(phase):
    return reverse("admin:registrations_phase_assign", kwargs={"phase_id": phase.pk})


def lists_url(phase):
    return reverse("admin:registrations_phase_lists", kwargs={"phase_id": phase.pk})


def test_assign_page_previews_eight_groups_of_fifteen_for_120_participants(
    admin_client, conference, group_phases
):
    binding_participants(conference, 120, organisations=40)
    RegistrationFactory(conference=conference)  # pre-registered: not counted

    response = admin_client.get(assign_url(group_phases[0]))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Zugeteilt werden 120 verbindlich angemeldete Personen" in content
    assert "8 Gruppen: 8 × 15 Personen" in content
    assert response.context["form"].initial["value"] == 8
    assert "ersetzt die bisherige" not in content


def test_preview_with_a_target_size_does_not_assign(admin_client, conference, group_phases):
    binding_participants(conference, 121, organisations=40)

    response = admin_client.post(
        assign_url(group_phases[0]), {"basis": "size", "value": "20", "preview": "1"}
    )

    assert response.status_code == 200
    assert "6 Gruppen: 1 × 21, 5 × 20 Personen" in response.content.decode()
    assert not GroupAssignment.objects.exists()


def test_one_click_assigns_the_groups_and_shows_the_lists(admin_client, admin_user, conference, group_phases):
    first, _ = group_phases
    binding_participants(conference, 120, organisations=40)

    response = admin_client.post(
        assign_url(first), {"basis": "count", "value": "8", "assign": "1"}, follow=True
    )

    assert response.redirect_chain[-1][0] == lists_url(first)
    assignment = GroupAssignment.objects.get(phase=first)
    assert assignment.group_count == 8
    assert assignment.created_by == admin_user
    sizes = [len(group.members) for group in response.context["lists"].lists]
    assert sizes == [15] * 8
    content = response.content.decode()
    assert f"8 Gruppen zugeteilt (Seed {assignment.seed})" in content
    history = GroupMembership.history.filter(history_type="+")
    assert history.count() == 120
    assert set(history.values_list("history_user", flat=True)) == {admin_user.pk}


def test_a_given_seed_is_used(admin_client, conference, group_phases):
    first, _ = group_phases
    binding_participants(conference, 20, organisations=40)

    admin_client.post(assign_url(first), {"basis": "count", "value": "4", "seed": "12345", "assign": "1"})

    assert GroupAssignment.objects.get(phase=first).seed == 12345


def test_a_second_assignment_needs_the_confirmation(admin_client, conference, group_phases):
    first, _ = group_phases
    binding_participants(conference, 20, organisations=40)
    groups.assign_discussion_groups(phase=first, group_count=4, seed=1)

    page = admin_client.get(assign_url(first)).content.decode()
    refused = admin_client.post(assign_url(first), {"basis": "count", "value": "5", "assign": "1"})

    assert "Eine neue Zuteilung ersetzt die bisherige Zuteilung" in page
    assert refused.status_code == 200
    assert refused.context["form"].errors["confirm_replace"] == [
        "Bitte bestätigen Sie, dass die neue Zuteilung die bisherige ersetzt."
    ]
    assert GroupAssignment.objects.get(phase=first).group_count == 4

    confirmed = admin_client.post(
        assign_url(first), {"basis": "count", "value": "5", "confirm_replace": "on", "assign": "1"}
    )

    assert confirmed.status_code == 302
    assert GroupAssignment.objects.get(phase=first).group_count == 5
    assert DiscussionGroup.objects.filter(phase=first).count() == 5


def test_a_reusing_phase_has_no_assign_page_but_shows_the_same_lists(admin_client, conference, group_phases):
    first, last = group_phases
    binding_participants(conference, 12, organisations=40)
    groups.assign_discussion_groups(phase=first, group_count=3, seed=1)

    redirected = admin_client.get(assign_url(last))
    response = admin_client.get(lists_url(last))

    assert redirected.status_code == 302
    assert redirected["Location"] == lists_url(last)
    content = response.content.decode()
    assert "Diese Arbeitsphase findet in den Gruppen der 1. Arbeitsphase statt" in content
    assert assign_url(last) not in content
    assert [g.members for g in response.context["lists"].lists] == [
        g.members for g in admin_client.get(lists_url(first)).context["lists"].lists
    ]


def test_assigning_without_participants_shows_the_reason(admin_client, group_phases):
    response = admin_client.post(assign_url(group_phases[0]), {"basis": "count", "value": "8", "assign": "1"})

    assert response.status_code == 200
    assert "keine verbindlich angemeldeten Teilnehmenden" in response.content.decode()


def test_group_pages_are_for_staff_only(client, group_phases):
    client.force_login(UserFactory(username="gast"))

    for url in (
        assign_url(group_phases[0]),
        lists_url(group_phases[0]),
        lists_url(group_phases[0]).replace("/listen/", "/listen.pdf"),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_lists_page_links_the_pdf_and_the_pdf_is_served(admin_client, conference, group_phases):
    first, _ = group_phases
    binding_participants(conference, 6, organisations=40)
    groups.assign_discussion_groups(phase=first, group_count=2, seed=1)
    pdf_url = reverse("admin:registrations_phase_lists_pdf", kwargs={"phase_id": first.pk})

    page = admin_client.get(lists_url(first)).content.decode()
    response = admin_client.get(pdf_url)

    assert pdf_url in page
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'inline; filename="Gruppenlisten_{conference.slug}_Phase-1.pdf"'
    )
    assert response.content.startswith(b"%PDF")


def test_workshop_lists_page_for_a_choice_phase(admin_client, conference):
    phase = WorkshopPhaseFactory(conference=conference, number=2)
    workshop = WorkshopFactory(phase=phase, title="Sozialdaten in der Quartiersarbeit")
    booking = WorkshopBookingFactory(workshop=workshop, registration__last_name="Förg")

    response = admin_client.get(lists_url(phase))

    content = response.content.decode()
    assert response.context["title"] == "Workshoplisten"
    assert "Sozialdaten in der Quartiersarbeit" in content
    assert booking.registration.full_name in content
    assert reverse("admin:registrations_phase_assign", kwargs={"phase_id": phase.pk}) not in content


def test_workshop_phase_admin_links_to_the_group_pages(admin_client, group_phases):
    first, last = group_phases
    change = admin_client.get(
        reverse("admin:programme_workshopphase_change", args=[first.pk])
    ).content.decode()
    reused = admin_client.get(
        reverse("admin:programme_workshopphase_change", args=[last.pk])
    ).content.decode()

    assert assign_url(first) in change
    assert lists_url(first) in change
    assert assign_url(last) not in reused
    assert lists_url(last) in reused


def test_the_office_edits_room_and_moderators_of_a_group(admin_client, conference, group_phases):
    first, _ = group_phases
    people = binding_participants(conference, 4, organisations=40)
    groups.assign_discussion_groups(phase=first, group_count=2, seed=1)
    group = DiscussionGroup.objects.get(phase=first, number=1)
    moderator = PersonFactory(first_name="Anke", last_name="Niederschulte")
    url = reverse("admin:registrations_discussiongroup_change", args=[group.pk])

    page = admin_client.get(url)
    response = admin_client.post(
        url,
        {
            "name": "Nordlicht",
            "room": "Raum 2.14",
            "moderators": [moderator.pk],
        },
    )

    assert page.status_code == 200
    member_names = {r.full_name for r in people if GroupMembership.objects.get(registration=r).group == group}
    assert all(name in page.content.decode() for name in member_names)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    group.refresh_from_db()
    assert (group.name, group.room) == ("Nordlicht", "Raum 2.14")
    assert list(group.moderators.all()) == [moderator]


def test_the_office_moves_a_person_with_the_membership_form(
    admin_client, admin_user, conference, group_phases
):
    first, _ = group_phases
    people = binding_participants(conference, 4, organisations=40)
    groups.assign_discussion_groups(phase=first, group_count=2, seed=1)
    membership = GroupMembership.objects.get(registration=people[0])
    other = DiscussionGroup.objects.filter(phase=first).exclude(pk=membership.group_id).get()
    url = reverse("admin:registrations_groupmembership_change", args=[membership.pk])

    response = admin_client.post(url, {"registration": people[0].pk, "group": other.pk})

    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.group == other
    assert GroupMembership.history.filter(id=membership.pk).latest().history_user == admin_user
    history = admin_client.get(reverse("admin:registrations_groupmembership_history", args=[membership.pk]))
    assert history.status_code == 200


def test_moving_someone_to_a_colleague_of_the_same_organisation_warns(admin_client, conference, group_phases):
    first, _ = group_phases
    people = binding_participants(conference, 4, organisations=2)  # Landkreis 0, 1, 0, 1
    people[2].organisation = "  landkreis   0 "  # the same organisation, typed differently
    people[2].save()
    groups.assign_discussion_groups(phase=first, group_count=2, seed=1)
    moving = GroupMembership.objects.get(registration=people[0])
    colleague_group = GroupMembership.objects.get(registration=people[2]).group
    if colleague_group == moving.group:  # the draw keeps colleagues apart; move the colleague away first
        colleague_group = DiscussionGroup.objects.filter(phase=first).exclude(pk=moving.group_id).get()
        groups.move_to_group(registration=people[2], group=colleague_group)
    url = reverse("admin:registrations_groupmembership_change", args=[moving.pk])

    response = admin_client.post(
        url, {"registration": people[0].pk, "group": colleague_group.pk}, follow=True
    )

    moving.refresh_from_db()
    assert moving.group == colleague_group  # a warning, not a refusal
    warnings = [str(m) for m in response.context["messages"] if m.level_tag == "warning"]
    assert warnings == [
        f"Achtung: In {colleague_group} ist schon eine Person derselben Organisation (Landkreis 0): "
        f"{people[2].full_name}. Die Gruppen sollen Menschen aus verschiedenen Organisationen zusammenbringen."
    ]


def test_moving_someone_to_a_group_without_colleagues_gives_no_warning(
    admin_client, conference, group_phases
):
    first, _ = group_phases
    people = binding_participants(conference, 4)  # four organisations
    groups.assign_discussion_groups(phase=first, group_count=2, seed=1)
    moving = GroupMembership.objects.get(registration=people[0])
    other = DiscussionGroup.objects.filter(phase=first).exclude(pk=moving.group_id).get()
    url = reverse("admin:registrations_groupmembership_change", args=[moving.pk])

    response = admin_client.post(url, {"registration": people[0].pk, "group": other.pk}, follow=True)

    assert [m for m in response.context["messages"] if m.level_tag == "warning"] == []


def test_the_membership_form_offers_only_groups_of_the_same_phase(admin_client, conference, group_phases):
    first, _ = group_phases
    people = binding_participants(conference, 4, organisations=40)
    groups.assign_discussion_groups(phase=first, group_count=2, seed=1)
    elsewhere = WorkshopPhaseFactory(conference=conference, number=5, mode=WorkshopPhase.Mode.GROUPS)
    RegistrationFactory(conference=conference, stage="binding")
    groups.assign_discussion_groups(phase=elsewhere, group_count=1, seed=1)
    membership = GroupMembership.objects.get(registration=people[0], phase=first)

    response = admin_client.get(reverse("admin:registrations_groupmembership_change", args=[membership.pk]))

    offered = set(response.context["adminform"].form.fields["group"].queryset)
    assert offered == set(DiscussionGroup.objects.filter(phase=first))


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:registrations_discussiongroup_changelist",
        "admin:registrations_groupmembership_changelist",
        "admin:registrations_groupassignment_changelist",
        "admin:programme_workshopphase_changelist",
    ],
)
def test_change_lists_run_a_constant_number_of_queries(
    admin_client, conference, group_phases, url_name, django_assert_max_num_queries
):
    first, _ = group_phases
    binding_participants(conference, 10, organisations=40)
    groups.assign_discussion_groups(phase=first, group_count=2, seed=1)
    for group in first.discussion_groups.all():
        groups.set_group_moderators(group=group, people=PersonFactory.create_batch(2))
    with django_assert_max_num_queries(12) as small:
        assert admin_client.get(reverse(url_name)).status_code == 200

    other = ConferenceFactory(places=500)
    other_first = WorkshopPhaseFactory(conference=other, number=1, mode=WorkshopPhase.Mode.GROUPS)
    WorkshopPhaseFactory.create_batch(3, conference=other)
    binding_participants(other, 90, organisations=40)
    groups.assign_discussion_groups(phase=other_first, group_count=9, seed=1)
    for group in other_first.discussion_groups.all():
        groups.set_group_moderators(group=group, people=PersonFactory.create_batch(2))
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert admin_client.get(reverse(url_name)).status_code == 200


@pytest.mark.parametrize("count", [10, 100])
def test_lists_page_runs_a_constant_number_of_queries(
    admin_client, conference, group_phases, count, django_assert_max_num_queries
):
    first, last = group_phases
    binding_participants(conference, count, organisations=9)
    groups.assign_discussion_groups(phase=first, group_count=5, seed=1)

    with django_assert_max_num_queries(14):
        response = admin_client.get(lists_url(last))
    assert response.context["lists"].member_count == count

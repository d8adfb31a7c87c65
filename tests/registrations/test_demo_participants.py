"""The issue's 'done when' on the demo conference: 120 people from about 40 organisations, 8 groups."""

from collections import Counter

import pytest
from django.core.management import call_command

from programme.demo import DEMO_SLUG, load_demo
from programme.models import Conference
from registrations.domain import groups
from registrations.domain.demo import DEMO_EMAIL_DOMAIN, demo_participants, fill_demo_participants
from registrations.domain.lifecycle import confirm_address, register_binding
from registrations.models import GroupMembership, Invoice, OutgoingMail, Registration, WorkshopBooking
from registrations.queries import lists
from tests.factories import binding_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    load_demo()
    return Conference.objects.get(slug=DEMO_SLUG)


def test_demo_participants_are_binding_realistic_and_stable():
    people = demo_participants(120)

    assert people == demo_participants(120)
    assert len({person.email for person in people}) == 120
    organisations = Counter(person.organisation for person in people)
    assert 38 <= len(organisations) <= 45
    assert max(organisations.values()) <= 8
    assert any(ch in person.last_name + person.first_name for person in people for ch in "äöüßÄÖÜ")
    assert all(person.email.isascii() and person.email.endswith(f"@{DEMO_EMAIL_DOMAIN}") for person in people)


def test_filling_the_demo_conference_is_idempotent_and_sends_nothing(demo):
    assert fill_demo_participants(120) == (120, 0)
    assert fill_demo_participants(120) == (0, 0)

    registrations = Registration.objects.filter(conference=demo)
    assert registrations.count() == 120
    assert registrations.binding().holding_places().count() == 120
    assert not Invoice.objects.exists()
    assert not OutgoingMail.objects.exists()
    assert Registration.history.filter(conference_id=demo.pk).count() == 120


def test_demo_participants_choose_workshops_and_fill_some_waiting_lists(demo):
    fill_demo_participants(120)

    for phase in demo.workshop_phases.filter(mode="choose"):
        bookings = WorkshopBooking.objects.filter(phase=phase)
        assert set(bookings.values_list("registration_id", flat=True)) == set(
            Registration.objects.filter(conference=demo).values_list("pk", flat=True)
        )
        for workshop in phase.workshops.all():
            seated = bookings.filter(workshop=workshop, status="seated").count()
            assert workshop.seat_limit is None or seated <= workshop.seat_limit
        assert bookings.filter(status="waiting").exists()


def test_only_free_places_are_filled(demo):
    demo.places = 50
    demo.save()

    assert fill_demo_participants(120) == (50, 70)


def test_the_command_fills_the_demo_conference(demo, capsys):
    call_command("demo_participants", "--count", "30", "--no-workshops")

    assert "30 Demo-Teilnehmende angelegt." in capsys.readouterr().out
    assert Registration.objects.filter(conference=demo).count() == 30
    assert not WorkshopBooking.objects.exists()


def test_eight_groups_on_the_demo_conference_as_the_issue_asks(demo, client):
    fill_demo_participants(120)
    first = demo.workshop_phases.get(number=1)
    fourth = demo.workshop_phases.get(number=4)

    groups.assign_discussion_groups(phase=first, group_count=8)

    group_lists = lists.group_lists(first)
    assert [len(group.members) for group in group_lists.lists] == [15] * 8
    for group in group_lists.lists:
        organisations = Counter(member.organisation for member in group.members)
        assert organisations.most_common(1)[0][1] == 1, group.title
    assert [g.members for g in lists.group_lists(fourth).lists] == [g.members for g in group_lists.lists]

    demo.places = 121
    demo.save()
    late, created = register_binding(
        conference=demo,
        data=binding_data(organisation="Stadt Köln, Amt für Soziales, Arbeit und Senioren"),
    )
    late = confirm_address(registration=late)  # the mailed link confirms the address
    assert created
    membership = GroupMembership.objects.select_related("group").get(registration=late, phase=first)
    colleagues = [
        member
        for member in lists.group_lists(first).lists[membership.group.number - 1].members
        if member.organisation == late.organisation
    ]
    assert len(colleagues) == 1  # only the late person: the group had nobody from Köln's Sozialamt
    assert sorted(len(g.members) for g in lists.group_lists(first).lists) == [15] * 7 + [16]

    content = client.get(late.get_absolute_url()).content.decode()
    assert f"Gruppe {membership.group.number}" in content
    assert "dieselbe Gruppe wie in der 1. Arbeitsphase" in content

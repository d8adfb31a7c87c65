"""A change to a discussion group shows on the cached programme page at the next request.

The programme app caches the page and knows nothing of discussion groups; the
registration app touches the conference (registrations/programme_signals.py).
"""

import pytest
from django.urls import reverse

from tests.factories import (
    ConferenceFactory,
    DiscussionGroupFactory,
    PersonFactory,
    ProgrammeItemFactory,
    WorkshopPhaseFactory,
)

pytestmark = pytest.mark.django_db


def page(client, conference):
    response = client.get(reverse("programme:programme", kwargs={"slug": conference.slug}))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def group():
    conference = ConferenceFactory()
    group = DiscussionGroupFactory(phase__conference=conference, name="Gruppe Nord", room="Raum 7")
    group.moderators.add(PersonFactory(first_name="Greta", last_name="Gruppe"))
    ProgrammeItemFactory(conference=conference, workshop_phase=group.phase)
    return group


def test_a_renamed_group_shows_on_the_next_request(client, group):
    assert "Gruppe Nord" in page(client, group.phase.conference)

    group.name = "Gruppe Süd"
    group.save()

    html = page(client, group.phase.conference)
    assert "Gruppe Süd" in html
    assert "Gruppe Nord" not in html


def test_a_deleted_group_disappears(client, group):
    assert "Gruppe Nord" in page(client, group.phase.conference)

    group.delete()

    assert "Gruppe Nord" not in page(client, group.phase.conference)


def test_a_renamed_group_moderator_shows_on_the_next_request(client, group):
    assert "Greta Gruppe" in page(client, group.phase.conference)

    moderator = group.moderators.get()
    moderator.last_name = "Gruppenleiterin"
    moderator.save()

    assert "Greta Gruppenleiterin" in page(client, group.phase.conference)


def test_a_group_added_from_the_person_side_shows_on_the_next_request(client, group):
    conference = group.phase.conference
    other = DiscussionGroupFactory(phase=group.phase, name="Gruppe Ost")
    assert "Gruppe Ost" not in page(client, conference)  # no moderator yet: not listed

    PersonFactory(first_name="Otto", last_name="Ost").discussion_groups.add(other)

    assert "Otto Ost" in page(client, conference)


def test_removed_moderators_disappear(client, group):
    assert "Greta Gruppe" in page(client, group.phase.conference)

    group.moderators.clear()

    html = page(client, group.phase.conference)
    assert "Greta Gruppe" not in html
    assert "Gruppe Nord" not in html  # a group without moderators is not listed


def test_groups_of_a_reused_phase_are_shown_with_the_later_phase(client, group):
    first = group.phase
    later = WorkshopPhaseFactory(
        conference=first.conference, number=4, mode=first.mode, reuses_groups_of=first
    )
    ProgrammeItemFactory(
        conference=first.conference, workshop_phase=later, starts_at=first.conference.ends_at
    )

    assert page(client, first.conference).count("Greta Gruppe") == 2

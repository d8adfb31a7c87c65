"""The "ohne Workshop" list (issue 17): confirmed participants without a seat in a work phase,
as a filter of the registration list with counts, linked from the workshop fill page."""

import pytest
from django.urls import reverse
from django.utils import timezone

from registrations.domain import workshops
from registrations.office.roles import OFFICE
from registrations.queries.workshops import without_workshop, without_workshop_counts
from tests.factories import (
    BindingRegistrationFactory,
    ConferenceFactory,
    RegistrationFactory,
    StaffFactory,
    WorkshopFactory,
    WorkshopPhaseFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(client):
    client.force_login(StaffFactory(roles=[OFFICE]))
    return client


@pytest.fixture
def world():
    """Phase 2: one seated, one only waiting (a full workshop), one without any booking; plus people
    who do not count: a pre-registration, a cancelled and a waiting-list registration, and someone
    seated in phase 3 only."""
    conference = ConferenceFactory(places=50)
    phase2 = WorkshopPhaseFactory(conference=conference, number=2)
    phase3 = WorkshopPhaseFactory(conference=conference, number=3)
    full = WorkshopFactory(phase=phase2, seat_limit=1)
    in_phase3 = WorkshopFactory(phase=phase3, seat_limit=10)
    seated, waiting_for_seat, nothing = (BindingRegistrationFactory(conference=conference) for _ in range(3))
    workshops.choose_workshops(registration=seated, choices={phase2.pk: full.pk})
    workshops.choose_workshops(
        registration=waiting_for_seat, choices={phase2.pk: full.pk}, join_waiting_list=True
    )
    workshops.choose_workshops(registration=nothing, choices={phase3.pk: in_phase3.pk})
    RegistrationFactory(conference=conference)  # pre-registered
    BindingRegistrationFactory(conference=conference, status="cancelled")
    BindingRegistrationFactory(conference=conference, status="waiting", waiting_since=timezone.now())
    return {
        "conference": conference,
        "phases": (phase2, phase3),
        "people": {"seated": seated, "waiting": waiting_for_seat, "nothing": nothing},
    }


def test_without_workshop_are_the_confirmed_without_a_seat_in_the_phase(world):
    phase2, phase3 = world["phases"]
    people = world["people"]
    assert set(without_workshop(phase2)) == {people["waiting"], people["nothing"]}
    assert set(without_workshop(phase3)) == {people["seated"], people["waiting"]}
    assert without_workshop_counts([phase2, phase3]) == {phase2.pk: 2, phase3.pk: 2}


def test_the_registration_list_filters_ohne_workshop_per_phase_with_counts(office, world):
    phase2, _ = world["phases"]
    conference = world["conference"]
    changelist = reverse("admin:registrations_registration_changelist")

    listing = office.get(changelist, {"conference__id__exact": conference.pk}).content.decode()
    assert f"2. Arbeitsphase, {conference.title} (2)" in listing
    assert f"3. Arbeitsphase, {conference.title} (2)" in listing

    response = office.get(changelist, {"conference__id__exact": conference.pk, "ohne_workshop": phase2.pk})
    shown = set(response.context["cl"].result_list)
    assert shown == {world["people"]["waiting"], world["people"]["nothing"]}


def test_the_fill_page_counts_and_links_the_list(office, world):
    phase2, _ = world["phases"]
    conference = world["conference"]
    html = office.get(reverse("admin:registrations_workshop_fill", args=[conference.pk])).content.decode()
    assert "Ohne Workshop in dieser Arbeitsphase: 2 Personen mit gesichertem Platz" in html
    link = f"{reverse('admin:registrations_registration_changelist')}?conference__id__exact={conference.pk}&amp;ohne_workshop={phase2.pk}"
    assert link in html


def test_an_unknown_phase_in_the_filter_shows_nobody(office, world):
    changelist = reverse("admin:registrations_registration_changelist")
    response = office.get(changelist, {"ohne_workshop": "999999"})
    assert list(response.context["cl"].result_list) == []

"""The programme app's pages stand on their own: other apps fill its slots through signals.

With no receiver connected (as without the registration app) the pages render without
the registration boxes, the places and the discussion groups; with the receivers they
show them (tests/programme/test_views.py).
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from programme import signals
from tests.factories import ConferenceFactory, DiscussionGroupFactory, PersonFactory, ProgrammeItemFactory

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def no_receivers(monkeypatch):
    for signal in (signals.conference_next_step, signals.conference_places, signals.programme_page_items):
        monkeypatch.setattr(signal, "receivers", [])
        monkeypatch.setattr(signal, "sender_receivers_cache", {})


def upcoming_conference():
    return ConferenceFactory(
        starts_at=dt.datetime(2025, 9, 25, 10, 0, tzinfo=BERLIN),
        ends_at=dt.datetime(2025, 9, 26, 14, 0, tzinfo=BERLIN),
        pre_registration_deadline=dt.date(2025, 6, 2),
        places=40,
    )


@time_machine.travel(dt.datetime(2025, 5, 1, 12, 0, tzinfo=BERLIN), tick=False)
def test_the_registration_app_fills_the_conference_page_slots(client):
    html = client.get(upcoming_conference().get_absolute_url()).content.decode()

    assert "Noch 40 Plätze frei" in html
    assert "Unverbindlich voranmelden" in html
    assert "Noch 40 Plätze frei" in client.get("/").content.decode()


@time_machine.travel(dt.datetime(2025, 5, 1, 12, 0, tzinfo=BERLIN), tick=False)
def test_without_receivers_the_conference_page_has_empty_slots(client, no_receivers):
    conference = upcoming_conference()

    response = client.get(conference.get_absolute_url())
    html = response.content.decode()

    assert response.status_code == 200
    assert "programme/_next_step.html" in [t.name for t in response.templates]
    assert "Auf einen Blick" in html
    assert "Plätze frei" not in html
    assert "Unverbindlich voranmelden" not in html
    assert '<dd class="col-sm-8"></dd>' in client.get("/").content.decode()  # the places on the home page


def test_without_receivers_the_programme_page_lists_no_discussion_groups(client, no_receivers):
    conference = ConferenceFactory()
    group = DiscussionGroupFactory(phase__conference=conference, name="Gruppe Nord")
    group.moderators.add(PersonFactory(first_name="Greta", last_name="Gruppe"))
    ProgrammeItemFactory(conference=conference, workshop_phase=group.phase, title="Arbeitsphase")

    html = client.get(reverse("programme:programme", kwargs={"slug": conference.slug})).content.decode()

    assert "Arbeitsphase" in html
    assert "Greta Gruppe" not in html

"""The personal calendar (issue 15, defect 8): only the person's own items, with their places and end times."""

import datetime as dt

import icalendar
import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from programme.models import ProgrammeItem
from registrations.documents.calendar import personal_ical
from registrations.domain import lifecycle
from tests.factories import (
    ConferenceFactory,
    ProgrammeItemFactory,
    WorkshopFactory,
    WorkshopPhaseFactory,
    binding_data,
)

pytestmark = pytest.mark.django_db

Kind = ProgrammeItem.Kind


@pytest.fixture
def programme():
    conference = ConferenceFactory(venue_name="Kongresshalle am Zoo", city="Leipzig", venue_address="")
    start = conference.starts_at
    phase = WorkshopPhaseFactory(conference=conference, number=2, title="Praxis")
    chosen = WorkshopFactory(phase=phase, title="Digitale Werkzeuge", room="Raum 7")
    other = WorkshopFactory(phase=phase, title="Sozialdaten", room="Raum 8")
    items = {
        "talk": ProgrammeItemFactory(conference=conference, title="Eröffnungsvortrag", starts_at=start),
        "phase": ProgrammeItemFactory(
            conference=conference,
            kind=Kind.WORKSHOP_PHASE,
            title="2. Arbeitsphase",
            workshop_phase=phase,
            starts_at=start + dt.timedelta(hours=2),
        ),
        "assembly": ProgrammeItemFactory(
            conference=conference,
            kind=Kind.ASSEMBLY,
            title="Mitgliederversammlung",
            members_only=True,
            starts_at=start + dt.timedelta(hours=4),
        ),
        "party": ProgrammeItemFactory(
            conference=conference,
            kind=Kind.EVENING,
            title="Jubiläumsfeier",
            room="Auerbachs Keller, Leipzig",
            members_only=True,
            requires_signup=True,
            starts_at=start + dt.timedelta(hours=9),
            ends_at=None,
        ),
        "dinner": ProgrammeItemFactory(
            conference=conference,
            kind=Kind.EVENING,
            title="Abendessen",
            requires_signup=True,
            starts_at=start + dt.timedelta(hours=9),
            ends_at=None,
        ),
    }
    return conference, phase, chosen, other, items


def events(ics):
    return {str(event["summary"]): event for event in icalendar.Calendar.from_ical(ics).walk("VEVENT")}


def register(conference, phase, workshop, *, is_member, evening_events, n=1):
    registration, _ = lifecycle.register_binding(
        conference=conference,
        data=binding_data(
            n,
            is_member=is_member,
            evening_events=[item.pk for item in evening_events],
            workshop_choices={phase.pk: workshop.pk},
        ),
    )
    return registration


def test_member_gets_their_workshop_evening_event_and_members_items(programme):
    conference, phase, chosen, _, items = programme
    registration = register(conference, phase, chosen, is_member=True, evening_events=[items["party"]])
    found = events(personal_ical(registration))
    title = conference.title
    assert sorted(found) == sorted(
        [
            f"Eröffnungsvortrag ({title})",
            f"Digitale Werkzeuge (2. Arbeitsphase) ({title})",
            f"Mitgliederversammlung ({title})",
            f"Jubiläumsfeier ({title})",
        ]
    )
    party = found[f"Jubiläumsfeier ({title})"]
    assert str(party["location"]) == "Auerbachs Keller, Leipzig"
    assert party.decoded("dtend") - party.decoded("dtstart") == dt.timedelta(hours=3)
    workshop = found[f"Digitale Werkzeuge (2. Arbeitsphase) ({title})"]
    assert str(workshop["location"]) == "Raum 7, Kongresshalle am Zoo, Leipzig"
    assert str(found[f"Eröffnungsvortrag ({title})"]["location"]) == "Kongresshalle am Zoo, Leipzig"


def test_non_member_gets_no_members_only_items(programme):
    conference, phase, _, other, items = programme
    registration = register(conference, phase, other, is_member=False, evening_events=[items["dinner"]])
    found = events(personal_ical(registration))
    title = conference.title
    assert sorted(found) == sorted(
        [
            f"Eröffnungsvortrag ({title})",
            f"Sozialdaten (2. Arbeitsphase) ({title})",
            f"Abendessen ({title})",
        ]
    )
    dinner = found[f"Abendessen ({title})"]
    assert timezone.localtime(dinner.decoded("dtend")) == timezone.localtime(
        items["dinner"].starts_at
    ) + dt.timedelta(hours=3)


def test_confirmation_mail_attaches_the_personal_calendar(programme, django_capture_on_commit_callbacks):
    conference, phase, _, other, items = programme
    with django_capture_on_commit_callbacks(execute=True):
        register(conference, phase, other, is_member=False, evening_events=[])
    confirmation = next(
        m for m in mail.outbox if m.to == ["person1@example.org"] and "ics" in str(m.attachments)
    )
    (ics,) = [content for name, content, mimetype in confirmation.attachments if name.endswith(".ics")]
    found = events(ics)
    assert f"Mitgliederversammlung ({conference.title})" not in found
    assert f"Jubiläumsfeier ({conference.title})" not in found
    assert f"Sozialdaten (2. Arbeitsphase) ({conference.title})" in found


def test_personal_page_offers_the_personal_calendar(client, programme):
    conference, phase, chosen, _, items = programme
    registration = register(conference, phase, chosen, is_member=True, evening_events=[items["party"]])
    url = reverse("registrations:personal_calendar", kwargs={"token": registration.token})
    assert f'href="{url}"' in client.get(registration.get_absolute_url()).content.decode()
    response = client.get(url)
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{conference.slug}.ics"'
    assert f"Jubiläumsfeier ({conference.title})" in events(response.content)

"""The conference's iCal file is cached like the programme days and refreshed on every change.

Every confirmation mail carries it, so it must not be built for every registration,
and never inside the conference lock; a changed programme must show at once.
"""

import icalendar
import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from programme import ical as programme_ical
from programme import selectors
from programme.models import Conference
from registrations.domain import confirmations, lifecycle
from registrations.models import OutgoingMailAttachment
from tests.factories import (
    AppearanceFactory,
    ConferenceFactory,
    PersonFactory,
    ProgrammeItemFactory,
    WorkshopFactory,
    WorkshopModeratorFactory,
    WorkshopPhaseFactory,
    binding_data,
)

pytestmark = pytest.mark.django_db


def fresh(conference):
    """The conference as the next request loads it (with the updated_at the signals touched)."""
    return Conference.objects.get(pk=conference.pk)


def summaries(ical):
    return [str(event["summary"]) for event in icalendar.Calendar.from_ical(ical).walk("VEVENT")]


def descriptions(ical):
    return "\n".join(str(event["description"]) for event in icalendar.Calendar.from_ical(ical).walk("VEVENT"))


def fail_to_build(*args, **kwargs):
    raise AssertionError("the iCal file was built, not taken from the cache")


def test_the_second_request_takes_the_file_from_the_cache(monkeypatch, django_assert_num_queries):
    conference = ConferenceFactory()
    AppearanceFactory(item=ProgrammeItemFactory(conference=conference, title="Eröffnung"))
    conference = fresh(conference)
    first = programme_ical.conference_ical(conference)
    assert first == programme_ical.conference_calendar(conference, selectors.programme_items(conference))
    assert "Eröffnung" in summaries(first)[0]

    monkeypatch.setattr(programme_ical, "conference_calendar", fail_to_build)
    with django_assert_num_queries(0):
        assert programme_ical.conference_ical(conference) == first


def test_the_public_download_uses_the_same_cache(client, monkeypatch, django_assert_num_queries):
    conference = ConferenceFactory()
    ProgrammeItemFactory(conference=conference, title="Eröffnung")
    url = reverse("programme:programme_ical", kwargs={"slug": conference.slug})
    first = client.get(url).content
    assert first == programme_ical.conference_ical(fresh(conference))

    monkeypatch.setattr(programme_ical, "conference_calendar", fail_to_build)
    with django_assert_num_queries(1):  # the conference
        assert client.get(url).content == first


def test_a_changed_programme_item_shows_at_once():
    conference = ConferenceFactory()
    item = ProgrammeItemFactory(conference=conference, title="Alter Titel")
    assert "Alter Titel" in summaries(programme_ical.conference_ical(fresh(conference)))[0]

    item.title = "Neuer Titel"
    item.save()

    ical = programme_ical.conference_ical(fresh(conference))
    assert "Neuer Titel" in summaries(ical)[0]
    assert "Alter Titel" not in ical.decode()


def test_a_new_item_a_renamed_speaker_and_a_new_moderator_show_at_once():
    conference = ConferenceFactory()
    person = PersonFactory(first_name="Erika", last_name="Muster")
    AppearanceFactory(item=ProgrammeItemFactory(conference=conference, title="Vortrag A"), person=person)
    phase = WorkshopPhaseFactory(conference=conference)
    ProgrammeItemFactory(conference=conference, workshop_phase=phase, kind="workshop_phase")
    workshop = WorkshopFactory(phase=phase, title="Workshop Quartier")
    assert "Erika Muster" in descriptions(programme_ical.conference_ical(fresh(conference)))

    person.last_name = "Beispiel"
    person.save()
    assert "Erika Beispiel" in descriptions(programme_ical.conference_ical(fresh(conference)))

    WorkshopModeratorFactory(workshop=workshop, person=PersonFactory(first_name="Moritz", last_name="Mod"))
    assert "Moritz Mod" in descriptions(programme_ical.conference_ical(fresh(conference)))

    ProgrammeItemFactory(conference=conference, title="Nachgetragen")
    assert any(
        "Nachgetragen" in summary for summary in summaries(programme_ical.conference_ical(fresh(conference)))
    )


def test_a_renamed_conference_shows_at_once():
    conference = ConferenceFactory(title="Jahrestagung Alt")
    ProgrammeItemFactory(conference=conference)
    assert "Jahrestagung Alt" in programme_ical.conference_ical(fresh(conference)).decode()

    conference.title = "Jahrestagung Neu"
    conference.save()

    ical = programme_ical.conference_ical(fresh(conference)).decode()
    assert "Jahrestagung Neu" in ical
    assert "Jahrestagung Alt" not in ical


def test_german_and_english_are_cached_separately():
    conference = fresh(ConferenceFactory())
    ProgrammeItemFactory(conference=conference, kind="talk", members_only=True)
    conference = fresh(conference)
    with translation.override("de"):
        german = programme_ical.conference_ical(conference)
    with translation.override("en"):
        english = programme_ical.conference_ical(conference)
    with translation.override("de"):
        assert programme_ical.conference_ical(conference) == german
    assert "nur für Mitglieder" in descriptions(german)
    assert "nur für Mitglieder" not in descriptions(english)
    assert german != english


def test_an_unpublished_programme_is_never_stored(monkeypatch):
    conference = ConferenceFactory(programme_published=False)
    ProgrammeItemFactory(conference=conference, title="Noch geheim")
    stored = []
    monkeypatch.setattr(cache, "set", lambda *args, **kwargs: stored.append(args))

    ical = programme_ical.conference_ical(fresh(conference))

    assert stored == []
    assert summaries(ical) == [conference.title]  # one event for the whole conference


def test_a_draft_conference_is_built_afresh_with_its_programme(monkeypatch):
    conference = ConferenceFactory(status=Conference.Status.DRAFT)
    ProgrammeItemFactory(conference=conference, title="Entwurf")
    stored = []
    monkeypatch.setattr(cache, "set", lambda *args, **kwargs: stored.append(args))

    assert "Entwurf" in summaries(programme_ical.conference_ical(fresh(conference)))[0]
    assert stored == []


def attached_ical(registration):
    return bytes(
        OutgoingMailAttachment.objects.get(
            mail__registration=registration, mail__kind="registration_confirmed", mimetype="text/calendar"
        ).content
    )


def test_the_confirmation_mail_carries_the_current_programme():
    conference = ConferenceFactory()
    item = ProgrammeItemFactory(conference=conference, title="Alter Titel")
    first, _ = lifecycle.register_binding(conference=fresh(conference), data=binding_data(1))
    assert "Alter Titel" in attached_ical(first).decode()

    item.title = "Neuer Titel"
    item.save()
    second, _ = lifecycle.register_binding(conference=fresh(conference), data=binding_data(2))

    assert "Neuer Titel" in attached_ical(second).decode()
    assert "Alter Titel" not in attached_ical(second).decode()


def test_the_confirmation_builds_the_ical_file_before_taking_the_lock(monkeypatch):
    conference = ConferenceFactory()
    ProgrammeItemFactory(conference=conference)
    calls = []
    real_ics, real_lock = confirmations.calendar_programme, lifecycle.lock_conference
    monkeypatch.setattr(lifecycle, "calendar_programme", lambda c: calls.append("ics") or real_ics(c))
    monkeypatch.setattr(lifecycle, "lock_conference", lambda pk: calls.append("lock") or real_lock(pk))

    lifecycle.register_binding(conference=fresh(conference), data=binding_data(1))

    assert calls == ["ics", "lock"]


def test_the_time_zone_of_a_calendar_is_built_once_and_written_as_icalendar_writes_it(monkeypatch):
    """Every binding confirmation carries a calendar: its VTIMEZONE (2.5 ms to build from the
    zoneinfo data) is built once per process, and the file is byte for byte what icalendar's
    add_missing_timezones gives."""
    conference = ConferenceFactory()

    def calendar():
        return icalendar.Calendar.from_ical(programme_ical.conference_calendar(conference, []))

    expected = icalendar.Calendar.from_ical(programme_ical.conference_calendar(conference, []))
    without = icalendar.Calendar()
    for key, value in expected.items():
        without.add(key, value)
    for component in expected.subcomponents:
        if component.name != "VTIMEZONE":
            without.add_component(component)
    without.add_missing_timezones()
    built = []
    real = icalendar.Timezone.from_tzid
    monkeypatch.setattr(programme_ical, "_TIMEZONES", {})
    monkeypatch.setattr(
        icalendar.Timezone, "from_tzid", lambda tzid, **kw: built.append(tzid) or real(tzid, **kw)
    )

    first = programme_ical.conference_calendar(conference, [])
    second = programme_ical.conference_calendar(conference, [])

    assert built == ["Europe/Berlin"]
    assert first == second == without.to_ical()
    assert calendar().timezones[0].tz_name == "Europe/Berlin"

"""Archive and programme page (issue 15, defect 11): /tagungen/, past conferences, the programme's days."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.urls import reverse

from core.formatting import SOFT_HYPHEN, soft_hyphens
from programme.models import ProgrammeItem, WorkshopPhase
from tests.factories import ConferenceFactory, ProgrammeItemFactory, WorkshopPhaseFactory
from tests.programme.test_views import berlin, koeln_2025

pytestmark = pytest.mark.django_db


def test_conference_list_shows_upcoming_and_past(client, django_assert_max_num_queries):
    upcoming = ConferenceFactory(title="Jahrestagung 2027")
    past = koeln_2025()
    past.report = "Ein schöner Bericht."
    past.save()
    with django_assert_max_num_queries(6):
        response = client.get("/tagungen/")
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("programme:conferences") == "/tagungen/"
    assert html.index("Kommende Tagungen") < html.index(upcoming.title) < html.index("Vergangene Tagungen")
    assert html.index("Vergangene Tagungen") < html.index(past.title)
    assert f'href="{past.get_absolute_url()}#report-heading"' in html


def test_conference_list_reads_a_constant_number_of_queries(client, django_assert_num_queries):
    ConferenceFactory()
    koeln_2025()
    client.get("/tagungen/")
    cache.clear()  # the page is rendered, not taken from the page cache (core/pagecache.py)
    # upcoming, past; then what bounds how long the page is kept (conferences' dates, holds)
    with django_assert_num_queries(4):
        client.get("/tagungen/")
    for n in range(3):
        ConferenceFactory(title=f"Weitere {n}")
    with django_assert_num_queries(4):
        client.get("/tagungen/")


def test_past_conference_never_invites_registration_nor_promises_a_programme(client):
    conference = koeln_2025()
    conference.description = "Wir bitten um eine unverbindliche Voranmeldung bis zum 2. Juni 2025."
    conference.save()
    html = client.get(conference.get_absolute_url()).content.decode()
    assert "Voranmeldung bis zum 2. Juni 2025" not in html
    assert "wird noch vorbereitet" not in html
    assert "Unverbindlich voranmelden" not in html
    assert "Diese Tagung hat am 25.09.2025 stattgefunden. Ein Tagungsbericht liegt noch nicht vor." in html
    assert "Für diese Tagung ist kein Programm online veröffentlicht." in html
    programme = client.get(reverse("programme:programme", kwargs={"slug": conference.slug})).content.decode()
    assert "stellt es gerade zusammen" not in programme
    assert "Für diese Tagung ist kein Programm online veröffentlicht." in programme


def programme_with_phase():
    conference = ConferenceFactory(starts_at=berlin(2027, 3, 1, 10, 0), ends_at=berlin(2027, 3, 2, 16, 0))
    phase = WorkshopPhaseFactory(
        conference=conference,
        number=1,
        title="Standortbestimmung",
        guiding_question="Wo stehen wir heute?",
        mode=WorkshopPhase.Mode.GROUPS,
    )
    ProgrammeItemFactory(
        conference=conference,
        kind=ProgrammeItem.Kind.WORKSHOP_PHASE,
        title="1. Arbeitsphase: Standortbestimmung – Wo stehen wir heute?",
        workshop_phase=phase,
        starts_at=berlin(2027, 3, 1, 14, 0),
    )
    ProgrammeItemFactory(
        conference=conference,
        kind=ProgrammeItem.Kind.ASSEMBLY,
        title="Mitgliederversammlung des VSOP",
        starts_at=berlin(2027, 3, 2, 9, 0),
    )
    return conference


def test_programme_prints_each_work_phase_title_once(client):
    conference = programme_with_phase()
    html = client.get(reverse("programme:programme", kwargs={"slug": conference.slug})).content.decode()
    assert html.count("Standortbestimmung") == 1
    assert html.count("Wo stehen wir heute?") == 1


def test_programme_names_the_phase_once_when_the_item_names_it_already(client):
    conference = programme_with_phase()
    phase = conference.workshop_phases.get()
    phase.title = "Standortbestimmung: Sozialplanung in unserer Kommune"
    phase.save()
    html = client.get(reverse("programme:programme", kwargs={"slug": conference.slug})).content.decode()
    assert html.count("1. Arbeitsphase") == 1
    assert (
        '<span class="fw-semibold">Thema:</span> Standortbestimmung: Sozialplanung in unserer Kommune' in html
    )


def test_programme_has_a_jump_to_day_navigation(client):
    conference = programme_with_phase()
    html = client.get(reverse("programme:programme", kwargs={"slug": conference.slug})).content.decode()
    assert 'aria-label="Zu einem Tag springen"' in html
    assert 'href="#day-1">Mo, 01.03.</a>' in html
    assert 'href="#day-2">Di, 02.03.</a>' in html
    assert 'id="day-2"' in html


def test_kind_labels_break_only_between_word_parts(client):
    assert soft_hyphens("Mitgliederversammlung") == f"Mitglieder{SOFT_HYPHEN}versammlung"
    assert soft_hyphens("Abendveranstaltung") == f"Abend{SOFT_HYPHEN}veranstaltung"
    assert soft_hyphens("Plenum / Zusammenfassung") == f"Plenum / Zusammen{SOFT_HYPHEN}fassung"
    assert soft_hyphens("Vortrag") == "Vortrag"
    conference = programme_with_phase()
    html = client.get(reverse("programme:programme", kwargs={"slug": conference.slug})).content.decode()
    assert f'<p class="kind-label mb-0">Mitglieder{SOFT_HYPHEN}versammlung</p>' in html


def test_single_day_programme_needs_no_day_navigation(client):
    conference = ConferenceFactory()
    ProgrammeItemFactory(conference=conference, starts_at=conference.starts_at + dt.timedelta(hours=1))
    html = client.get(reverse("programme:programme", kwargs={"slug": conference.slug})).content.decode()
    assert "Zu einem Tag springen" not in html


def test_a_past_conference_shows_its_report_on_its_own_page_and_no_invitation(client):
    conference = koeln_2025()
    conference.description = "Wir bitten um eine unverbindliche Voranmeldung bis zum 2. Juni 2025."
    conference.report = (
        "Rund 80 Sozialplanerinnen und Sozialplaner diskutierten in Köln.\n\nDie Folien folgen."
    )
    conference.save()
    html = client.get(conference.get_absolute_url()).content.decode()
    report = html[html.index('id="report-heading"') :]
    assert "Tagungsbericht" in report[:100]
    assert "<p>Rund 80 Sozialplanerinnen und Sozialplaner diskutierten in Köln.</p>" in report
    assert "<p>Die Folien folgen.</p>" in report
    assert "Ein Tagungsbericht liegt noch nicht vor" not in html
    assert "Voranmeldung bis zum 2. Juni 2025" not in html
    assert "Unverbindlich voranmelden" not in html

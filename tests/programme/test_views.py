import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import icalendar
import pytest
import time_machine
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from programme import views
from programme.models import Appearance, Conference, ProgrammeItem, SitePage, WorkshopPhase
from tests.factories import (
    AppearanceFactory,
    ConferenceFactory,
    PersonFactory,
    ProgrammeItemFactory,
    WorkshopFactory,
    WorkshopModeratorFactory,
    WorkshopPhaseFactory,
)

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")


def berlin(*args):
    return dt.datetime(*args, tzinfo=BERLIN)


def koeln_2025():
    """The 'Kleine Jahrestagung' 2025 as announced."""
    return ConferenceFactory(
        title="Kleine Jahrestagung 2025",
        slug="kleine-jahrestagung-2025",
        motto="Integrierte Sozialplanung zwischen Anspruch, Praxis und gesellschaftlicher Polarisierung",
        city="Köln",
        starts_at=berlin(2025, 9, 25, 10, 0),
        ends_at=berlin(2025, 9, 26, 14, 0),
        member_fee=Decimal("250.00"),
        non_member_fee=Decimal("300.00"),
        pre_registration_deadline=dt.date(2025, 6, 2),
        registration_deadline=dt.date(2025, 7, 4),
        places=40,
        programme_published=False,
    )


def leipzig_2022():
    """Part of the 2022 Leipzig programme: opening day with talks, a phase in groups and a members' evening."""
    conference = ConferenceFactory(
        title="Jahrestagung 2022",
        slug="jahrestagung-2022",
        motto="Integrierte Sozialplanung für kreisfreie Städte und Gemeinden",
        city="Leipzig",
        venue_name="Kongresshalle am Zoo",
        starts_at=berlin(2022, 3, 28, 12, 0),
        ends_at=berlin(2022, 3, 30, 16, 0),
        report="Vom 28.03.2022 bis zum 30.03.2022 fand die Jahrestagung statt.\n\nEin zweiter Absatz.",
    )
    heintze = PersonFactory(
        academic_title="Prof. Dr. phil.",
        first_name="Isolde",
        last_name="Heintze",
        organisation="Hochschule Mittweida",
    )
    talk = ProgrammeItemFactory(
        conference=conference,
        kind=ProgrammeItem.Kind.TALK,
        title="Operativ planen und gestalten",
        starts_at=berlin(2022, 3, 28, 14, 0),
        ends_at=berlin(2022, 3, 28, 15, 0),
        room="Weißer Saal",
    )
    AppearanceFactory(item=talk, person=heintze, role=Appearance.Role.SPEAKER)
    phase_1 = WorkshopPhaseFactory(
        conference=conference,
        number=1,
        title="Standortbestimmung zur Sozialplanung",
        guiding_question="Wo stehen wir heute?",
        mode=WorkshopPhase.Mode.GROUPS,
    )
    ProgrammeItemFactory(
        conference=conference,
        kind=ProgrammeItem.Kind.WORKSHOP_PHASE,
        title="Workshop-Arbeit in Gruppen",
        starts_at=berlin(2022, 3, 28, 15, 30),
        ends_at=berlin(2022, 3, 28, 17, 30),
        workshop_phase=phase_1,
    )
    ProgrammeItemFactory(
        conference=conference,
        kind=ProgrammeItem.Kind.EVENING,
        title="30 Jahre VSOP im Auerbachs Keller",
        starts_at=berlin(2022, 3, 28, 19, 0),
        ends_at=None,
        members_only=True,
    )
    phase_2 = WorkshopPhaseFactory(
        conference=conference, number=2, title="Was entwickelt sich?", mode=WorkshopPhase.Mode.CHOOSE
    )
    ProgrammeItemFactory(
        conference=conference,
        kind=ProgrammeItem.Kind.WORKSHOP_PHASE,
        title="Parallele Workshops",
        starts_at=berlin(2022, 3, 29, 10, 0),
        ends_at=berlin(2022, 3, 29, 13, 0),
        workshop_phase=phase_2,
    )
    workshop = WorkshopFactory(
        phase=phase_2,
        title="Integrierte Sozialplanung als Mehrwert für Landkreise",
        room="Raum 2",
        seat_limit=25,
    )
    WorkshopModeratorFactory(
        workshop=workshop,
        person=PersonFactory(
            academic_title="Dr.",
            first_name="Klaus",
            last_name="Schulenburg",
            organisation="Bayerischer Landkreistag",
        ),
    )
    phase_4 = WorkshopPhaseFactory(
        conference=conference,
        number=4,
        title="Reflexion vor Ort",
        mode=WorkshopPhase.Mode.GROUPS,
        reuses_groups_of=phase_1,
    )
    ProgrammeItemFactory(
        conference=conference,
        kind=ProgrammeItem.Kind.WORKSHOP_PHASE,
        title="Diskussion in den Gruppen",
        starts_at=berlin(2022, 3, 30, 9, 15),
        ends_at=berlin(2022, 3, 30, 11, 0),
        workshop_phase=phase_4,
    )
    return conference


# Home


def test_home_shows_next_conference_prominently_and_past_ones_in_the_archive(client):
    next_one = ConferenceFactory(title="Jahrestagung Nächste", motto="Sozialplanung heute")
    later = ConferenceFactory(title="Jahrestagung Später", starts_at=timezone.now() + dt.timedelta(days=300))
    past = ConferenceFactory(
        title="Jahrestagung Vergangen",
        starts_at=berlin(2022, 3, 28, 12, 0),
        ends_at=berlin(2022, 3, 30, 16, 0),
    )

    response = client.get("/")

    assert response.status_code == 200
    assert response.context["next_conference"] == next_one
    assert response.context["other_upcoming"] == [later]
    assert response.context["past_conferences"] == [past]
    html = response.content.decode()
    assert "Sozialplanung heute" in html
    assert "Noch 50 Plätze frei" in html
    assert f'href="{past.get_absolute_url()}"' in html
    assert "Vergangene Tagungen" in html


@time_machine.travel(dt.datetime(2025, 5, 1, 12, 0, tzinfo=BERLIN), tick=False)
def test_home_shows_dates_and_pre_registration_deadline_in_german_format(client):
    koeln_2025()

    html = client.get("/").content.decode()

    assert "25.09.2025 10:00 – 26.09.2025 14:00" in html
    assert "Voranmeldung bis 02.06.2025" in html


def test_home_marks_a_demo_conference(client):
    ConferenceFactory(is_demo=True)

    html = client.get("/").content.decode()

    assert '<span class="badge badge-demo ms-2">Demo</span>' in html
    assert "Dies ist eine Demo-Tagung" in html


def test_home_hides_drafts(client):
    ConferenceFactory(title="Geheimer Entwurf", status=Conference.Status.DRAFT)

    html = client.get("/").content.decode()

    assert "Geheimer Entwurf" not in html
    assert "Derzeit ist keine Tagung angekündigt" in html


def test_home_runs_a_constant_number_of_queries(client, django_assert_num_queries):
    ConferenceFactory()
    # conferences, past conferences, held places of the next one; then what bounds how long
    # the page cache keeps the page (conferences' dates, holds: core/pagecache.py)
    with django_assert_num_queries(5):
        client.get("/")

    ConferenceFactory.create_batch(3)
    ConferenceFactory.create_batch(3, starts_at=berlin(2020, 3, 1, 10, 0))
    with django_assert_num_queries(5):  # rendered afresh: the new conferences invalidated the page
        client.get("/")


def test_base_template_has_language_switch_skip_link_and_legal_links(client):
    html = client.get("/").content.decode()

    assert '<html lang="de">' in html
    assert f'action="{reverse("set_language")}" method="get"' in html
    assert "csrfmiddlewaretoken" not in html
    assert 'href="#main"' in html
    assert f'href="{reverse("programme:page", kwargs={"slug": "datenschutz"})}"' in html
    assert f'href="{reverse("programme:page", kwargs={"slug": "impressum"})}"' in html
    assert html.count("<h1") == 1
    assert "<script>" not in html
    assert " style=" not in html


# Conference page


@time_machine.travel(dt.datetime(2025, 5, 1, 12, 0, tzinfo=BERLIN), tick=False)
def test_conference_page_shows_fees_deadlines_and_next_step(client):
    conference = koeln_2025()

    response = client.get(conference.get_absolute_url())

    assert response.status_code == 200
    html = response.content.decode()
    assert "250,00\u00a0€" in html
    assert "300,00\u00a0€" in html
    assert "02.06.2025" in html
    assert "04.07.2025" in html
    assert "Donnerstag, 25.09.2025, 10:00 Uhr" in html
    assert "Freitag, 26.09.2025, 14:00 Uhr" in html
    assert "Noch 40 Plätze frei" in html
    assert 'href="mailto:geschaeftsstelle@vsop.de"' in html
    assert "Unverbindlich voranmelden" in html
    assert f'action="{reverse("registrations:pre_register", kwargs={"slug": conference.slug})}"' in html
    assert "programme/_next_step.html" in [t.name for t in response.templates]
    assert reverse("programme:programme_ical", kwargs={"slug": conference.slug}) in html


def test_past_conference_page_shows_report_instead_of_next_step(client):
    conference = leipzig_2022()

    response = client.get(conference.get_absolute_url())

    html = response.content.decode()
    assert "Vergangene Tagung" in html
    assert "<p>Vom 28.03.2022 bis zum 30.03.2022 fand die Jahrestagung statt.</p>" in html
    assert "<p>Ein zweiter Absatz.</p>" in html
    assert "programme/_next_step.html" not in [t.name for t in response.templates]


def test_draft_conference_is_not_found_for_the_public(client):
    draft = ConferenceFactory(status=Conference.Status.DRAFT)

    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(reverse("programme:programme", kwargs={"slug": draft.slug})).status_code == 404
    assert client.get(reverse("programme:programme_ical", kwargs={"slug": draft.slug})).status_code == 404


def test_draft_conference_can_be_previewed_by_staff(admin_client):
    draft = ConferenceFactory(title="Tagung im Entwurf", status=Conference.Status.DRAFT)

    response = admin_client.get(draft.get_absolute_url())

    assert response.status_code == 200
    html = response.content.decode()
    assert "Tagung im Entwurf" in html
    assert "Vorschau: Diese Tagung ist ein Entwurf" in html


def test_unknown_conference_shows_the_german_404_page(client):
    response = client.get("/tagungen/gibt-es-nicht/")

    assert response.status_code == 404
    assert "404.html" in [t.name for t in response.templates]
    assert "Diese Seite gibt es nicht" in response.content.decode()


def test_conference_title_with_markup_is_escaped(client):
    conference = ConferenceFactory(
        title="<script>alert(1)</script>", description="<b>fett</b>\n\nzweiter Absatz"
    )

    html = client.get(conference.get_absolute_url()).content.decode()
    home = client.get("/").content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<p>&lt;b&gt;fett&lt;/b&gt;</p>" in html
    assert "<script>alert(1)</script>" not in home


# Programme page


def test_programme_page_groups_items_by_day_in_time_order(client):
    conference = leipzig_2022()

    response = client.get(reverse("programme:programme", kwargs={"slug": conference.slug}))

    assert response.status_code == 200
    days = response.context["days"]
    assert [day.date for day in days] == [dt.date(2022, 3, 28), dt.date(2022, 3, 29), dt.date(2022, 3, 30)]
    assert [item.title for item in days[0].items] == [
        "Operativ planen und gestalten",
        "Workshop-Arbeit in Gruppen",
        "30 Jahre VSOP im Auerbachs Keller",
    ]
    html = response.content.decode()
    assert "Montag, 28.03.2022" in html
    assert "Dienstag, 29.03.2022" in html
    assert "Mittwoch, 30.03.2022" in html
    assert (
        html.index("Montag, 28.03.2022")
        < html.index("Dienstag, 29.03.2022")
        < html.index("Mittwoch, 30.03.2022")
    )
    assert "14:00 – 15:00" in html


def test_programme_page_shows_people_with_title_and_organisation(client):
    conference = leipzig_2022()

    html = client.get(reverse("programme:programme", kwargs={"slug": conference.slug})).content.decode()

    assert "Prof. Dr. phil. Isolde Heintze, Hochschule Mittweida" in html
    assert "Dr. Klaus Schulenburg, Bayerischer Landkreistag" in html


def test_programme_page_explains_workshop_phases(client):
    conference = leipzig_2022()

    html = client.get(reverse("programme:programme", kwargs={"slug": conference.slug})).content.decode()

    assert "Wo stehen wir heute?" in html
    assert "Diskussionsgruppen (zufällig zugeteilt)" in html
    assert "Wahl eines Workshops" in html
    assert "in den Gruppen der 1. Arbeitsphase" in html
    assert "Integrierte Sozialplanung als Mehrwert für Landkreise" in html
    assert "Raum: Raum 2 · 25 Plätze" in html


def test_programme_page_marks_members_only_events(client):
    conference = leipzig_2022()

    html = client.get(reverse("programme:programme", kwargs={"slug": conference.slug})).content.decode()

    evening = html.index("30 Jahre VSOP im Auerbachs Keller")
    assert "nur für Mitglieder" in html[evening : evening + 300]


def test_unpublished_programme_says_so_and_shows_no_items(client):
    conference = ConferenceFactory(programme_published=False)
    ProgrammeItemFactory(conference=conference, title="Geheimer Vortrag")

    response = client.get(reverse("programme:programme", kwargs={"slug": conference.slug}))

    html = response.content.decode()
    assert "Das ausführliche Programm ist noch nicht veröffentlicht." in html
    assert "Geheimer Vortrag" not in html
    assert response.context["days_html"] == ""


def test_unpublished_programme_can_be_previewed_by_staff(admin_client):
    conference = ConferenceFactory(programme_published=False)
    ProgrammeItemFactory(conference=conference, title="Vortrag in Vorbereitung")

    html = admin_client.get(reverse("programme:programme", kwargs={"slug": conference.slug})).content.decode()

    assert "Vortrag in Vorbereitung" in html
    assert "Vorschau: Das Programm ist noch nicht veröffentlicht" in html


def _add_workshop_item(conference, *, hour, workshops, moderators_per_workshop, people):
    phase = WorkshopPhaseFactory(conference=conference)
    item = ProgrammeItemFactory(
        conference=conference,
        kind=ProgrammeItem.Kind.WORKSHOP_PHASE,
        workshop_phase=phase,
        starts_at=conference.starts_at.replace(hour=hour),
    )
    for _ in range(people):
        AppearanceFactory(item=item)
    for _ in range(workshops):
        workshop = WorkshopFactory(phase=phase)
        for _ in range(moderators_per_workshop):
            WorkshopModeratorFactory(workshop=workshop)


def test_programme_page_runs_the_same_number_of_queries_for_small_and_big_programmes(
    client, django_assert_num_queries
):
    small = ConferenceFactory()
    _add_workshop_item(small, hour=10, workshops=1, moderators_per_workshop=1, people=1)
    big = ConferenceFactory()
    for hour in range(9, 18):
        _add_workshop_item(big, hour=hour, workshops=3, moderators_per_workshop=2, people=2)
    talk = ProgrammeItemFactory(conference=big, starts_at=big.starts_at + dt.timedelta(days=1))
    AppearanceFactory(item=talk)

    # conference, items, appearances with people, workshops, moderators with people, discussion
    # groups; then what bounds how long the page cache keeps the page (conferences' dates, holds)
    with django_assert_num_queries(8):
        client.get(reverse("programme:programme", kwargs={"slug": small.slug}))
    with django_assert_num_queries(8):
        response = client.get(reverse("programme:programme", kwargs={"slug": big.slug}))
    assert sum(len(day.items) for day in response.context["days"]) == 10


# iCal


def test_ical_has_one_event_per_programme_item_with_berlin_times(client):
    conference = leipzig_2022()

    response = client.get(reverse("programme:programme_ical", kwargs={"slug": conference.slug}))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="jahrestagung-2022.ics"'
    calendar = icalendar.Calendar.from_ical(response.content)
    events = calendar.walk("VEVENT")
    assert len(events) == 5
    talk = next(event for event in events if str(event["SUMMARY"]).startswith("Operativ planen"))
    assert talk.decoded("DTSTART") == berlin(2022, 3, 28, 14, 0)
    assert talk.decoded("DTEND") == berlin(2022, 3, 28, 15, 0)
    assert talk["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert str(talk["LOCATION"]) == "Weißer Saal, Kongresshalle am Zoo, Leipzig"
    assert "Prof. Dr. phil. Isolde Heintze, Hochschule Mittweida" in str(talk["DESCRIPTION"])
    item = ProgrammeItem.objects.get(title="Operativ planen und gestalten")
    assert str(talk["UID"]) == f"item-{item.pk}@vsop-events"
    assert calendar.walk("VTIMEZONE")


def test_ical_without_published_programme_has_one_event_for_the_whole_conference(client):
    conference = koeln_2025()
    ProgrammeItemFactory(conference=conference, title="Noch geheim")

    response = client.get(reverse("programme:programme_ical", kwargs={"slug": conference.slug}))

    events = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert len(events) == 1
    assert str(events[0]["SUMMARY"]) == "Kleine Jahrestagung 2025"
    assert events[0].decoded("DTSTART") == berlin(2025, 9, 25, 10, 0)
    assert events[0].decoded("DTEND") == berlin(2025, 9, 26, 14, 0)
    assert str(events[0]["UID"]) == f"conference-{conference.pk}@vsop-events"


def test_ical_runs_a_constant_number_of_queries(client, django_assert_num_queries):
    small = ConferenceFactory()
    _add_workshop_item(small, hour=10, workshops=1, moderators_per_workshop=1, people=1)
    big = ConferenceFactory()
    for hour in range(9, 15):
        _add_workshop_item(big, hour=hour, workshops=2, moderators_per_workshop=2, people=2)

    with django_assert_num_queries(5):
        client.get(reverse("programme:programme_ical", kwargs={"slug": small.slug}))
    with django_assert_num_queries(5):
        client.get(reverse("programme:programme_ical", kwargs={"slug": big.slug}))


# Site pages and errors


def test_site_page_shows_title_and_escaped_body_as_paragraphs(client):
    SitePage.objects.create(
        slug="impressum", title="Impressum", body="Verein für Sozialplanung e.V.\n\n<i>Vorstand</i>"
    )

    response = client.get(reverse("programme:page", kwargs={"slug": "impressum"}))

    html = response.content.decode()
    assert '<h1 class="mb-4">Impressum</h1>' in html
    assert "<p>Verein für Sozialplanung e.V.</p>" in html
    assert "<p>&lt;i&gt;Vorstand&lt;/i&gt;</p>" in html


def test_missing_site_page_is_not_found(client):
    assert client.get(reverse("programme:page", kwargs={"slug": "datenschutz"})).status_code == 404


@pytest.mark.django_db(databases=[])
def test_server_error_page_renders_without_database_or_context_processors():
    response = views.server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    assert "Ein Fehler ist aufgetreten" in response.content.decode()

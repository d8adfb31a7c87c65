"""What the demo holds (programme/demo/): Leipzig 2022 as its report tells it, Köln 2025 as announced,
the demo conference modelled on 2022. The data is loaded once for this module; how loading behaves
(twice, repairs, dates, pages, the office account) is tests/programme/test_demo.py."""

import datetime as dt
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from programme.models import Appearance, Conference, ProgrammeItem, WorkshopPhase

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")


def moderators(workshop):
    return [str(person) for person in workshop.moderators.order_by("workshopmoderator__order")]


@pytest.fixture(scope="module", autouse=True)
def _demo_loaded(django_db_setup, django_db_blocker):
    """Every test here reads the loaded demo: loaded once, and each test rolls back to it in a
    savepoint of this transaction (as with Django's TestCase.setUpTestData)."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def leipzig():
    return Conference.objects.get(slug="jahrestagung-2022-leipzig")


def test_leipzig_is_a_past_published_conference_with_its_report(leipzig):
    assert leipzig.title == "Jahrestagung 2022"
    assert leipzig.motto == "Integrierte Sozialplanung für kreisfreie Städte und Gemeinden"
    assert leipzig.venue_name == "Kongresshalle am Zoo Leipzig"
    assert leipzig.starts_at == dt.datetime(2022, 3, 28, 12, 0, tzinfo=BERLIN)
    assert leipzig.ends_at == dt.datetime(2022, 3, 30, 16, 0, tzinfo=BERLIN)
    assert leipzig.status == Conference.Status.PUBLISHED
    assert leipzig.programme_published is True
    assert leipzig.is_past is True
    assert leipzig in Conference.objects.past()
    assert len(leipzig.report.split("\n\n")) >= 5


def test_leipzig_programme_spans_three_days(leipzig):
    days = {timezone.localtime(item.starts_at).date() for item in leipzig.programme_items.all()}
    assert days == {dt.date(2022, 3, 28), dt.date(2022, 3, 29), dt.date(2022, 3, 30)}


def test_leipzig_first_day_follows_the_report(leipzig):
    day_one = [
        (f"{timezone.localtime(item.starts_at):%H:%M}", item.kind)
        for item in leipzig.programme_items.filter(starts_at__date=dt.date(2022, 3, 28))
    ]
    assert day_one == [
        ("12:00", ProgrammeItem.Kind.BREAK),
        ("13:00", ProgrammeItem.Kind.WELCOME),
        ("13:15", ProgrammeItem.Kind.TALK),
        ("14:05", ProgrammeItem.Kind.TALK),
        ("15:00", ProgrammeItem.Kind.BREAK),
        ("15:30", ProgrammeItem.Kind.WORKSHOP_PHASE),
        ("19:00", ProgrammeItem.Kind.EVENING),
    ]
    welcome = leipzig.programme_items.get(starts_at=dt.datetime(2022, 3, 28, 13, 0, tzinfo=BERLIN))
    assert [str(p) for p in welcome.people.order_by("appearance__order")] == [
        "Dr. Ingo Gottschalk",
        "Prof. Dr. phil. Isolde Heintze",
    ]


def test_leipzig_talks_have_their_speakers(leipzig):
    talks = {
        item.title: [p.display_with_organisation for p in item.people.all()]
        for item in leipzig.programme_items.filter(kind=ProgrammeItem.Kind.TALK)
    }
    assert talks == {
        "Integrierte Sozialplanung als Herausforderung in und zwischen Kreisen, Städten und Gemeinden": [
            "Prof. Dr. Holger Wunderlich, Ostfalia Hochschule für angewandte Wissenschaften"
        ],
        "Operativ planen und gestalten. Wie kann integrierte Sozialplanung in Landkreisen gelingen?": [
            "Prof. Dr. phil. Isolde Heintze, Hochschule Mittweida"
        ],
    }
    assert Appearance.objects.filter(item__conference=leipzig, role=Appearance.Role.SPEAKER).count() == 2


def test_leipzig_has_four_phases_with_six_and_five_workshops(leipzig):
    phases = list(leipzig.workshop_phases.order_by("number"))
    assert [(p.number, p.mode, p.workshops.count()) for p in phases] == [
        (1, WorkshopPhase.Mode.GROUPS, 0),
        (2, WorkshopPhase.Mode.CHOOSE, 6),
        (3, WorkshopPhase.Mode.CHOOSE, 5),
        (4, WorkshopPhase.Mode.GROUPS, 0),
    ]
    assert phases[0].guiding_question == "Wo stehen wir heute?"
    assert phases[3].reuses_groups_of == phases[0]
    assert all(w.seat_limit == 20 for p in phases for w in p.workshops.all())


def test_every_leipzig_phase_has_its_programme_item(leipzig):
    for phase in leipzig.workshop_phases.all():
        assert phase.programme_item.kind == ProgrammeItem.Kind.WORKSHOP_PHASE
        assert phase.programme_item.conference == leipzig
        assert phase.programme_item.title.startswith(f"{phase.number}. Arbeitsphase: ")
    times = [
        (
            f"{timezone.localtime(p.programme_item.starts_at):%d.%m. %H:%M}",
            f"{timezone.localtime(p.programme_item.ends_at):%H:%M}",
        )
        for p in leipzig.workshop_phases.order_by("number")
    ]
    assert times == [
        ("28.03. 15:30", "17:30"),
        ("29.03. 10:00", "13:00"),
        ("29.03. 14:00", "17:00"),
        ("30.03. 09:15", "11:00"),
    ]


def test_leipzig_workshops_have_the_moderators_of_the_report(leipzig):
    second = leipzig.workshop_phases.get(number=2).workshops.all()
    third = leipzig.workshop_phases.get(number=3).workshops.all()
    assert [moderators(w) for w in second] == [
        ["Dr. Klaus Schulenburg"],
        ["Gabriele Reichhardt", "Jan Peter"],
        ["Katja de Jong"],
        ["Dr. Marius Otto"],
        ["Prof. Dr. phil. Isolde Heintze", "Friederike Haubold", "Tabea Esche"],
        ["Anke Niederschulte"],
    ]
    assert [moderators(w) for w in third] == [
        ["Andrea Roskosch-Schenker"],
        ["Volker Kersting", "Monika Bradna"],
        ["Daniela Jeksties", "Christina Hammer"],
        ["Richard Förg"],
        ["Tabea Esche", "Friederike Haubold"],
    ]
    schulenburg = second[0].moderators.get()
    assert schulenburg.organisation == "Bayerischer Landkreistag"
    assert third[0].moderators.get().organisation == "Dornbirn (Österreich)"


def test_isolde_heintze_is_one_person_as_speaker_and_moderator(leipzig):
    heintze = apps.get_model("programme", "Person").objects.get(first_name="Isolde", last_name="Heintze")
    assert heintze.display_with_organisation == "Prof. Dr. phil. Isolde Heintze, Hochschule Mittweida"
    assert heintze.moderated_workshops.count() == 1
    assert heintze.appearances.count() == 2  # welcome and talk


def test_leipzig_evenings_and_assembly(leipzig):
    anniversary = leipzig.programme_items.get(title__startswith="30 Jahre VSOP")
    assert anniversary.members_only is True
    assert anniversary.requires_signup is True
    assert anniversary.room == "Auerbachs Keller, Leipzig"
    wenzel = leipzig.programme_items.get(title="Ausklang im Restaurant „Wenzel“")
    assert wenzel.members_only is False
    assembly = leipzig.programme_items.get(kind=ProgrammeItem.Kind.ASSEMBLY)
    assert assembly.title == "Mitgliederversammlung mit Vorstandswahl"
    assert (timezone.localtime(assembly.starts_at), timezone.localtime(assembly.ends_at)) == (
        dt.datetime(2022, 3, 30, 13, 0, tzinfo=BERLIN),
        dt.datetime(2022, 3, 30, 16, 0, tzinfo=BERLIN),
    )


def test_koeln_has_the_facts_of_the_announcement():
    koeln = Conference.objects.get(slug="kleine-jahrestagung-2025-koeln")
    assert koeln.title == "Kleine Jahrestagung 2025"
    assert (
        koeln.motto
        == "Integrierte Sozialplanung zwischen Anspruch, Praxis und gesellschaftlicher Polarisierung"
    )
    assert koeln.city == "Köln"
    assert koeln.starts_at == dt.datetime(2025, 9, 25, 10, 0, tzinfo=BERLIN)
    assert koeln.ends_at == dt.datetime(2025, 9, 26, 14, 0, tzinfo=BERLIN)
    assert koeln.member_fee == Decimal("250.00")
    assert koeln.non_member_fee == Decimal("300.00")
    assert str(koeln.member_fee) == "250.00"
    assert koeln.pre_registration_deadline == dt.date(2025, 6, 2)
    assert koeln.registration_deadline == dt.date(2025, 7, 4)
    assert koeln.contact_email == "geschaeftsstelle@vsop.de"
    assert koeln.places == 60
    assert koeln.status == Conference.Status.PUBLISHED
    assert koeln.programme_published is False
    assert koeln.programme_items.count() == 0


def test_demo_conference_is_upcoming_and_marked_as_demo():
    demo = Conference.objects.get(slug="demo-jahrestagung")
    today = timezone.localdate()
    assert demo.is_demo is True
    assert demo in Conference.objects.upcoming()
    assert demo.title == f"Demo-Jahrestagung {timezone.localtime(demo.starts_at).year}"
    assert timezone.localtime(demo.starts_at).date() == today + dt.timedelta(days=90)
    assert f"{timezone.localtime(demo.starts_at):%H:%M}" == "10:00"
    assert demo.pre_registration_deadline == today + dt.timedelta(days=40)
    assert demo.registration_deadline == today + dt.timedelta(days=60)
    assert (demo.places, demo.member_fee, demo.non_member_fee) == (120, Decimal("250.00"), Decimal("300.00"))
    assert demo.programme_published is True


def test_demo_programme_is_modelled_on_2022():
    demo = Conference.objects.get(slug="demo-jahrestagung")
    phases = list(demo.workshop_phases.order_by("number"))
    assert [p.mode for p in phases] == ["groups", "choose", "choose", "groups"]
    assert phases[3].reuses_groups_of == phases[0]
    assert all(4 <= p.workshops.count() <= 6 for p in phases[1:3])
    workshops = [w for p in phases[1:3] for w in p.workshops.all()]
    assert all(w.seat_limit and w.moderators.exists() for w in workshops)
    evenings = demo.programme_items.filter(kind=ProgrammeItem.Kind.EVENING)
    assert sorted((e.members_only, e.requires_signup) for e in evenings) == [(False, True), (True, True)]
    assert demo.programme_items.filter(kind=ProgrammeItem.Kind.ASSEMBLY).count() == 1
    assert demo.programme_items.filter(kind=ProgrammeItem.Kind.TALK).exclude(people=None).count() == 2
    days = {timezone.localtime(item.starts_at).date() for item in demo.programme_items.all()}
    assert len(days) == 3


def test_office_can_open_the_loaded_conferences_in_the_admin(admin_client, leipzig):
    for conference in Conference.objects.all():
        response = admin_client.get(reverse("admin:programme_conference_change", args=[conference.pk]))
        assert response.status_code == 200
    phase = leipzig.workshop_phases.get(number=2)
    response = admin_client.get(reverse("admin:programme_workshopphase_change", args=[phase.pk]))
    assert "Integrierte Sozialplanung als Mehrwert für Landkreise" in response.content.decode()

"""The office copies a conference in the admin, reviews what was copied, and finds every setting on the form."""

import datetime as dt

import pytest
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from programme.models import Conference, ProgrammeItem, Workshop, WorkshopPhase
from registrations.office.roles import OFFICE, ORGANISATION
from tests.factories import (
    ConferenceFactory,
    ProgrammeItemFactory,
    StaffFactory,
    WorkshopFactory,
    WorkshopPhaseFactory,
)

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:programme_conference_changelist"

# Conference fields the office does not edit on the conference form, and why.
NOT_ON_THE_FORM = {
    "id": "the database's key",
    "created_at": "set when the conference is created (shown read-only)",
    "updated_at": "set on every save (shown read-only)",
    "needs_review": "cleared by saving the form; shown as a badge in the list",
}


@pytest.fixture
def office(client):
    client.force_login(StaffFactory(roles=[OFFICE]))
    return client


@pytest.fixture
def source():
    berlin = timezone.get_current_timezone()
    conference = ConferenceFactory(
        title="Jahrestagung 2025",
        slug="jahrestagung-2025",
        city="Köln",
        starts_at=dt.datetime(2025, 9, 25, 10, 0, tzinfo=berlin),  # a Thursday
        ends_at=dt.datetime(2025, 9, 26, 16, 0, tzinfo=berlin),
        registration_deadline=dt.date(2025, 8, 31),
    )
    phase = WorkshopPhaseFactory(conference=conference, number=1)
    WorkshopFactory(phase=phase, title="Sozialdaten im Quartier", room="Raum 1", seat_limit=20)
    ProgrammeItemFactory(conference=conference, kind=ProgrammeItem.Kind.EVENING, title="Abend am Rhein")
    return conference


def post_action(client, conference, **data):
    return client.post(
        reverse(CHANGELIST),
        {"action": "copy_conference_action", ACTION_CHECKBOX_NAME: [conference.pk], **data},
    )


def test_copy_action_first_asks_title_address_and_date(office, source):
    response = post_action(office, source)

    assert response.status_code == 200
    content = response.content.decode()
    assert "Tagung kopieren" in content
    assert 'value="Jahrestagung 2026"' in content
    assert 'value="jahrestagung-2026"' in content
    assert "Donnerstag, 24.09.2026" in content  # 52 weeks later, the same weekday
    assert "Abendveranstaltung" in content
    assert "Rechnungen" in content  # says what is not copied
    assert Conference.objects.count() == 1


def test_copy_action_creates_the_copy_and_opens_it(office, source):
    response = post_action(
        office, source, apply="1", title="Jahrestagung 2026", slug="jahrestagung-2026", shift="same_weekday"
    )

    new = Conference.objects.get(slug="jahrestagung-2026")
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:programme_conference_change", args=[new.pk])
    assert timezone.localtime(new.starts_at) == dt.datetime(
        2026, 9, 24, 10, 0, tzinfo=timezone.get_current_timezone()
    )
    assert new.registration_deadline == dt.date(2026, 8, 30)
    assert new.status == Conference.Status.DRAFT
    assert Workshop.objects.get(phase__conference=new).room == "Raum 1"
    message = str(list(response.wsgi_request._messages)[0])
    assert "„Jahrestagung 2026“ ist als Entwurf angelegt (alle Termine +364 Tage)" in message
    assert "Übernommen: Arbeitsphasen (1), Workshops (1), Programmpunkte (1)." in message


def test_copy_to_a_new_start_date_moves_everything_by_that_many_days(office, source):
    post_action(
        office,
        source,
        apply="1",
        title="Kleine Jahrestagung 2026",
        slug="kleine-jahrestagung-2026",
        shift="other_date",
        starts_on="2026-05-07",
    )

    new = Conference.objects.get(slug="kleine-jahrestagung-2026")
    assert timezone.localdate(new.starts_at) == dt.date(2026, 5, 7)
    assert new.registration_deadline == dt.date(2025, 8, 31) + (dt.date(2026, 5, 7) - dt.date(2025, 9, 25))


def test_copy_without_a_date_asks_for_it_and_creates_nothing(office, source):
    response = post_action(
        office, source, apply="1", title="Jahrestagung 2026", slug="jahrestagung-2026", shift="other_date"
    )

    assert response.status_code == 200
    assert "Bitte geben Sie den Beginn der neuen Tagung an." in response.content.decode()
    assert Conference.objects.count() == 1


def test_copy_to_a_taken_address_is_refused_next_to_the_field(office, source):
    response = post_action(
        office, source, apply="1", title="Jahrestagung 2026", slug="jahrestagung-2025", shift="same_date"
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert "Diesen Kurznamen hat schon eine Tagung." in content
    assert 'value="Jahrestagung 2026"' in content  # nothing typed is lost
    assert Conference.objects.count() == 1


def test_copy_of_two_conferences_at_once_is_refused(office, source):
    other = ConferenceFactory()
    response = office.post(
        reverse(CHANGELIST),
        {"action": "copy_conference_action", ACTION_CHECKBOX_NAME: [source.pk, other.pk]},
        follow=True,
    )

    assert "Bitte wählen Sie genau eine Tagung zum Kopieren aus." in response.content.decode()
    assert Conference.objects.count() == 2


def test_organisers_cannot_copy_a_conference(client, source):
    client.force_login(StaffFactory(roles=[ORGANISATION]))
    response = client.get(reverse(CHANGELIST))
    assert "copy_conference_action" not in response.content.decode()


def copied(office, source):
    post_action(
        office, source, apply="1", title="Jahrestagung 2026", slug="jahrestagung-2026", shift="same_date"
    )
    return Conference.objects.get(slug="jahrestagung-2026")


def test_copied_items_show_a_badge_and_can_be_filtered(office, source):
    new = copied(office, source)

    response = office.get(reverse("admin:programme_workshop_changelist"), {"review": "open"})
    content = response.content.decode()
    assert response.context["cl"].result_count == 1
    assert '<span class="review-badge">zu prüfen</span>' in content
    change = office.get(reverse("admin:programme_conference_change", args=[new.pk])).content.decode()
    assert change.count('<span class="review-badge">zu prüfen</span>') == 2  # the phase and the item inline


def test_saving_a_copied_workshop_clears_its_review_mark(office, source):
    new = copied(office, source)
    workshop = Workshop.objects.get(phase__conference=new)
    url = reverse("admin:programme_workshop_change", args=[workshop.pk])
    form = office.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        {
            "title": "Sozialdaten im Quartier 2026",
            "workshopmoderator_set-TOTAL_FORMS": "0",
            "workshopmoderator_set-INITIAL_FORMS": "0",
        }
    )

    response = office.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    workshop.refresh_from_db()
    assert (workshop.title, workshop.needs_review) == ("Sozialdaten im Quartier 2026", False)
    assert WorkshopPhase.objects.get(conference=new).needs_review is True


def test_mark_reviewed_action_clears_only_the_selected(office, source):
    new = copied(office, source)
    items = ProgrammeItem.objects.filter(conference=new)
    extra = ProgrammeItemFactory(conference=new, needs_review=True)

    response = office.post(
        reverse("admin:programme_programmeitem_changelist"),
        {"action": "mark_reviewed", ACTION_CHECKBOX_NAME: [items.first().pk]},
        follow=True,
    )

    assert "1 Eintrag als geprüft markiert." in response.content.decode()
    assert ProgrammeItem.objects.get(pk=items.first().pk).needs_review is False
    extra.refresh_from_db()
    assert extra.needs_review is True


def test_every_conference_setting_is_on_the_admin_form(admin_user):
    request = RequestFactory().get("/")
    request.user = admin_user
    model_admin = admin.site._registry[Conference]
    on_form = set(model_admin.get_form(request)().fields) | set(model_admin.get_readonly_fields(request))
    editable = {field.name for field in Conference._meta.concrete_fields}

    missing = editable - on_form - set(NOT_ON_THE_FORM)
    assert missing == set(), (
        f"Not on the conference form (add it, or to NOT_ON_THE_FORM with a reason): {missing}"
    )
    assert {"payment_terms", "payment_due_days", "hold_minutes", "reminder_wait_days"} <= on_form

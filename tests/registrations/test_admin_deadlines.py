"""The wiring of personal deadlines and the release at the deadline: conference form, registration
list (column, filter), the confirmed release action, the personal page and the binding form."""

import datetime as dt
import zoneinfo

import pytest
from django.urls import reverse

from registrations.domain import lifecycle
from registrations.models import OutgoingMail, Registration
from registrations.office.roles import OFFICE
from tests.factories import ConferenceFactory, RegistrationFactory, StaffFactory, pre_registered

pytestmark = pytest.mark.django_db

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
REGISTRATIONS = reverse("admin:registrations_registration_changelist")


def on(month, day, hour=12):
    return dt.datetime(2026, month, day, hour, 0, tzinfo=BERLIN)


@pytest.fixture
def conference(time_machine):
    time_machine.move_to(on(11, 1), tick=False)
    return ConferenceFactory(
        title="VSOP-Jahrestagung 2026",
        places=2,
        starts_at=on(12, 20, 10),
        ends_at=on(12, 21, 14),
        pre_registration_deadline=dt.date(2026, 11, 15),
        registration_deadline=dt.date(2026, 11, 30),
    )


@pytest.fixture
def office(client):
    user = StaffFactory(username="buero", roles=[OFFICE])
    client.force_login(user)
    client.user = user
    return client


def confirmed(conference, n):
    return lifecycle.confirm_address(registration=pre_registered(conference, n))


def after_the_deadline(conference, time_machine):
    """Two hold places (Person1, Person2), Person3 and Person4 wait; on 1 Dec Person1 cancels."""
    people = [confirmed(conference, n) for n in range(1, 5)]
    time_machine.move_to(on(12, 1), tick=False)
    lifecycle.cancel(registration=people[0])
    for person in people:
        person.refresh_from_db()
    return people


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def test_the_conference_form_offers_the_deadline_settings(admin_client, conference):
    response = admin_client.get(reverse("admin:programme_conference_change", args=[conference.pk]))
    form = response.context["adminform"].form
    assert {"personal_deadline_threshold_days", "personal_deadline_days", "binding_reminder_days"} <= set(
        form.fields
    )
    assert form["personal_deadline_days"].value() == 7
    assert form["personal_deadline_threshold_days"].value() == 14
    assert form["binding_reminder_days"].value() == 7


def test_the_list_shows_the_personal_deadline_and_filters_running_and_missed(
    office, conference, time_machine, django_assert_max_num_queries
):
    _cancelled, holder, moved_up, waiting = after_the_deadline(conference, time_machine)
    assert moved_up.personal_deadline == dt.date(2026, 12, 8)

    with django_assert_max_num_queries(20):
        response = office.get(REGISTRATIONS, {"binding_deadline": "running"})
    assert [r.pk for r in response.context["cl"].result_list] == [moved_up.pk]
    assert "08.12.2026" in response.content.decode()

    response = office.get(REGISTRATIONS, {"binding_deadline": "missed"})
    assert [r.pk for r in response.context["cl"].result_list] == [holder.pk]

    time_machine.move_to(on(12, 9), tick=False)
    with django_assert_max_num_queries(20):
        response = office.get(REGISTRATIONS, {"binding_deadline": "missed"})
    assert {r.pk for r in response.context["cl"].result_list} == {holder.pk, moved_up.pk}
    assert "abgelaufen" in response.content.decode()


def test_the_list_runs_a_constant_number_of_queries_with_personal_deadlines(
    office, conference, time_machine, django_assert_max_num_queries
):
    after_the_deadline(conference, time_machine)
    with django_assert_max_num_queries(20):
        office.get(REGISTRATIONS)
    for n in range(20):
        RegistrationFactory(
            conference=conference, email=f"viele{n}@example.org", personal_deadline=dt.date(2026, 11, 28)
        )
    with django_assert_max_num_queries(20):
        assert office.get(REGISTRATIONS).status_code == 200


def test_the_release_action_first_shows_the_count_and_the_names_and_releases_nothing(
    office, conference, time_machine, django_assert_max_num_queries
):
    _cancelled, holder, moved_up, waiting = after_the_deadline(conference, time_machine)
    with django_assert_max_num_queries(20):
        response = office.post(
            REGISTRATIONS,
            {"action": "release_places_action", "_selected_action": [holder.pk, moved_up.pk, waiting.pk]},
        )
    assert response.status_code == 200
    assert [r.pk for r in response.context["due"]] == [holder.pk]
    assert {r.pk for r in response.context["skipped"]} == {moved_up.pk, waiting.pk}
    content = response.content.decode()
    assert "1 Platz wird freigegeben." in content
    assert holder.full_name in content
    holder.refresh_from_db()
    assert holder.holds_place
    assert not OutgoingMail.objects.filter(kind="place_released").exists()


def test_confirming_releases_the_selection_mails_and_records_the_staff_user(office, conference, time_machine):
    _cancelled, holder, moved_up, waiting = after_the_deadline(conference, time_machine)
    response = office.post(
        REGISTRATIONS,
        {"action": "release_places_action", "_selected_action": [holder.pk], "apply": "1"},
        follow=True,
    )
    assert any("1 Platz freigegeben" in message for message in messages_of(response))
    holder.refresh_from_db()
    waiting.refresh_from_db()
    assert holder.status == Registration.Status.CANCELLED
    assert holder.place_released_at == on(12, 1)
    assert holder.history.latest().history_user == office.user
    assert OutgoingMail.objects.filter(registration=holder, kind="place_released").count() == 1
    assert waiting.holds_place and waiting.personal_deadline == dt.date(2026, 12, 8)
    assert OutgoingMail.objects.filter(registration=waiting, kind="moved_up").count() == 1

    # Posted again (a reload): nothing more happens.
    office.post(
        REGISTRATIONS, {"action": "release_places_action", "_selected_action": [holder.pk], "apply": "1"}
    )
    assert OutgoingMail.objects.filter(kind="place_released").count() == 1


def test_the_personal_page_shows_the_personal_deadline(client, conference, time_machine):
    _cancelled, _holder, moved_up, _waiting = after_the_deadline(conference, time_machine)
    content = client.get(moved_up.get_absolute_url()).content.decode()
    assert "Ihre persönliche Frist:" in content
    assert "Bitte melden Sie sich bis zum 08.12.2026 verbindlich an" in content
    assert "Ihre persönliche Frist endet am 08.12.2026." in content
    assert "30.11.2026" not in content
    assert reverse("registrations:binding_personal", kwargs={"token": moved_up.token}) in content


def test_the_binding_form_is_open_until_the_personal_deadline_and_closed_after_it(
    client, conference, time_machine
):
    _cancelled, holder, moved_up, _waiting = after_the_deadline(conference, time_machine)
    url = reverse("registrations:binding_personal", kwargs={"token": moved_up.token})
    response = client.get(url)
    assert response.context["window"].is_open
    content = response.content.decode()
    assert "Ihre persönliche Frist endet am 08.12.2026." in content
    # The general deadline is over: the form never asks for it (the terms still state their dates).
    assert "Anmeldeschluss ist der 30.11.2026" not in content
    closed_for_others = client.get(reverse("registrations:binding_personal", kwargs={"token": holder.token}))
    assert not closed_for_others.context["window"].is_open

    time_machine.move_to(on(12, 9), tick=False)
    response = client.post(url, {"first_name": "Person3"})
    assert response.status_code == 409
    assert "Ihre persönliche Frist für die verbindliche Anmeldung ist am 08.12.2026 abgelaufen" in (
        response.content.decode()
    )


def test_the_personal_page_of_a_released_place_says_so(client, conference, time_machine):
    _cancelled, holder, _moved_up, _waiting = after_the_deadline(conference, time_machine)
    lifecycle.release_places(registrations=[holder])
    content = client.get(holder.get_absolute_url()).content.decode()
    assert "an die nächste Person auf der Warteliste gegangen" in content

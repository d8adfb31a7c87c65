"""Check-in on site: the badge token, the attendance per day (idempotent) and the Check-in role."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from core.exceptions import RegistrationError
from registrations.domain.attendance import record_attendance
from registrations.domain.lifecycle import register_binding, substitute
from registrations.domain.retention import anonymise_registration
from registrations.models import Attendance, Registration
from registrations.office.roles import CHECKIN, OFFICE, ORGANISATION
from registrations.rules.attendance import (
    checkin_refusal,
    conference_days,
    default_checkin_day,
    qr_payload,
    token_from_payload,
)
from tests.factories import (
    ConferenceFactory,
    RegistrationFactory,
    StaffFactory,
    binding_data,
    pre_registered,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def conference():
    return ConferenceFactory(places=20)


def _codenames(role):
    return set(Group.objects.get(name=role).permissions.values_list("content_type__app_label", "codename"))


def test_attendance_is_recorded_once_per_person_and_day(conference):
    person = RegistrationFactory(conference=conference)
    helper = StaffFactory(roles=[CHECKIN])
    day = conference_days(conference)[0]

    first, created = record_attendance(registration=person, day=day, by=helper)
    again, created_again = record_attendance(registration=person, day=day, by=StaffFactory())

    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert list(Attendance.objects.values_list("registration_id", "day", "recorded_by_id")) == [
        (person.pk, day, helper.pk)
    ]


def test_each_conference_day_is_recorded_on_its_own(conference):
    person = RegistrationFactory(conference=conference)

    for day in conference_days(conference):
        record_attendance(registration=person, day=day)

    assert sorted(person.attendances.values_list("day", flat=True)) == conference_days(conference)


def test_a_day_outside_the_conference_is_refused(conference):
    person = RegistrationFactory(conference=conference)
    day_before = conference_days(conference)[0] - dt.timedelta(days=1)

    with pytest.raises(RegistrationError, match="kein Tag dieser Tagung"):
        record_attendance(registration=person, day=day_before)
    assert Attendance.objects.count() == 0


@pytest.mark.parametrize(("status", "message"), [("waiting", "Warteliste"), ("cancelled", "storniert")])
def test_people_without_a_place_are_sent_to_the_office(conference, status, message):
    person = RegistrationFactory(
        conference=conference, status=status, waiting_since=timezone.now() if status == "waiting" else None
    )

    with pytest.raises(RegistrationError, match=message):
        record_attendance(registration=person, day=conference_days(conference)[0])
    assert checkin_refusal(person, conference_days(conference)[0]) is not None


def test_the_desk_starts_on_today_while_the_conference_runs_else_on_its_first_day(conference):
    first, second = conference_days(conference)

    assert default_checkin_day(conference, today=second) == second
    assert default_checkin_day(conference, today=first - dt.timedelta(days=3)) == first


def test_qr_payload_names_the_check_in_token_and_nothing_else(conference):
    person = RegistrationFactory(conference=conference)

    assert qr_payload(person) == f"VSOP-CHECKIN:{person.checkin_token}"
    assert token_from_payload(qr_payload(person) + "\n") == person.checkin_token
    assert token_from_payload(f"https://example.org/anmeldung/{person.token}/") is None
    assert token_from_payload("") is None


def test_the_checkin_token_stays_out_of_the_history(conference):
    person = RegistrationFactory(conference=conference)
    person.organisation = "Neu"
    person.save()

    fields = {f.name for f in Registration.history.model._meta.get_fields()}
    assert "checkin_token" not in fields
    assert "token" not in fields


def test_substitute_gets_a_new_checkin_token(conference):
    registration, _ = register_binding(
        conference=conference, registration=pre_registered(conference), data=binding_data()
    )
    old = registration.checkin_token

    taken = substitute(
        registration=registration,
        data={**binding_data(2), "first_name": "Bernd", "last_name": "Ersatz"},
    ).registration

    assert taken.checkin_token != old
    assert Registration.objects.get(pk=taken.pk).checkin_token == taken.checkin_token


def test_anonymising_invalidates_the_badge(conference):
    person = RegistrationFactory(conference=conference, status="cancelled")
    old = person.checkin_token

    anonymise_registration(registration=person, force=True)

    person.refresh_from_db()
    assert person.checkin_token != old


def test_checkin_role_may_record_attendance_and_nothing_else():
    assert _codenames(CHECKIN) == {
        ("registrations", "record_attendance"),
        ("registrations", "view_attendance"),
    }


def test_office_may_check_in_but_organisers_only_with_the_checkin_group():
    assert ("registrations", "record_attendance") in _codenames(OFFICE)
    assert ("registrations", "record_attendance") not in _codenames(ORGANISATION)
    organiser = StaffFactory(roles=[ORGANISATION])
    both = StaffFactory(roles=[ORGANISATION, CHECKIN])
    assert not organiser.has_perm("registrations.record_attendance")
    assert both.has_perm("registrations.record_attendance")
    assert not both.has_perm("registrations.add_payment")
    assert not both.has_perm("registrations.change_registration")


@pytest.mark.django_db(transaction=True)
def test_migration_gives_every_existing_registration_its_own_checkin_token():
    executor = MigrationExecutor(connection)
    before = [("registrations", "0005_general_consent_text_version")]
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(before)
    old_apps = executor.loader.project_state(before).apps
    Conference = old_apps.get_model("programme", "Conference")
    OldRegistration = old_apps.get_model("registrations", "Registration")
    start = timezone.now() + dt.timedelta(days=30)
    conference = Conference.objects.create(
        title="Alt", slug="alt", city="Köln", starts_at=start, ends_at=start + dt.timedelta(days=1), places=5
    )
    for n in range(3):
        OldRegistration.objects.create(
            conference=conference, status="holds_place", first_name="A", last_name=str(n), email=f"{n}@x.de"
        )
    try:
        executor = MigrationExecutor(connection)
        executor.migrate(latest)
        tokens = list(Registration.objects.values_list("checkin_token", flat=True))
        assert len(tokens) == 3
        assert len(set(tokens)) == 3
        assert all(len(t) >= 22 for t in tokens)
    finally:
        MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

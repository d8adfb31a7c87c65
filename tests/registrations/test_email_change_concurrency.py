"""Two registrations changing into the same person at once (issue 14, finding 6; PostgreSQL).

Since issue 15 the same person is the same address and name (rules.personal.person_key), so
both change both. With the conference lock one change wins and the other gets the form's
error; the control run without the lock shows the IntegrityError the finding reported."""

import threading

import pytest
from django.db import IntegrityError

from core.exceptions import RegistrationError
from registrations.domain import lifecycle, places
from registrations.models import Registration
from tests.factories import ConferenceFactory, pre_registered

from .race import POSTGRES_RACE, at_once

pytestmark = POSTGRES_RACE

ROUNDS = 5
TARGET = "gemeinsam@example.org"


def change_both(conference, round_number, *, barrier=None, monkeypatch=None):
    people = [pre_registered(conference, 10 * round_number + n) for n in (1, 2)]
    if monkeypatch is not None:
        monkeypatch.setattr(lifecycle, "lock_conference", lambda conference_id: None)
    if barrier is not None:
        real_check = places.ensure_person_free

        def check_then_wait(**kwargs):
            real_check(**kwargs)
            barrier.wait(timeout=10)  # both have checked before either saves

        places.ensure_person_free = check_then_wait
    try:
        _results, errors = at_once(
            lambda person: lifecycle.update_personal_data(
                registration=Registration.objects.get(pk=person.pk),
                data={"email": TARGET.upper(), "first_name": "Gleich", "last_name": "Name"},
            ),
            people,
        )
    finally:
        if barrier is not None:
            places.ensure_person_free = real_check
    Registration.objects.filter(email=TARGET).update(email=f"runde{round_number}@example.org")
    return errors


def test_concurrent_changes_to_the_same_address_give_one_form_error():
    conference = ConferenceFactory(places=50)
    for round_number in range(ROUNDS):
        errors = change_both(conference, round_number)
        assert len(errors) == 1
        assert isinstance(errors[0], RegistrationError)
        assert "schon eine Anmeldung" in str(errors[0])


def test_control_without_the_lock_the_second_save_is_an_integrity_error(monkeypatch):
    conference = ConferenceFactory(places=50)
    errors = change_both(conference, 0, barrier=threading.Barrier(2), monkeypatch=monkeypatch)
    assert [type(error) for error in errors] == [IntegrityError]


@pytest.fixture(autouse=True)
def _restore_check():
    original = places.ensure_person_free
    yield
    places.ensure_person_free = original

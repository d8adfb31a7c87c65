"""Many people open the binding form of a new conference at the same moment (PostgreSQL only).

The load benchmark's burst found this: with no version of the terms yet, two
requests both created version 1, and one of them ended in a server error. All of
them must get the same version 1.
"""

import time

import pytest
from django.db import IntegrityError

from registrations.domain import consent
from registrations.domain.consent import current_terms
from registrations.models import ConsentText
from tests.factories import ConferenceFactory

from .race import POSTGRES_RACE, at_once

pytestmark = POSTGRES_RACE

PEOPLE = 12


@pytest.fixture
def everyone_reads_before_anyone_writes(monkeypatch):
    """Widen the window between reading the newest version and creating the next one."""
    latest = consent._latest

    def slow_latest(*args, **kwargs):
        found = latest(*args, **kwargs)
        time.sleep(0.05)
        return found

    monkeypatch.setattr(consent, "_latest", slow_latest)


@pytest.mark.parametrize("kind", ["terms", "privacy"])
@pytest.mark.usefixtures("everyone_reads_before_anyone_writes")
def test_concurrent_first_requests_all_get_the_same_version_one(kind):
    conference = ConferenceFactory()

    def ask(_n):
        if kind == "terms":
            return current_terms(conference).pk
        return consent.current_consent_text(kind=ConsentText.Kind.PRIVACY, body="Datenschutz").pk

    results, errors = at_once(ask, range(PEOPLE))

    assert errors == []
    assert len(set(results)) == 1
    texts = ConsentText.objects.filter(kind=kind)
    assert [text.version for text in texts] == [1]


@pytest.mark.usefixtures("everyone_reads_before_anyone_writes")
def test_control_without_the_retry_the_race_fails_requests(monkeypatch):
    conference = ConferenceFactory()
    monkeypatch.setattr(consent, "IntegrityError", type("NeverRaised", (Exception,), {}))

    _results, errors = at_once(lambda _n: current_terms(conference), range(PEOPLE))

    assert errors, "without the retry, concurrent first requests should have collided"
    assert all(isinstance(error, IntegrityError) for error in errors)
    assert ConsentText.objects.filter(conference=conference).count() == 1

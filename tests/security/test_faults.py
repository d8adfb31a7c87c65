"""Faults: the database connection drops in the middle of a request."""

import contextlib

import pytest
from django.db import OperationalError, connection
from django.urls import reverse

from registrations.models import OutgoingMail, Registration
from tests.factories import ConferenceFactory, RegistrationFactory

pytestmark = pytest.mark.django_db(transaction=True)


@contextlib.contextmanager
def connection_drops_at(sql_prefix):
    """The database goes away when the request reaches a statement (as psycopg reports it)."""
    seen = []

    def wrapper(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith(sql_prefix.upper()):
            seen.append(sql)
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield seen


def pre_registration(**extra):
    return {
        "salutation": "frau",
        "first_name": "Anna",
        "last_name": "Beispiel",
        "email": "anna@example.org",
        "organisation": "Stadt Köln",
        "privacy_consent": "on",
        "website": "",
        **extra,
    }


@pytest.fixture
def client(client):
    client.raise_request_exception = False
    return client


def test_connection_lost_after_the_registration_is_written_leaves_nothing_and_shows_the_error_page(client):
    conference = ConferenceFactory()
    url = reverse("registrations:pre_register", kwargs={"slug": conference.slug})
    # The registration row is inserted first; the drop hits the outbox mail right after it.
    with connection_drops_at('INSERT INTO "registrations_outgoingmail"') as seen:
        response = client.post(url, pre_registration())
    assert seen  # the fault really happened after the first write
    assert response.status_code == 500
    content = response.content.decode()
    assert "Ein Fehler ist aufgetreten" in content
    assert "Bitte versuchen Sie es in einigen Minuten noch einmal." in content
    assert "OperationalError" not in content
    assert Registration.objects.count() == 0
    assert OutgoingMail.objects.count() == 0
    assert Registration.history.count() == 0

    # When the database is back, the same form works.
    response = client.post(url, pre_registration())
    assert response.status_code == 302
    assert Registration.objects.count() == 1


def test_connection_lost_while_cancelling_keeps_the_place_and_the_waiting_list(client):
    conference = ConferenceFactory(places=1)
    holder = RegistrationFactory(conference=conference)
    waiting = RegistrationFactory(conference=conference, status="waiting", waiting_since=conference.starts_at)
    url = reverse("registrations:personal_cancel", kwargs={"token": holder.token})
    # Cancelling updates the holder first, then moves the waiting person up: drop before the mail.
    with connection_drops_at('INSERT INTO "registrations_outgoingmail"') as seen:
        response = client.post(url, {"confirm": "on"})
    assert seen
    assert response.status_code == 500
    holder.refresh_from_db()
    waiting.refresh_from_db()
    assert holder.status == Registration.Status.HOLDS_PLACE
    assert waiting.status == Registration.Status.WAITING
    assert OutgoingMail.objects.count() == 0


def test_connection_lost_while_reading_a_page_shows_the_error_page(client):
    registration = RegistrationFactory()
    with connection_drops_at("SELECT"):
        response = client.get(registration.get_absolute_url())
    assert response.status_code == 500
    assert "Ein Fehler ist aufgetreten" in response.content.decode()

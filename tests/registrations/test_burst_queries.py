"""The queries of each step of the registration burst (bench/burst_bench.py), pinned.

One person after another goes through the pages as the bench's client does: the
pre-registration form and its POST, the mailed link (which confirms the address), the
binding form and its POST, the personal page. Every query there is paid by every person of
a burst; lower a count when you remove queries, never raise it without a reason.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.burst_bench import main_form
from registrations.domain.consent import current_privacy_text, current_terms
from registrations.models import OutgoingMail, Registration
from tests.factories import ConferenceFactory, WorkshopFactory, WorkshopPhaseFactory

pytestmark = pytest.mark.django_db

# Issue 18 (before -> now, SQLite in the tests; PostgreSQL runs 3 fewer in the POSTs): the mailed
# link 13 -> 12 (the registration is not read again after the confirmation); the binding POST
# 42 -> 41: the terms are read once (the form's); writing its confirmation after the lock adds
# its own short transaction (tests/registrations/test_registration_queries.py). Later (2 Dec,
# the anonymous flow without a session: registrations/public/outcome.py): the pre-registration
# POST 19 -> 15 (no session row written), the thank-you page, the mailed link and the binding
# POST one fewer each (no session read). The consent texts from the cache (domain/consent.py):
# the pre-registration POST, the binding form and its POST one fewer each. The binding POST takes
# its workshop phases from the form and counts a workshop's seats once (domain/workshops.py): 39 -> 37.
# The personal page shows the accepted terms from the cache (consent.accepted_terms): 8 -> 7.
STEP_QUERIES = {
    "GET pre-registration form": 2,
    "POST pre-registration": 14,
    "GET thank-you page": 1,
    "GET mail link (confirms)": 11,
    "GET binding form": 5,
    "POST binding registration": 37,
    "GET personal page": 7,
}


@pytest.fixture
def conference():
    conference = ConferenceFactory(places=10)
    phase = WorkshopPhaseFactory(conference=conference, number=1)
    for n in range(2):
        WorkshopFactory(phase=phase, seat_limit=10, order=n)
    return conference


def person_through_the_burst(client, conference, n):
    """The burst's steps for person n; returns {step: number of queries}."""
    counts = {}

    def step(name, call, *args):
        with CaptureQueriesContext(connection) as captured:
            response = call(*args)
        assert response.status_code < 400, (name, response.status_code)
        counts[name] = len(captured)
        return response

    client.cookies.clear()
    url = f"/tagungen/{conference.slug}/voranmeldung/"
    page = step("GET pre-registration form", client.get, url)
    data, _radios = main_form(page.content.decode())
    email = f"burst{n}@example.org"
    data.update(
        first_name="Anna",
        last_name=f"Burst{'abcdefghij'[n]}",
        email=email,
        organisation="Landkreis",
        privacy_consent="on",
        submit="Unverbindlich voranmelden",
    )
    response = step("POST pre-registration", client.post, url, data)
    assert response.status_code == 302
    step("GET thank-you page", client.get, response["Location"])
    mail = OutgoingMail.objects.filter(to=email).order_by("pk").first()
    personal_url = "/anmeldung/" + re.search(r"/anmeldung/([\w-]+/)", mail.body_text).group(1)
    page = step("GET mail link (confirms)", client.get, personal_url)
    assert "bestätigt" in page.content.decode()
    binding_url = f"{personal_url}verbindlich/"
    page = step("GET binding form", client.get, binding_url)
    data, radios = main_form(page.content.decode())
    data.update(
        billing_organisation="Landkreis",
        billing_street="Kreishausstraße 1",
        billing_postcode="50667",
        billing_city="Köln",
        terms_accepted="on",
        submit="Verbindlich anmelden",
    )
    for name, values in radios.items():
        if name.startswith("workshop_") and values:
            data[name] = values[0]
    response = step("POST binding registration", client.post, binding_url, data)
    assert response.status_code == 302, response.content.decode()[-2000:]
    step("GET personal page", client.get, response["Location"])
    return counts


def test_the_queries_of_each_burst_step(client, conference, django_capture_on_commit_callbacks):
    person_through_the_burst(client, conference, 0)  # the terms and the invoice sequence exist now
    # In production the first request's commit put the consent texts into the cache; the test's
    # transaction never commits, so this commits them for it (domain/consent.py).
    with django_capture_on_commit_callbacks(execute=True):
        current_terms(conference)
        current_privacy_text()
    counts = person_through_the_burst(client, conference, 1)

    registration = Registration.objects.get(email="burst1@example.org")
    assert registration.is_binding and registration.holds_place and registration.email_confirmed_at
    assert registration.mails.filter(kind="registration_confirmed", render_spec__isnull=True).exists()
    assert counts == STEP_QUERIES

"""How many queries the two registration POSTs run, and how many of them hold the conference lock.

Every binding registration of a conference waits for the one before it (the
conference row is locked until commit), so each query and each millisecond
inside the lock costs every person in a burst. These counts fail when a change
adds queries; lower them when you remove some.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registrations.models import Invoice, OutgoingMail
from registrations.services import places
from registrations.services.registration import register_binding
from tests.factories import (
    AppearanceFactory,
    ConferenceFactory,
    ProgrammeItemFactory,
    WorkshopFactory,
    WorkshopModeratorFactory,
    WorkshopPhaseFactory,
)

pytestmark = pytest.mark.django_db

# Queries of the services, and those from taking the conference lock to the end.
# Before the work on issue 8: pre-registration 12 (9 locked), binding registration 49 (47 locked).
PRE_REGISTER_QUERIES = 10
PRE_REGISTER_LOCKED = 7
BINDING_QUERIES = 30
BINDING_LOCKED = 26


@pytest.fixture
def conference():
    conference = ConferenceFactory(places=5)
    for n in range(3):
        item = ProgrammeItemFactory(conference=conference, title=f"Vortrag {n}")
        AppearanceFactory(item=item)
    phase = WorkshopPhaseFactory(conference=conference, number=1)
    item = ProgrammeItemFactory(conference=conference, title="Workshops", workshop_phase=phase)
    for n in range(3):
        WorkshopModeratorFactory(workshop=WorkshopFactory(phase=phase, seat_limit=10, order=n))
    conference.refresh_from_db()
    return conference


def person(n):
    return {
        "first_name": "Ada",
        "last_name": f"Lovelace{n}",
        "email": f"ada{n}@example.org",
        "organisation": "Kreis Lippe",
        "is_member": True,
    }


def binding_data(conference, n):
    phase = conference.workshop_phases.get()
    return {
        **person(n),
        "billing_recipient": "employer",
        "billing_organisation": "Kreis Lippe",
        "billing_street": "Str. 1",
        "billing_postcode": "32756",
        "billing_city": "Detmold",
        "terms_accepted": True,
        "workshop_choices": {phase.pk: phase.workshops.order_by("pk").first().pk},
    }


def locked_part(queries):
    """The queries from the first lock of the conference row on."""
    for index, query in enumerate(queries):
        sql = query["sql"]
        # lock_conference: a get by primary key (FOR UPDATE on PostgreSQL; SQLite locks the whole database).
        if 'FROM "programme_conference" WHERE "programme_conference"."id" =' in sql:
            return queries[index:]
    return []


def listing(queries):
    return "\n".join(query["sql"][:200] for query in queries)


def capture(func):
    with CaptureQueriesContext(connection) as captured:
        result = func()
    return result, captured.captured_queries


def test_pre_registration_queries(conference):
    places.pre_register(conference=conference, data=person(0))  # the privacy text exists now
    (registration, created), queries = capture(
        lambda: places.pre_register(conference=conference, data=person(1))
    )
    assert created and registration.holds_place
    assert OutgoingMail.objects.filter(registration=registration).count() == 1
    assert len(queries) == PRE_REGISTER_QUERIES, listing(queries)
    assert len(locked_part(queries)) == PRE_REGISTER_LOCKED


def test_binding_registration_queries(conference):
    register_binding(conference=conference, data=binding_data(conference, 0))  # the terms exist now
    pre, _ = places.pre_register(conference=conference, data=person(1))
    data = binding_data(conference, 1)
    (registration, created), queries = capture(
        lambda: register_binding(conference=conference, data=data, registration=pre)
    )
    assert created and registration.is_binding and registration.holds_place
    assert Invoice.objects.filter(registration=registration).count() == 1
    assert registration.workshop_bookings.filter(status="seated").count() == 1
    confirmation = OutgoingMail.objects.get(registration=registration, kind="registration_confirmed")
    assert confirmation.attachments.count() == 2
    assert len(queries) == BINDING_QUERIES, listing(queries)
    assert len(locked_part(queries)) == BINDING_LOCKED

"""One active registration per person, not per address (issue 15, defect 1, second half).

Colleagues who share a mailbox (Sekretariat, Sachgebiet) each register; the same person
(address and name, rules.personal.person_key) registering twice still gets only the link.
"""

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse

from core.exceptions import RegistrationError
from registrations.domain import lifecycle
from registrations.domain.lost_link import send_lost_links
from registrations.models import OutgoingMail, Registration
from registrations.queries.places import active_registration_of_person
from registrations.rules.personal import is_same_person, person_key
from tests.factories import (
    ConferenceFactory,
    RegistrationFactory,
    binding_data,
    pre_registered,
    pre_registration_data,
)

pytestmark = pytest.mark.django_db

SHARED = "sekretariat@example.org"


def test_person_key_folds_case_blanks_and_sharp_s_of_address_and_name():
    assert person_key(
        email=" Sekretariat@Example.ORG ", first_name="  Anna  Maria ", last_name="STRASSE"
    ) == (
        SHARED,
        "anna maria",
        "strasse",
    )
    assert person_key(email=SHARED, first_name="Anna Maria", last_name="Straße") == person_key(
        email=SHARED.upper(), first_name="anna  maria", last_name="STRASSE"
    )


def test_a_different_first_or_last_name_is_another_person():
    registration = Registration(email=SHARED, first_name="Anna", last_name="Schmidt")
    assert is_same_person(registration, email=SHARED, first_name="ANNA", last_name="schmidt")
    assert not is_same_person(registration, email=SHARED, first_name="Bernd", last_name="Schmidt")
    assert not is_same_person(registration, email=SHARED, first_name="Anna", last_name="Schulz")
    assert not is_same_person(registration, email="anna@example.org", first_name="Anna", last_name="Schmidt")


def test_two_colleagues_with_one_address_both_pre_register(django_capture_on_commit_callbacks):
    conference = ConferenceFactory(places=10)
    with django_capture_on_commit_callbacks(execute=True):
        anna, anna_created = lifecycle.pre_register(
            conference=conference, data=pre_registration_data(1, first_name="Anna", email=SHARED)
        )
        bernd, bernd_created = lifecycle.pre_register(
            conference=conference, data=pre_registration_data(2, first_name="Bernd", email=SHARED.upper())
        )
    assert (anna_created, bernd_created) == (True, True)
    assert anna.pk != bernd.pk
    assert sorted(Registration.objects.active().values_list("first_name", "email")) == [
        ("Anna", SHARED),
        ("Bernd", SHARED),
    ]
    assert OutgoingMail.objects.filter(kind="link_resent").count() == 0
    assert [m.to for m in mail.outbox] == [[SHARED], [SHARED]]
    assert anna.get_absolute_url() in mail.outbox[0].body
    assert bernd.get_absolute_url() in mail.outbox[1].body


def test_two_colleagues_with_one_address_both_register_bindingly():
    conference = ConferenceFactory(places=10)
    anna, anna_created = lifecycle.register_binding(
        conference=conference, data=binding_data(1, first_name="Anna", email=SHARED)
    )
    bernd, bernd_created = lifecycle.register_binding(
        conference=conference, data=binding_data(2, first_name="Bernd", email=SHARED)
    )
    assert (anna_created, bernd_created) == (True, True)
    assert anna.is_binding and bernd.is_binding
    assert (anna.first_name, bernd.first_name) == ("Anna", "Bernd")


def test_the_same_person_twice_under_a_shared_address_gets_only_the_link(django_capture_on_commit_callbacks):
    conference = ConferenceFactory(places=10)
    anna = pre_registered(conference, 1, first_name="Anna", email=SHARED)
    pre_registered(conference, 2, first_name="Bernd", email=SHARED)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        again, created = lifecycle.pre_register(
            conference=conference, data=pre_registration_data(1, first_name="ANNA ", email=SHARED)
        )
    assert (again.pk, created) == (anna.pk, False)
    assert Registration.objects.count() == 2
    assert [m.to for m in mail.outbox] == [[SHARED]]
    assert anna.get_absolute_url() in mail.outbox[0].body


def test_public_form_answers_a_repeated_person_as_a_new_one(client, django_capture_on_commit_callbacks):
    """The Trust rule stays: the thank-you page does not tell whether the person was known."""
    conference = ConferenceFactory(places=10)
    url = reverse("registrations:pre_register", kwargs={"slug": conference.slug})
    form = {
        "salutation": "frau",
        "first_name": "Anna",
        "last_name": "Schmidt",
        "email": SHARED,
        "organisation": "Stadt",
        "privacy_consent": "on",
    }
    pages = []
    for first_name in ("Anna", "Bernd", "anna"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, {**form, "first_name": first_name}, follow=True)
        assert response.status_code == 200
        pages.append(response.content.decode())
    assert Registration.objects.active().filter(email=SHARED).count() == 2
    assert pages[0].replace("Anna", "X") == pages[2].replace("anna", "X").replace("Anna", "X")


def test_active_registration_of_person_ignores_cancelled_and_excluded():
    conference = ConferenceFactory(places=10)
    anna = pre_registered(conference, 1, first_name="Anna", email=SHARED)
    person = {"email": SHARED, "first_name": "anna", "last_name": "beispiel"}
    assert active_registration_of_person(conference, **person) == anna
    assert active_registration_of_person(conference, exclude=anna, **person) is None
    lifecycle.cancel(registration=anna)
    assert active_registration_of_person(conference, **person) is None
    assert pre_registered(conference, 1, first_name="Anna", email=SHARED).pk != anna.pk


def test_renaming_into_a_colleague_under_the_same_address_is_refused():
    conference = ConferenceFactory(places=10)
    pre_registered(conference, 1, first_name="Anna", email=SHARED)
    bernd = pre_registered(conference, 2, first_name="Bernd", email=SHARED)
    with pytest.raises(RegistrationError, match="schon eine Anmeldung"):
        lifecycle.update_personal_data(registration=bernd, data={"first_name": "Anna"})
    bernd.refresh_from_db()
    assert bernd.first_name == "Bernd"
    lifecycle.update_personal_data(registration=bernd, data={"first_name": "Bernhard"})
    bernd.refresh_from_db()
    assert bernd.first_name == "Bernhard"


def test_database_refuses_the_same_person_twice_whatever_the_case():
    conference = ConferenceFactory(places=10)
    RegistrationFactory(conference=conference, email=SHARED, first_name="Anna", last_name="Schmidt")
    RegistrationFactory(conference=conference, email=SHARED, first_name="Bernd", last_name="Schmidt")
    with pytest.raises(IntegrityError), transaction.atomic():
        RegistrationFactory(conference=conference, email=SHARED, first_name="ANNA", last_name="schmidt")
    RegistrationFactory(
        conference=conference, email=SHARED, first_name="Anna", last_name="Schmidt", status="cancelled"
    )
    assert Registration.objects.filter(email=SHARED).count() == 3


def test_office_may_add_a_colleague_under_a_registered_address(admin_client):
    conference = ConferenceFactory()
    pre_registered(conference, 1, first_name="Anna", email=SHARED)
    response = admin_client.post(
        reverse("admin:registrations_registration_add"),
        {
            "conference": conference.pk,
            "salutation": "none",
            "first_name": "Bernd",
            "last_name": "Beispiel",
            "email": SHARED.upper(),
        },
    )
    assert response.status_code == 302
    assert sorted(Registration.objects.values_list("first_name", flat=True)) == ["Anna", "Bernd"]


def test_lost_link_of_a_shared_address_names_each_person():
    conference = ConferenceFactory(title="Jahrestagung Leipzig")
    anna = pre_registered(conference, 1, first_name="Anna", email=SHARED)
    bernd = pre_registered(conference, 2, first_name="Bernd", email=SHARED)
    OutgoingMail.objects.all().delete()
    sent = send_lost_links(email=SHARED)
    assert OutgoingMail.objects.count() == 1
    assert sent.to == SHARED
    for person in (anna, bernd):
        assert f"{person.full_name}: Jahrestagung Leipzig" in sent.body_text
        assert person.get_absolute_url() in sent.body_text

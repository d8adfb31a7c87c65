"""The thank-you page after a public form: only for the browser that sent it, without a session
(registrations/public/outcome.py)."""

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from registrations.models import Registration
from tests.factories import ConferenceFactory

from .test_views import form_data

pytestmark = pytest.mark.django_db


def urls(conference):
    return (
        reverse("registrations:pre_register", kwargs={"slug": conference.slug}),
        reverse("registrations:pre_register_done", kwargs={"slug": conference.slug}),
    )


def test_the_thank_you_page_follows_the_sent_form_and_writes_no_session(client):
    conference = ConferenceFactory()
    form, thanks = urls(conference)

    response = client.post(form, form_data())

    assert response["Location"] == thanks
    assert "Wir haben Ihnen eine E-Mail geschickt" in client.get(thanks).content.decode()
    assert "Wir haben Ihnen eine E-Mail geschickt" in client.get(thanks).content.decode()  # reloaded
    assert Registration.objects.count() == 1
    assert Session.objects.count() == 0
    assert "sessionid" not in client.cookies


def test_the_thank_you_page_without_the_sent_form_leads_to_the_conference_page():
    conference = ConferenceFactory()
    _form, thanks = urls(conference)

    response = Client().get(thanks)

    assert response.status_code == 302
    assert response["Location"] == conference.get_absolute_url()


def test_the_thank_you_page_of_another_conference_is_not_shown(client):
    conference, other = ConferenceFactory(), ConferenceFactory()
    client.post(urls(conference)[0], form_data())

    response = client.get(urls(other)[1])

    assert response.status_code == 302
    assert response["Location"] == other.get_absolute_url()


def test_a_made_up_outcome_cookie_is_refused():
    conference = ConferenceFactory()
    visitor = Client()
    visitor.cookies["pre_registration_outcome"] = str(conference.pk)

    response = visitor.get(urls(conference)[1])

    assert response.status_code == 302


def test_the_cookie_of_one_form_does_not_open_the_thank_you_page_of_another(client):
    conference = ConferenceFactory()
    client.post(urls(conference)[0], form_data())
    client.cookies["binding_registration_outcome"] = client.cookies["pre_registration_outcome"].value

    response = client.get(reverse("registrations:binding_done", kwargs={"slug": conference.slug}))

    assert response.status_code == 302

"""'Link vergessen?' (issue 15, defect 7): the same answer for every address, links only to the address on file."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from registrations.domain import lifecycle
from registrations.domain.lost_link import send_lost_links
from registrations.models import OutgoingMail
from tests.factories import ConferenceFactory, pre_registered

pytestmark = pytest.mark.django_db

ANSWER = "Falls diese Adresse angemeldet ist, haben wir Ihnen den Link geschickt."


def test_lost_links_of_an_address_go_in_one_mail_to_that_address():
    first = pre_registered(ConferenceFactory(title="Jahrestagung Leipzig"), 1, email="anna@example.org")
    second = pre_registered(ConferenceFactory(title="Jahrestagung Köln"), 2, email="anna@example.org")
    cancelled = pre_registered(ConferenceFactory(title="Abgesagte Tagung"), 3, email="anna@example.org")
    lifecycle.cancel(registration=cancelled)
    OutgoingMail.objects.all().delete()
    sent = send_lost_links(email="  ANNA@example.org ")
    assert sent.to == "anna@example.org"
    assert OutgoingMail.objects.count() == 1
    assert sent.subject == "Ihre persönlichen Links"
    for registration in (first, second):
        assert f"{registration.full_name}: {registration.conference.title}" in sent.body_text
        assert registration.get_absolute_url() in sent.body_text
    assert "Abgesagte Tagung" not in sent.body_text
    assert cancelled.token not in sent.body_text


def test_unknown_address_gets_no_mail():
    pre_registered(ConferenceFactory(), 1, email="anna@example.org")
    OutgoingMail.objects.all().delete()
    assert send_lost_links(email="nobody@example.org") is None
    assert OutgoingMail.objects.count() == 0


def test_form_answers_known_and_unknown_addresses_alike(client, django_capture_on_commit_callbacks):
    registration = pre_registered(ConferenceFactory(), 1, email="anna@example.org")
    mail.outbox.clear()
    url = reverse("registrations:lost_link")
    pages = []
    for address in ("anna@example.org", "nobody@example.org"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, {"email": address}, follow=True)
        assert response.redirect_chain == [(url, 302)]
        pages.append(response.content.decode())
    assert ANSWER in pages[0]
    csrf = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert csrf.sub("", pages[0]) == csrf.sub("", pages[1])
    assert [message.to for message in mail.outbox] == [["anna@example.org"]]
    assert registration.get_absolute_url() in mail.outbox[0].body


def test_lost_link_form_is_rate_limited(client, settings):
    settings.RATE_LIMIT_POSTS = 2
    url = reverse("registrations:lost_link")
    for _ in range(2):
        assert client.post(url, {"email": "x@example.org"}).status_code == 302
    assert client.post(url, {"email": "x@example.org"}).status_code == 429


def test_conference_page_offers_lost_link(client):
    conference = ConferenceFactory()
    html = client.get(conference.get_absolute_url()).content.decode()
    assert "Link vergessen?" in html
    assert f'action="{reverse("registrations:lost_link")}"' in html


def test_wrong_personal_link_page_offers_lost_link(client):
    for token in ("x" * 43, "bad"):
        response = client.get(reverse("registrations:personal", kwargs={"token": token}))
        assert response.status_code == 404
        html = response.content.decode()
        assert "Dieser persönliche Link gilt nicht" in html
        assert f'action="{reverse("registrations:lost_link")}"' in html

"""A colleague who is registered already is not silently left out (issue 15, review gap 5).

The contact's mail and group page name who was not registered again and why, as far as it is
the contact's business; the owner of the existing registration gets their own mail (no
enumeration): the typed data wait for them as a pending completion.
"""

import pytest
from django.core import mail

from registrations.domain import lifecycle
from registrations.models import PendingCompletion
from tests.factories import ConferenceFactory, binding_data
from tests.factories import group_colleague as colleague

from .test_group_registration import SECRETARIAT, register

pytestmark = pytest.mark.django_db

CARLA = "carla@kreis-beispiel.de"


def contact_mail():
    return next(m for m in mail.outbox if m.to == [SECRETARIAT] and "Gruppenseite" in m.body)


def test_a_colleague_already_registered_under_the_contacts_address_is_named_with_the_reason(
    django_capture_on_commit_callbacks,
):
    conference = ConferenceFactory(places=10)
    register(conference, [colleague("Anna")])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        group = register(conference, [colleague("Anna", position="Leitung"), colleague("Bernd")])
    assert group.not_registered == [{"name": "Anna Beispiel", "own_address": False}]
    body = contact_mail().body
    assert "NICHT ERNEUT ANGEMELDET" in body
    assert "Anna Beispiel: ist zu dieser Tagung bereits unter Ihrer Adresse angemeldet" in body
    assert "Bernd Beispiel: Platz gesichert" in body
    # What was typed is not dropped: it waits for the owner (here the same mailbox).
    assert PendingCompletion.objects.filter(registration__first_name="Anna").exists()


def test_a_colleague_with_an_own_address_is_named_but_only_they_learn_about_their_registration(
    django_capture_on_commit_callbacks,
):
    conference = ConferenceFactory(places=10)
    carla, _ = lifecycle.register_binding(
        conference=conference,
        data=binding_data(3, first_name="Carla", last_name="Beispiel", email=CARLA),
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        group = register(conference, [colleague("Bernd"), colleague("Carla", email=CARLA)])
    assert group.not_registered == [{"name": "Carla Beispiel", "own_address": True}]
    body = contact_mail().body
    assert "Carla Beispiel: wurde mit diesem Formular nicht angemeldet" in body
    assert "bereits" not in body.split("NICHT ERNEUT ANGEMELDET")[1].split("BITTE")[0]
    assert carla.get_absolute_url() not in body
    assert any(m.to == [CARLA] for m in mail.outbox)  # the owner's own mail
    assert PendingCompletion.objects.filter(registration=carla).exists()


def test_the_group_page_names_who_was_not_registered_again(client):
    conference = ConferenceFactory(places=10)
    register(conference, [colleague("Anna")])
    group = register(conference, [colleague("Anna"), colleague("Bernd")])
    html = client.get(group.get_absolute_url(), follow=True).content.decode()
    assert "Nicht erneut angemeldet" in html
    assert "<strong>Anna Beispiel</strong>: Bereits unter Ihrer Adresse zu dieser Tagung angemeldet" in html


def test_an_english_contact_reads_who_was_not_registered_in_english(django_capture_on_commit_callbacks):
    conference = ConferenceFactory(places=10)
    register(conference, [colleague("Anna")])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        register(conference, [colleague("Anna"), colleague("Bernd")], language="en")
    body = next(m for m in mail.outbox if m.to == [SECRETARIAT] and "group page" in m.body).body
    assert "NOT REGISTERED AGAIN" in body
    assert "Anna Beispiel: is registered for this conference already under your address" in body

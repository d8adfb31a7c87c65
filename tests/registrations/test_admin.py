import pytest
from django.core import mail
from django.urls import reverse

from registrations.domain import lifecycle
from registrations.models import OutgoingMail, Registration
from tests.factories import ConferenceFactory, RegistrationFactory, pre_registration_data

pytestmark = pytest.mark.django_db


def test_changelist_shows_counts_and_runs_constant_queries(admin_client, django_assert_max_num_queries):
    conference = ConferenceFactory(places=3)
    for n in range(5):
        lifecycle.pre_register(conference=conference, data=pre_registration_data(n))
    url = reverse("admin:registrations_registration_changelist") + f"?conference__id__exact={conference.pk}"
    with django_assert_max_num_queries(15):
        response = admin_client.get(url)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Plätze gesichert" in content
    RegistrationFactory.create_batch(30, conference=conference, status="cancelled")
    with django_assert_max_num_queries(15):
        assert admin_client.get(url).status_code == 200


def test_add_by_phone_uses_the_same_rules_and_mails(admin_client, django_capture_on_commit_callbacks):
    conference = ConferenceFactory(places=1)
    lifecycle.pre_register(conference=conference, data=pre_registration_data(1))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:registrations_registration_add"),
            {
                "conference": conference.pk,
                "salutation": "herr",
                "first_name": "Telefon",
                "last_name": "Anrufer",
                "email": "telefon@example.org",
                "organisation": "Kreis Düren",
                "position": "",
                "member_number": "",
                "academic_title": "",
                "note": "",
            },
        )
    assert response.status_code == 302
    registration = Registration.objects.get(email="telefon@example.org")
    assert registration.status == Registration.Status.WAITING
    assert registration.source == Registration.Source.OFFICE
    assert mail.outbox[0].to == ["telefon@example.org"]


def test_add_by_phone_refuses_the_same_person_twice(admin_client):
    conference = ConferenceFactory()
    lifecycle.pre_register(conference=conference, data=pre_registration_data(1, email="p1@example.org"))
    response = admin_client.post(
        reverse("admin:registrations_registration_add"),
        {
            "conference": conference.pk,
            "salutation": "none",
            "first_name": "person1",
            "last_name": "BEISPIEL",
            "email": "P1@example.org",
        },
    )
    assert response.status_code == 200
    assert "schon eine Anmeldung" in response.content.decode()
    assert Registration.objects.count() == 1


def test_actions_cancel_move_up_resend_and_programme_mailing(
    admin_client, django_capture_on_commit_callbacks
):
    conference = ConferenceFactory(places=1)
    holder, _ = lifecycle.pre_register(conference=conference, data=pre_registration_data(1))
    waiting, _ = lifecycle.pre_register(conference=conference, data=pre_registration_data(2))
    changelist = reverse("admin:registrations_registration_changelist")
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            changelist, {"action": "cancel_action", "_selected_action": [holder.pk], "apply": "1"}
        )
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.HOLDS_PLACE

    admin_client.post(
        changelist, {"action": "resend_link_action", "_selected_action": [waiting.pk], "apply": "1"}
    )
    assert OutgoingMail.objects.filter(registration=waiting, kind="link_resent").count() == 1

    for _ in range(2):
        response = admin_client.post(
            changelist,
            {"action": "programme_mailing_action", "_selected_action": [waiting.pk], "apply": "1"},
            follow=True,
        )
    assert OutgoingMail.objects.filter(kind="programme_mailing").count() == 1
    assert "0 E-Mails in die Warteschlange gestellt" in response.content.decode()


def test_outbox_admin_lists_failed_mails(admin_client):
    conference = ConferenceFactory()
    registration, _ = lifecycle.pre_register(
        conference=conference, data=pre_registration_data(1, email="p1@example.org")
    )
    OutgoingMail.objects.update(status=OutgoingMail.Status.FAILED, last_error="ConnectionRefusedError")
    response = admin_client.get(
        reverse("admin:registrations_outgoingmail_changelist") + "?status__exact=failed"
    )
    assert response.status_code == 200
    assert "p1@example.org" in response.content.decode()

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from core.exceptions import RegistrationError
from registrations.domain import confirmations, lifecycle
from registrations.models import OutgoingMail, PendingCompletion, Registration
from registrations.queries import places as place_queries
from tests.factories import ConferenceFactory, pre_registration_data

pytestmark = pytest.mark.django_db


def test_pre_registration_holds_a_place_while_places_remain(django_capture_on_commit_callbacks):
    conference = ConferenceFactory(places=2)
    with django_capture_on_commit_callbacks(execute=True):
        registration, created = lifecycle.pre_register(conference=conference, data=pre_registration_data(1))
    assert created is True
    assert registration.status == Registration.Status.HOLDS_PLACE
    assert registration.stage == Registration.Stage.PRE
    assert place_queries.places_left(conference) == 1
    assert [m.subject for m in mail.outbox] == [f"Ihre Voranmeldung: {conference.title}"]
    assert registration.get_absolute_url() in mail.outbox[0].body


def test_pre_registration_when_full_joins_the_waiting_list_with_position():
    conference = ConferenceFactory(places=1)
    lifecycle.pre_register(conference=conference, data=pre_registration_data(1))
    second, _ = lifecycle.pre_register(conference=conference, data=pre_registration_data(2))
    third, _ = lifecycle.pre_register(conference=conference, data=pre_registration_data(3))
    assert second.status == Registration.Status.WAITING
    assert place_queries.waiting_position(second) == 1
    assert place_queries.waiting_position(third) == 2
    assert place_queries.places_left(conference) == 0


def test_email_is_stored_lowercase_and_a_repeat_creates_no_second_registration(
    django_capture_on_commit_callbacks,
):
    conference = ConferenceFactory()
    first, created = lifecycle.pre_register(
        conference=conference, data=pre_registration_data(1, email="Person1@Example.org")
    )
    assert first.email == "person1@example.org"
    with django_capture_on_commit_callbacks(execute=True):
        again, created_again = lifecycle.pre_register(
            conference=conference,
            # The same person (issue 15: address and name), typed differently; another name is a colleague.
            data=pre_registration_data(9, email=" PERSON1@example.ORG ", first_name="PERSON1"),
        )
    assert created_again is False
    assert again.pk == first.pk
    assert Registration.objects.count() == 1
    assert again.first_name == "Person1"
    assert mail.outbox[-1].to == ["person1@example.org"]
    # What the repeat typed differently is kept for the owner to apply (pending completion).
    assert "soeben wurde für Ihre E-Mail-Adresse das Formular" in mail.outbox[-1].body
    assert PendingCompletion.objects.filter(registration=first, applied_at__isnull=True).count() == 1


def test_cancelling_frees_the_place_for_the_first_on_the_waiting_list(django_capture_on_commit_callbacks):
    conference = ConferenceFactory(places=1)
    holder, _ = lifecycle.pre_register(conference=conference, data=pre_registration_data(1))
    first_waiting, _ = lifecycle.pre_register(conference=conference, data=pre_registration_data(2))
    second_waiting, _ = lifecycle.pre_register(conference=conference, data=pre_registration_data(3))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.cancel(registration=holder)
    first_waiting.refresh_from_db()
    second_waiting.refresh_from_db()
    assert first_waiting.status == Registration.Status.HOLDS_PLACE
    assert first_waiting.moved_up_at is not None
    assert second_waiting.status == Registration.Status.WAITING
    assert place_queries.waiting_position(second_waiting) == 1
    assert sorted(m.to[0] for m in mail.outbox) == ["person1@example.org", "person2@example.org"]
    assert any(m.subject.startswith("Sie sind nachgerückt") for m in mail.outbox)


def test_cancelling_twice_is_refused():
    conference = ConferenceFactory()
    registration, _ = lifecycle.pre_register(conference=conference, data=pre_registration_data(1))
    lifecycle.cancel(registration=registration)
    with pytest.raises(RegistrationError):
        lifecycle.cancel(registration=registration)


def test_a_cancelled_person_can_pre_register_again():
    conference = ConferenceFactory()
    registration, _ = lifecycle.pre_register(conference=conference, data=pre_registration_data(1))
    lifecycle.cancel(registration=registration)
    again, created = lifecycle.pre_register(conference=conference, data=pre_registration_data(1))
    assert created is True
    assert again.pk != registration.pk


def test_raising_the_places_moves_the_waiting_list_up(django_capture_on_commit_callbacks):
    conference = ConferenceFactory(places=1)
    lifecycle.pre_register(conference=conference, data=pre_registration_data(1))
    waiting, _ = lifecycle.pre_register(conference=conference, data=pre_registration_data(2))
    with django_capture_on_commit_callbacks(execute=True):
        conference.places = 2
        conference.save()
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.HOLDS_PLACE


def test_office_can_move_up_a_particular_person_only_when_a_place_is_free():
    conference = ConferenceFactory(places=1)
    holder, _ = lifecycle.pre_register(conference=conference, data=pre_registration_data(1))
    lifecycle.pre_register(conference=conference, data=pre_registration_data(2))
    second, _ = lifecycle.pre_register(conference=conference, data=pre_registration_data(3))
    with pytest.raises(RegistrationError, match="kein Platz frei"):
        lifecycle.move_up(registration=second)
    Registration.objects.filter(pk=holder.pk).update(status=Registration.Status.CANCELLED)
    lifecycle.move_up(registration=second)
    second.refresh_from_db()
    assert second.status == Registration.Status.HOLDS_PLACE


def test_pre_registration_after_the_deadline_is_refused():
    conference = ConferenceFactory(pre_registration_deadline=timezone.localdate() - dt.timedelta(days=1))
    with pytest.raises(RegistrationError, match="abgelaufen"):
        lifecycle.pre_register(conference=conference, data=pre_registration_data(1))
    assert Registration.objects.count() == 0


def test_pre_registration_for_a_draft_is_refused():
    conference = ConferenceFactory(status="draft")
    with pytest.raises(RegistrationError, match="nicht veröffentlicht"):
        lifecycle.pre_register(conference=conference, data=pre_registration_data(1))


def test_pre_registration_before_the_window_opens_is_refused():
    conference = ConferenceFactory(pre_registration_opens_at=timezone.now() + dt.timedelta(days=3))
    with pytest.raises(RegistrationError, match="beginnt am"):
        lifecycle.pre_register(conference=conference, data=pre_registration_data(1))


def test_the_office_may_pre_register_after_the_deadline():
    conference = ConferenceFactory(pre_registration_deadline=timezone.localdate() - dt.timedelta(days=1))
    registration, created = lifecycle.pre_register(
        conference=conference, data=pre_registration_data(1), source=Registration.Source.OFFICE
    )
    assert created is True
    assert registration.source == Registration.Source.OFFICE


def test_web_pre_registration_stores_the_privacy_text_version():
    from programme.models import SitePage

    SitePage.objects.create(slug="datenschutz", title="Datenschutz", body="Version eins")
    conference = ConferenceFactory()
    first, _ = lifecycle.pre_register(conference=conference, data=pre_registration_data(1))
    SitePage.objects.filter(slug="datenschutz").update(body="Version zwei")
    second, _ = lifecycle.pre_register(conference=conference, data=pre_registration_data(2))
    assert first.privacy_consent.version == 1
    assert first.privacy_consent.body == "Version eins"
    assert second.privacy_consent.version == 2
    assert second.privacy_consented_at is not None


def test_programme_mailing_reaches_every_active_pre_registration_once(django_capture_on_commit_callbacks):
    conference = ConferenceFactory(places=2)
    lifecycle.pre_register(conference=conference, data=pre_registration_data(1))
    lifecycle.pre_register(conference=conference, data=pre_registration_data(2))
    lifecycle.pre_register(conference=conference, data=pre_registration_data(3))  # waiting, still interested
    cancelled, _ = lifecycle.pre_register(conference=ConferenceFactory(), data=pre_registration_data(4))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert confirmations.send_programme_mailing(conference=conference) == 3
    assert confirmations.send_programme_mailing(conference=conference) == 0
    assert OutgoingMail.objects.filter(kind="programme_mailing").count() == 3
    assert len(mail.outbox) == 3
    assert "verbindlich" in mail.outbox[0].body


def test_update_personal_data_refuses_becoming_another_registrations_person():
    conference = ConferenceFactory()
    first, _ = lifecycle.pre_register(conference=conference, data=pre_registration_data(1))
    lifecycle.pre_register(conference=conference, data=pre_registration_data(2))
    # Issue 15: the same person is address and name; the address alone may be a shared mailbox.
    with pytest.raises(RegistrationError):
        lifecycle.update_personal_data(
            registration=first, data={"email": "person2@example.org", "first_name": "Person2"}
        )
    lifecycle.update_personal_data(
        registration=first, data={"email": "Neu@Example.org", "position": "Leitung"}
    )
    first.refresh_from_db()
    assert (first.email, first.position) == ("neu@example.org", "Leitung")


def test_waiting_positions_follow_the_move_up_order_when_two_joined_at_the_same_moment():
    """Two people who joined the waiting list in the same instant: the position shown and the
    move-up order agree (waiting_since, then pk). The old count ignored the pk and showed both as 1."""
    conference = ConferenceFactory(places=1)
    lifecycle.pre_register(conference=conference, data=pre_registration_data(1))
    same_moment = timezone.now()
    first, _ = lifecycle.pre_register(conference=conference, data=pre_registration_data(2), now=same_moment)
    second, _ = lifecycle.pre_register(conference=conference, data=pre_registration_data(3), now=same_moment)
    assert first.waiting_since == second.waiting_since
    assert [place_queries.waiting_position(first), place_queries.waiting_position(second)] == [1, 2]
    holder = Registration.objects.get(status=Registration.Status.HOLDS_PLACE)
    moved = lifecycle.cancel(registration=holder)
    assert moved.is_cancelled
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.holds_place and second.is_waiting
    assert place_queries.waiting_position(second) == 1

"""The outbox against a real SMTP server on loopback (aiosmtpd)."""

import socket

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone

from registrations.domain import lifecycle, outbox
from registrations.models import OutgoingMail, Registration
from tests.factories import ConferenceFactory, pre_registration_data

pytestmark = pytest.mark.django_db(transaction=True)


class Recorder:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_port(settings):
    port = free_port()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }
    return port


@pytest.fixture
def smtp_server(smtp_port):
    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    yield recorder
    controller.stop()


def test_confirmation_is_delivered_through_a_real_smtp_server(smtp_server):
    registration, _ = lifecycle.pre_register(
        conference=ConferenceFactory(), data=pre_registration_data(1, email="p1@example.org")
    )
    mail = OutgoingMail.objects.get(registration=registration)
    assert mail.status == OutgoingMail.Status.SENT
    assert mail.attempts == 1
    assert len(smtp_server.messages) == 1
    envelope = smtp_server.messages[0]
    assert envelope.rcpt_tos == ["p1@example.org"]
    content = envelope.content.decode()
    assert "multipart/alternative" in content
    assert "text/html" in content


def test_mail_server_down_keeps_the_registration_and_retry_delivers(smtp_port, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    registration, created = lifecycle.pre_register(
        conference=ConferenceFactory(), data=pre_registration_data(1, email="p1@example.org")
    )
    assert created is True
    assert Registration.objects.filter(pk=registration.pk).exists()
    mail = OutgoingMail.objects.get(registration=registration)
    assert mail.status == OutgoingMail.Status.FAILED
    assert mail.attempts == 1
    assert mail.last_error

    # Not due yet: nothing is tried.
    assert outbox.deliver_due_mails() == (0, 0)

    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        time_machine.shift(outbox.RETRY_DELAYS[0])
        assert outbox.deliver_due_mails() == (1, 0)
    finally:
        controller.stop()
    mail.refresh_from_db()
    assert mail.status == OutgoingMail.Status.SENT
    assert mail.attempts == 2
    assert [e.rcpt_tos for e in recorder.messages] == [["p1@example.org"]]


def test_a_whole_day_down_loses_nothing(smtp_port, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    conference = ConferenceFactory(places=5)
    for n in range(8):
        lifecycle.pre_register(conference=conference, data=pre_registration_data(n))
    for _ in range(30):  # a day of retries with the server still down
        time_machine.shift(outbox.RETRY_DELAYS[-1])
        outbox.deliver_due_mails()
    assert OutgoingMail.objects.filter(status=OutgoingMail.Status.SENT).count() == 0
    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        time_machine.shift(outbox.RETRY_DELAYS[-1])
        assert outbox.deliver_due_mails() == (8, 0)
    finally:
        controller.stop()
    assert Registration.objects.count() == 8
    assert len(recorder.messages) == 8


def test_a_sent_mail_is_never_sent_twice(smtp_server):
    registration, _ = lifecycle.pre_register(conference=ConferenceFactory(), data=pre_registration_data(1))
    mail = OutgoingMail.objects.get(registration=registration)
    assert outbox.deliver_mail(mail.pk) is False
    assert len(smtp_server.messages) == 1


def test_line_breaks_never_reach_a_mail_header(smtp_server):
    conference = ConferenceFactory(title="Tagung\r\nBcc: evil@example.org")
    lifecycle.pre_register(conference=conference, data=pre_registration_data(1, email="p1@example.org"))
    content = smtp_server.messages[0].content.decode()
    headers = content.split("\r\n\r\n", 1)[0]
    assert "\nBcc:" not in headers
    assert "Tagung Bcc: evil@example.org" in OutgoingMail.objects.get().subject
    assert smtp_server.messages[0].rcpt_tos == ["p1@example.org"]


def test_after_a_day_down_the_office_sees_every_undelivered_mail_with_its_error(
    smtp_port, time_machine, admin_client
):
    from django.urls import reverse

    time_machine.move_to(timezone.now(), tick=False)
    conference = ConferenceFactory(places=5)
    for n in range(3):
        lifecycle.pre_register(
            conference=conference, data=pre_registration_data(n, email=f"p{n}@example.org")
        )
    for _ in range(24):  # a day of hourly retries with the server still down
        time_machine.shift(outbox.RETRY_DELAYS[-1])
        outbox.deliver_due_mails()
    response = admin_client.get(
        reverse("admin:registrations_outgoingmail_changelist") + "?status__exact=failed"
    )
    assert response.status_code == 200
    failed = list(response.context["cl"].result_list)
    assert sorted(mail.to for mail in failed) == ["p0@example.org", "p1@example.org", "p2@example.org"]
    assert all(mail.attempts == 25 and "ConnectionRefusedError" in mail.last_error for mail in failed)
    assert Registration.objects.count() == 3

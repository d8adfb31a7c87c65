"""Finding 1 of the trust review: roles that hold. Only its owner sees a personal link; the office reads
a participant's page through the admin; organisers cannot resend mails or edit export layouts."""

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.tasks import task_backends
from django.urls import reverse

from exports.models import ExportLayout
from registrations.domain import lifecycle, outbox
from registrations.models import OutgoingMail, Registration
from registrations.office.registrations import VIEWED_MESSAGE
from registrations.office.roles import OFFICE, ORGANISATION
from tests.factories import ConferenceFactory, StaffFactory, binding_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def registration():
    registered, _ = lifecycle.register_binding(conference=ConferenceFactory(), data=binding_data(1))
    return registered


@pytest.fixture(params=[OFFICE, ORGANISATION])
def staff_client(request, client):
    client.force_login(StaffFactory(roles=[request.param]))
    return client


def test_no_admin_page_shows_a_personal_link(staff_client, registration):
    mail_row = OutgoingMail.objects.filter(registration=registration).first()
    assert registration.token in mail_row.body_text  # the mail itself carries it, for its owner
    history_id = registration.history.first().history_id
    pages = [
        reverse("admin:registrations_registration_change", args=[registration.pk]),
        reverse("admin:registrations_registration_changelist"),
        reverse("admin:registrations_registration_history", args=[registration.pk]),
        reverse("admin:registrations_registration_simple_history", args=[registration.pk, history_id]),
        reverse("admin:registrations_registration_participant_page", args=[registration.pk]),
        reverse("admin:registrations_outgoingmail_change", args=[mail_row.pk]),
        reverse("admin:registrations_outgoingmail_changelist"),
    ]
    for page in pages:
        response = staff_client.get(page)
        assert response.status_code == 200, page
        assert registration.token not in response.content.decode(), page
    masked = staff_client.get(pages[5]).content.decode()
    assert "/anmeldung/[…]/" in masked
    # "View on site" would redirect to the personal link.
    content_type = ContentType.objects.get_for_model(Registration)
    assert (
        staff_client.get(reverse("admin:view_on_site", args=[content_type.pk, registration.pk])).status_code
        == 404
    )


def test_staff_read_the_participants_page_read_only_and_the_look_is_logged(client, registration):
    organiser = StaffFactory(roles=[ORGANISATION])
    client.force_login(organiser)
    url = reverse("admin:registrations_registration_participant_page", args=[registration.pk])
    change = client.get(reverse("admin:registrations_registration_change", args=[registration.pk])).content
    assert url in change.decode()
    page = client.get(url).content.decode()
    assert "Ansicht der Geschäftsstelle" in page and "Meine Anmeldung" in page
    assert registration.full_name in page and "Person1 Beispiel" in page
    assert "/anmeldung/" not in page  # no link that acts for the person
    assert 'method="post"' not in page.lower()
    entry = LogEntry.objects.get(user=organiser)
    assert (entry.object_id, entry.change_message) == (str(registration.pk), VIEWED_MESSAGE)


def test_organisers_cannot_resend_mails_and_the_office_resend_only_queues_them(
    client, registration, settings, django_capture_on_commit_callbacks
):
    failed = OutgoingMail.objects.filter(registration=registration).first()
    OutgoingMail.objects.filter(pk=failed.pk).update(status=OutgoingMail.Status.FAILED)
    changelist = reverse("admin:registrations_outgoingmail_changelist")
    action = {"action": "retry_action", "_selected_action": [failed.pk], "apply": "1"}
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    mail.outbox.clear()

    client.force_login(StaffFactory(roles=[ORGANISATION]))
    client.post(changelist, action)
    failed.refresh_from_db()
    assert (failed.status, len(mail.outbox)) == (OutgoingMail.Status.FAILED, 0)

    client.force_login(StaffFactory(roles=[OFFICE]))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(changelist, action, follow=True)
    assert "1 E-Mail erneut in die Warteschlange gestellt; sie wird versendet." in response.content.decode()
    failed.refresh_from_db()
    # Not delivered inside the request: made due, and its delivery handed to the task workers.
    assert (failed.status, failed.next_attempt_at, len(mail.outbox)) == (OutgoingMail.Status.FAILED, None, 0)
    assert [result.args for result in task_backends["default"].results] == [[failed.pk]]


def test_organisers_cannot_add_or_edit_export_layouts(client):
    conference = ConferenceFactory()
    layout = ExportLayout.objects.create(name="Standard", conference=conference, columns=["email"])
    client.force_login(StaffFactory(roles=[ORGANISATION]))
    assert client.get(reverse("admin:exports_exportlayout_add")).status_code == 403
    change = reverse("admin:exports_exportlayout_change", args=[layout.pk])
    response = client.post(change, {"name": "Geändert", "columns": "[]", "filters": "{}"})
    assert response.status_code == 403
    page = reverse("admin:exports_conference", args=[conference.pk])
    response = client.post(
        page, {"kind": "participants", "format": "csv", "save_layout": "1", "layout_name": "Neu"}
    )
    assert "Sie dürfen keine Layouts speichern." in response.content.decode()
    assert list(ExportLayout.objects.values_list("name", flat=True)) == ["Standard"]


@pytest.mark.parametrize(
    "columns, filters",
    [('{"a": 1}', "{}"), ("[]", '["status"]'), ("[]", '{"status": "holds_place"}'), ("[1]", '{"x": 1}')],
)
def test_layout_json_that_the_export_page_cannot_read_is_refused(client, columns, filters):
    conference = ConferenceFactory()
    client.force_login(StaffFactory(roles=[OFFICE]))
    response = client.post(
        reverse("admin:exports_exportlayout_add"),
        {"name": "Kaputt", "conference": conference.pk, "columns": columns, "filters": filters},
    )
    assert response.status_code == 200
    assert not ExportLayout.objects.exists()


def test_a_broken_layout_stored_earlier_does_not_break_the_export_page(client):
    conference = ConferenceFactory()
    layout = ExportLayout.objects.create(name="Alt", conference=conference, columns={"a": 1}, filters=["x"])
    client.force_login(StaffFactory(roles=[OFFICE]))
    response = client.get(reverse("admin:exports_conference", args=[conference.pk]), {"layout": layout.pk})
    assert response.status_code == 200


def test_history_rows_of_admin_changes_carry_the_staff_user(client, registration):
    office = StaffFactory(roles=[OFFICE])
    client.force_login(office)
    client.post(
        reverse("admin:registrations_registration_changelist"),
        {"action": "cancel_action", "_selected_action": [registration.pk], "apply": "1"},
    )
    registration.refresh_from_db()
    assert registration.is_cancelled
    assert registration.history.first().history_user == office


def test_mail_bodies_keep_the_link_for_the_participant(registration):
    """Masking is for the office's screens only: the mail that goes out carries the link."""
    sent = outbox.queue_mail(registration=registration, template="link_resent")
    assert registration.token in sent.body_text and registration.token in sent.body_html

import pytest
from django.urls import reverse

from tests.factories import AttendanceFactory, RegistrationFactory, StaffFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:registrations_registration_changelist"


def _act(client, action, registrations):
    return client.post(
        reverse(CHANGELIST), {"action": action, "_selected_action": [r.pk for r in registrations]}
    )


def test_selected_registrations_export_as_a_pdf_list(client, conference, populate, office_superuser):
    people = populate(3)
    client.force_login(office_superuser)

    response = _act(client, "export_list_pdf", people[:2])

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "Teilnehmerliste_Jahrestagung-2025_" in response["Content-Disposition"]


def test_selected_waiting_person_gets_a_certificate_named_after_them(client, conference, office_superuser):
    person = RegistrationFactory(conference=conference, first_name="Ida", last_name="Ost")
    AttendanceFactory(registration=person)
    client.force_login(office_superuser)

    response = _act(client, "export_certificates", [person])

    assert response.status_code == 200
    assert "Teilnahmebescheinigung-Ost-Ida_Jahrestagung-2025_" in response["Content-Disposition"]


def test_selection_across_two_conferences_is_refused(client, conference, office_superuser):
    people = [RegistrationFactory(conference=conference), RegistrationFactory()]
    client.force_login(office_superuser)

    response = _act(client, "export_list_xlsx", people)

    assert response.status_code == 302
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == ["Bitte nur Anmeldungen einer einzigen Tagung auswählen."]


def test_staff_who_may_see_registrations_but_not_export_get_no_file(client, conference):
    user = StaffFactory(username="aushilfe", password="pw", permissions=["view_registration"])
    person = RegistrationFactory(conference=conference)
    client.force_login(user)

    response = _act(client, "export_list_csv", [person])

    assert response.status_code == 302
    assert [str(m) for m in response.wsgi_request._messages] == [
        "Sie dürfen keine Teilnehmerlisten exportieren."
    ]

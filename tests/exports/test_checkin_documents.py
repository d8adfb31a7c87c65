"""Badges carry a check-in QR code; sign-in sheets and certificates follow the recorded attendance."""

import datetime as dt
import io
import subprocess

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from exports.documents import pdfs as documents
from exports.domain import files as services
from exports.models import ExportKind
from registrations.rules.attendance import conference_days, token_from_payload
from tests.factories import AttendanceFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def _export(conference, kind, **params):
    return services.export_file(conference=conference, kind=kind, format="pdf", params=params)


def _pages(content):
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def _decoded_qr_codes(pdf_bytes, tmp_path):
    path = tmp_path / "badges.pdf"
    path.write_bytes(pdf_bytes)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", path, tmp_path / "sheet"], check=True
    )
    (png,) = tmp_path.glob("sheet*.png")
    return sorted(code.text for code in zxingcpp.read_barcodes(Image.open(png)))


def test_each_badge_carries_a_qr_code_with_its_own_check_in_token(conference, populate, tmp_path):
    people = populate(3)

    codes = _decoded_qr_codes(_export(conference, ExportKind.BADGES).content, tmp_path)

    assert codes == sorted(f"VSOP-CHECKIN:{p.checkin_token}" for p in people)
    assert {token_from_payload(code) for code in codes} == {p.checkin_token for p in people}
    assert not any(p.token in code for p in people for code in codes)


def test_check_in_token_is_random_per_registration_and_not_the_personal_secret(conference):
    first, second = RegistrationFactory(conference=conference), RegistrationFactory(conference=conference)

    assert len(first.checkin_token) >= 22
    assert first.checkin_token != second.checkin_token
    assert first.checkin_token not in first.token


def test_certificates_go_only_to_people_who_attended_naming_their_days(conference, populate):
    present, absent, both_days = populate(3)
    present.last_name, absent.last_name, both_days.last_name = "Anwesend", "Abwesend", "Zweitage"
    for person in (present, absent, both_days):
        person.save()
    absent.attendances.all().delete()
    first, second = conference_days(conference)
    AttendanceFactory(registration=both_days, day=second)

    pages = _pages(_export(conference, ExportKind.CERTIFICATES).content)

    assert len(pages) == 2
    by_name = {("Anwesend" if "Anwesend" in text else "Zweitage"): text for text in pages}
    assert not any("Abwesend" in text for text in pages)
    assert f"am {first:%d.%m.%Y} teilgenommen hat" in " ".join(by_name["Anwesend"].split())
    assert f"an den Tagen {first:%d.%m.%Y} und {second:%d.%m.%Y} teilgenommen hat" in " ".join(
        by_name["Zweitage"].split()
    )


def test_certificates_for_nobody_who_attended_are_refused_with_a_german_message(conference):
    RegistrationFactory(conference=conference)

    with pytest.raises(services.ExportError, match="keine Anwesenheit erfasst"):
        _export(conference, ExportKind.CERTIFICATES)


def test_sign_in_sheet_marks_who_was_checked_in_on_each_day(conference, populate):
    early, late = populate(2)
    early.last_name, late.last_name = "Erste", "Zweite"
    early.save()
    late.save()
    first, second = conference_days(conference)
    late.attendances.update(day=second)

    table = services.lists.participant_table(
        conference, filters={"status": ["holds_place"]}, needs={services.lists.ATTENDANCE}
    )
    marked = {
        day: {name for name, _org, checked_in_at in documents.sign_in_rows(table, day) if checked_in_at}
        for day in (first, second)
    }
    recorded = {
        day: {f"{a.registration.last_name}, {a.registration.first_name}" for a in day_attendances}
        for day, day_attendances in (
            (first, early.attendances.filter(day=first)),
            (second, late.attendances.filter(day=second)),
        )
    }

    assert marked == recorded
    assert marked == {first: {f"Erste, {early.first_name}"}, second: {f"Zweite, {late.first_name}"}}
    first_page, second_page = _pages(_export(conference, ExportKind.SIGN_IN).content)
    assert "✓" in first_page and "Uhr" in first_page
    assert first_page.count("✓") == 1 and second_page.count("✓") == 1


def test_selected_person_without_attendance_gets_a_message_instead_of_a_certificate(
    client, conference, office_superuser
):
    from django.urls import reverse

    person = RegistrationFactory(conference=conference)
    client.force_login(office_superuser)

    response = client.post(
        reverse("admin:registrations_registration_changelist"),
        {"action": "export_certificates", "_selected_action": [person.pk]},
    )

    assert response.status_code == 302
    assert [str(m) for m in response.wsgi_request._messages] == [
        "Für diese Auswahl ist keine Anwesenheit erfasst. Teilnahmebescheinigungen gibt es nur für "
        "Personen, die beim Check-in vor Ort erfasst wurden."
    ]


def test_day_of_a_certificate_follows_the_berlin_calendar(conference):
    person = RegistrationFactory(conference=conference)
    day = conference_days(conference)[-1]
    AttendanceFactory(registration=person, day=day)

    (text,) = _pages(_export(conference, ExportKind.CERTIFICATES, filters={"ids": [person.pk]}).content)

    assert isinstance(day, dt.date)
    assert f"am {day:%d.%m.%Y}" in " ".join(text.split())

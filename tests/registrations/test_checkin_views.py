"""The check-in desk's pages: scan and search (JSON), the desk page with payments, receipts, the assembly list."""

import io
import json
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from registrations.models import Attendance, Payment
from registrations.office.roles import CHECKIN, OFFICE, ORGANISATION
from registrations.rules.attendance import conference_days
from tests.factories import (
    AttendanceFactory,
    ConferenceFactory,
    InvoiceFactory,
    PaymentFactory,
    ProgrammeItemFactory,
    RegistrationFactory,
    StaffFactory,
)
from tests.guards import url_or_fail

pytestmark = pytest.mark.django_db


@pytest.fixture
def conference():
    return ConferenceFactory(title="Jahrestagung 2025", places=100)


@pytest.fixture
def helper(client):
    user = StaffFactory(roles=[CHECKIN])
    client.force_login(user)
    return user


@pytest.fixture
def office(client):
    user = StaffFactory(roles=[OFFICE])
    client.force_login(user)
    return user


def _scan(client, conference, **data):
    return client.post(
        reverse("admin:registrations_checkin_scan", args=[conference.pk]),
        json.dumps(data),
        content_type="application/json",
    )


def _pdf_text(content):
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return text.replace("\u00a0", " ")


def test_checkin_page_exists_for_the_checkin_role(client, conference, helper):
    url = url_or_fail("admin:registrations_checkin", conference_id=conference.pk)

    response = client.get(url)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'src="/static/vendor/jsqr/jsQR.js"' in html
    assert 'src="/static/js/checkin.js"' in html
    assert "<script>" not in html  # no inline script under the CSP
    assert 'lang="de"' in html


def test_staff_without_the_checkin_permission_is_refused(client, conference):
    client.force_login(StaffFactory(roles=[ORGANISATION]))
    person = RegistrationFactory(conference=conference)

    page = client.get(reverse("admin:registrations_checkin", args=[conference.pk]))
    scan = _scan(client, conference, token=person.checkin_token, day=str(conference_days(conference)[0]))

    assert (page.status_code, scan.status_code) == (403, 403)
    assert Attendance.objects.count() == 0


def test_scanning_a_badge_records_the_day_and_shows_name_organisation_and_open_amount(
    client, conference, helper
):
    person = RegistrationFactory(
        conference=conference, first_name="Eva", last_name="Abel", organisation="Kreis X"
    )
    InvoiceFactory(registration=person, amount=Decimal("250.00"))
    PaymentFactory(registration=person, amount=Decimal("100.00"))
    day = conference_days(conference)[0]

    response = _scan(client, conference, token=person.checkin_token, day=day.isoformat())

    assert response.status_code == 200
    data = response.json()
    assert data["ok"] is True and data["created"] is True
    assert data["person"]["name"] == "Eva Abel"
    assert data["person"]["organisation"] == "Kreis X"
    assert data["person"]["open_amount"] == "150,00\u00a0€"
    assert data["person"]["days"] == [day.isoformat()]
    assert list(Attendance.objects.values_list("registration_id", "day", "recorded_by_id")) == [
        (person.pk, day, helper.pk)
    ]


def test_the_same_scan_sent_twice_records_one_attendance(client, conference, helper):
    person = RegistrationFactory(conference=conference)
    day = conference_days(conference)[1].isoformat()

    first = _scan(client, conference, token=person.checkin_token, day=day, client_id="a1")
    again = _scan(client, conference, token=person.checkin_token, day=day, client_id="a1")

    assert (first.json()["created"], again.json()["created"]) == (True, False)
    assert again.status_code == 200
    assert "schon eingecheckt" in again.json()["message"]
    assert Attendance.objects.count() == 1


def test_a_badge_of_another_conference_or_an_unknown_code_is_refused(client, conference, helper):
    stranger = RegistrationFactory(conference=ConferenceFactory())
    day = conference_days(conference)[0].isoformat()

    other = _scan(client, conference, token=stranger.checkin_token, day=day)
    unknown = _scan(client, conference, token="x" * 22, day=day)
    personal_secret = _scan(
        client, conference, token=RegistrationFactory(conference=conference).token, day=day
    )

    assert [r.status_code for r in (other, unknown, personal_secret)] == [404, 404, 404]
    assert other.json()["error"] == "Dieses Namensschild gehört zu keiner Anmeldung dieser Tagung."
    assert Attendance.objects.count() == 0


def test_a_person_on_the_waiting_list_is_shown_but_not_checked_in(client, conference, helper):
    from django.utils import timezone

    person = RegistrationFactory(conference=conference, status="waiting", waiting_since=timezone.now())

    response = _scan(client, conference, token=person.checkin_token, day=str(conference_days(conference)[0]))

    assert response.status_code == 409
    assert "Warteliste" in response.json()["error"]
    assert response.json()["person"]["name"] == person.full_name
    assert Attendance.objects.count() == 0


def test_a_day_outside_the_conference_or_broken_json_is_a_bad_request(client, conference, helper):
    person = RegistrationFactory(conference=conference)

    wrong_day = _scan(client, conference, token=person.checkin_token, day="2001-01-01")
    broken = client.post(
        reverse("admin:registrations_checkin_scan", args=[conference.pk]),
        "{",
        content_type="application/json",
    )

    assert (wrong_day.status_code, broken.status_code) == (400, 400)


def test_search_picks_by_name_and_records_by_registration_id(client, conference, helper):
    person = RegistrationFactory(
        conference=conference, first_name="Jörg", last_name="Weiß", organisation="Stadt Y"
    )
    RegistrationFactory(conference=conference, first_name="Anna", last_name="Weiß", status="cancelled")
    RegistrationFactory(conference=conference, last_name="Schmidt")

    found = client.get(
        reverse("admin:registrations_checkin_search", args=[conference.pk]), {"q": "weiß jörg"}
    )
    scan = _scan(client, conference, registration=person.pk, day=str(conference_days(conference)[0]))

    assert [p["name"] for p in found.json()["results"]] == ["Jörg Weiß"]
    assert scan.json()["created"] is True


@pytest.mark.parametrize("count", [1, 12])
def test_search_runs_a_constant_number_of_queries(
    client, conference, helper, django_assert_max_num_queries, count
):
    for n in range(count):
        person = RegistrationFactory(conference=conference, last_name=f"Muster{n}")
        InvoiceFactory(registration=person)
        AttendanceFactory(registration=person)

    # session, user, permissions (2), conference, registrations, attendances, invoices, payments,
    # and the savepoint around an admin page with a query string (core/admin_errors.py)
    with django_assert_max_num_queries(11):
        response = client.get(
            reverse("admin:registrations_checkin_search", args=[conference.pk]), {"q": "Muster"}
        )

    assert len(response.json()["results"]) == count


@pytest.mark.parametrize("count", [1, 5])
def test_checkin_page_runs_a_constant_number_of_queries(
    client, conference, helper, django_assert_max_num_queries, count
):
    for _n in range(count):
        AttendanceFactory(registration=RegistrationFactory(conference=conference))
    ProgrammeItemFactory(
        conference=conference, kind="assembly", title="Mitgliederversammlung", members_only=True
    )

    with django_assert_max_num_queries(8):
        response = client.get(reverse("admin:registrations_checkin", args=[conference.pk]))

    assert f"({count} Person" in response.content.decode()


def test_the_office_takes_a_cash_payment_at_the_desk_and_prints_a_receipt(client, conference, office):
    person = RegistrationFactory(conference=conference, first_name="Eva", last_name="Abel", stage="binding")
    InvoiceFactory(registration=person, amount=Decimal("250.00"), number="2025-00042")
    url = reverse("admin:registrations_checkin_desk", args=[person.pk])

    page = client.get(url)
    response = client.post(url, {"amount": "250,00", "method": "bar"})

    assert "Offen: 250,00\u00a0€" in page.content.decode()
    assert response.status_code == 302
    payment = Payment.objects.get(registration=person)
    assert (payment.amount, payment.note, payment.recorded_by) == (Decimal("250.00"), "bar", office)
    person.refresh_from_db()
    assert person.payment_status == "paid"
    receipt = client.get(reverse("admin:registrations_checkin_receipt", args=[payment.pk]))
    assert receipt["Content-Type"] == "application/pdf"
    text = _pdf_text(receipt.content)
    assert "Quittung" in text
    assert "Eva Abel" in text
    assert "250,00 €" in text
    assert "bar" in text
    assert "2025-00042" in text
    assert f"Quittung_Q-{payment.received_on:%Y}-{payment.pk:05d}.pdf" in receipt["Content-Disposition"]


def test_a_card_payment_above_the_open_amount_is_refused(client, conference, office):
    person = RegistrationFactory(conference=conference, stage="binding")
    InvoiceFactory(registration=person, amount=Decimal("250.00"))

    response = client.post(
        reverse("admin:registrations_checkin_desk", args=[person.pk]), {"amount": "300,00", "method": "Karte"}
    )

    assert response.status_code == 200
    assert "Offen sind nur 250,00\u00a0€" in response.content.decode()
    assert Payment.objects.count() == 0


def test_the_checkin_role_sees_open_money_but_takes_none(client, conference, helper):
    person = RegistrationFactory(conference=conference, stage="binding")
    InvoiceFactory(registration=person, amount=Decimal("250.00"))
    url = reverse("admin:registrations_checkin_desk", args=[person.pk])

    page = client.get(url)
    post = client.post(url, {"amount": "250,00", "method": "bar"})

    assert "Offen: 250,00\u00a0€" in page.content.decode()
    assert "Zahlung erfassen" not in page.content.decode()
    assert post.status_code == 403
    assert Payment.objects.count() == 0


def test_the_desk_page_checks_in_by_hand(client, conference, helper):
    person = RegistrationFactory(conference=conference)
    day = conference_days(conference)[1]

    response = client.post(
        reverse("admin:registrations_checkin_desk", args=[person.pk]), {"day": day.isoformat()}
    )

    assert response.status_code == 302
    assert list(person.attendances.values_list("day", flat=True)) == [day]


def test_members_assembly_gets_an_attendance_list_of_eligible_members(client, conference, helper):
    assembly = ProgrammeItemFactory(
        conference=conference,
        kind="assembly",
        title="Mitgliederversammlung",
        members_only=True,
        starts_at=conference.starts_at.replace(hour=17),
    )
    present = RegistrationFactory(
        conference=conference, is_member=True, last_name="Anwesend", member_number="77"
    )
    RegistrationFactory(conference=conference, is_member=True, last_name="Fehlt")
    RegistrationFactory(conference=conference, is_member=False, last_name="Gast")
    RegistrationFactory(conference=conference, is_member=True, last_name="Storniert", status="cancelled")
    AttendanceFactory(registration=present, day=conference_days(conference)[0])

    response = client.get(url_or_fail("admin:registrations_assembly_list", item_id=assembly.pk))

    text = _pdf_text(response.content)
    assert "Anwesenheitsliste · Mitgliederversammlung" in text
    assert "Anwesend" in text and "Fehlt" in text
    assert "Gast" not in text and "Storniert" not in text
    assert text.count("✓") == 1
    assert "(2)" in text


def test_the_attendance_list_links_to_the_checkin_page_which_opens_the_only_running_conference(
    client, conference, helper
):
    listing = client.get(reverse("admin:registrations_attendance_changelist"))
    start = client.get(reverse("admin:registrations_checkin_start"))

    assert reverse("admin:registrations_checkin_start") in listing.content.decode()
    assert start.status_code == 302
    assert start["Location"] == reverse("admin:registrations_checkin", args=[conference.pk])


def test_the_checkin_start_lets_the_desk_pick_among_several_conferences(client, conference, helper):
    other = ConferenceFactory(title="Fachtag Herbst")

    response = client.get(reverse("admin:registrations_checkin_start"))

    html = response.content.decode()
    assert reverse("admin:registrations_checkin", args=[conference.pk]) in html
    assert reverse("admin:registrations_checkin", args=[other.pk]) in html


def test_organisers_read_the_attendances_without_a_link_to_record_them(client, conference):
    AttendanceFactory(registration=RegistrationFactory(conference=conference, last_name="Dagewesen"))
    client.force_login(StaffFactory(roles=[ORGANISATION]))

    response = client.get(reverse("admin:registrations_attendance_changelist"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Dagewesen" in html
    assert reverse("admin:registrations_checkin_start") not in html

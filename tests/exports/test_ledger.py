"""The treasurer's lists: the invoice journal of a period and the open items, as Excel and CSV (issue 16)."""

import csv
import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from exports.queries.ledger import invoice_journal, open_items
from registrations.domain import dunning, lifecycle, payments
from tests.factories import ConferenceFactory, StaffFactory, invoiced_registration

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
URL = "admin:exports_money_lists"
JULY = (dt.date(2025, 7, 1), dt.date(2025, 7, 31))


@pytest.fixture
def conference(time_machine):
    time_machine.move_to(dt.datetime(2025, 7, 1, 12, 0, tzinfo=BERLIN), tick=False)
    return ConferenceFactory(
        title="VSOP-Jahrestagung 2025",
        starts_at=dt.datetime(2025, 9, 25, 10, 0, tzinfo=BERLIN),
        ends_at=dt.datetime(2025, 9, 26, 14, 0, tzinfo=BERLIN),
    )


@pytest.fixture
def books(conference, time_machine):
    """July 2025: one paid on 10.07., one open and reminded, one cancelled after paying."""
    paid = invoiced_registration(conference, 1)
    payments.record_payment(registration=paid, amount=Decimal("250.00"), received_on=dt.date(2025, 7, 10))
    reminded = invoiced_registration(conference, 2, billing_organisation="=Stadt Köln")
    cancelled = invoiced_registration(conference, 3)
    payments.record_payment(registration=cancelled, amount=Decimal("250.00"), received_on=dt.date(2025, 7, 2))
    lifecycle.cancel(registration=cancelled)
    time_machine.move_to(dt.datetime(2025, 7, 25, 12, 0, tzinfo=BERLIN), tick=False)
    dunning.send_payment_reminder(registration=reminded)
    time_machine.move_to(dt.datetime(2025, 8, 2, 12, 0, tzinfo=BERLIN), tick=False)
    invoiced_registration(conference, 4)  # August: outside the July journal
    return {"paid": paid, "reminded": reminded, "cancelled": cancelled}


def rows(table):
    return [dict(zip([c.key for c in table.columns], row, strict=True)) for row in table.typed_rows()]


def test_the_journal_lists_every_invoice_of_the_period_with_state_paid_on_and_storno(books):
    journal = rows(invoice_journal(start=JULY[0], end=JULY[1]))

    assert [
        (r["number"], r["kind"], r["gross"], r["state"], r["paid_on"], r["cancelled_by"]) for r in journal
    ] == [
        ("2025-0001", "Rechnung", Decimal("250.00"), "bezahlt", dt.date(2025, 7, 10), ""),
        ("2025-0002", "Rechnung", Decimal("250.00"), "offen", None, ""),
        ("2025-0003", "Rechnung", Decimal("250.00"), "storniert", None, "2025-0004"),
        ("2025-0004", "Stornorechnung", Decimal("-250.00"), "Storno zu 2025-0003", None, ""),
    ]
    assert {(r["net"], r["vat"]) for r in journal if r["kind"] == "Rechnung"} == {
        (Decimal("250.00"), Decimal("0.00"))
    }
    assert journal[0]["issued_on"] == dt.date(2025, 7, 1)
    assert journal[0]["recipient"] == "Landkreis Beispiel"
    assert journal[0]["participant"] == "Dr. Anna-Lena Person1"


def test_open_items_hold_what_is_owed_and_what_is_to_pay_back(books):
    items = rows(open_items(today=dt.date(2025, 8, 2)))

    assert [(r["participant"], r["open"], r["state"], r["days_overdue"], r["level"]) for r in items] == [
        ("Dr. Anna-Lena Person2", Decimal("250.00"), "offen", 18, "Zahlungserinnerung"),
        ("Dr. Anna-Lena Person3", Decimal("-250.00"), "Erstattung fällig", None, ""),
        ("Dr. Anna-Lena Person4", Decimal("250.00"), "offen", None, ""),
    ]


def test_the_journal_and_open_items_run_a_constant_number_of_queries(conference, django_assert_num_queries):
    people = [invoiced_registration(conference, n) for n in range(3)]
    for count in (1, 3):
        for n, person in enumerate(people):
            person.invoices.update(issued_on=JULY[0] if n < count else dt.date(2024, 1, 1))
        with django_assert_num_queries(1):
            assert len(list(invoice_journal(start=JULY[0], end=JULY[1]).typed_rows())) == count
    payments.record_payment(registration=people[0], amount=Decimal("1.00"), received_on=JULY[0])
    with django_assert_num_queries(3):  # registrations with balances, their invoices, the reminders
        assert len(list(open_items().typed_rows())) == 3


def test_the_office_downloads_the_journal_as_excel_with_formulas_neutralised(admin_client, books):
    response = admin_client.get(
        reverse(URL), {"kind": "journal", "start": "2025-07-01", "end": "2025-07-31", "format": "xlsx"}
    )

    assert response["Content-Disposition"].endswith(
        'filename="Rechnungsausgangsbuch_2025-07-01_2025-07-31.xlsx"'
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]][:4] == [
        "Rechnungsnummer",
        "Rechnungsdatum",
        "Art",
        "Rechnungsempfänger",
    ]
    assert sheet.max_row == 5
    assert sheet["D3"].value == "'=Stadt Köln"
    assert sheet["I2"].value == 250
    assert sheet["I2"].number_format == '#,##0.00 "€"'


def test_the_office_downloads_the_open_items_as_csv(admin_client, books):
    response = admin_client.get(
        reverse(URL), {"kind": "open_items", "start": "2025-07-01", "end": "2025-07-31", "format": "csv"}
    )

    assert response["Content-Disposition"].endswith('filename="Offene-Posten_2025-08-02.csv"')
    text = response.content.decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert table[0][0] == "Rechnungsnummer"
    assert [row[8] for row in table[1:]] == ["250,00", "-250,00", "250,00"]


def test_the_page_asks_the_period_and_refuses_an_inverted_one(admin_client, books):
    page = admin_client.get(reverse(URL))
    assert page.status_code == 200
    assert "Rechnungsausgangsbuch" in page.content.decode()
    wrong = admin_client.get(
        reverse(URL), {"kind": "journal", "start": "2025-07-31", "end": "2025-07-01", "format": "csv"}
    )
    assert "Das Ende des Zeitraums liegt vor seinem Anfang." in wrong.content.decode()


def test_organisers_may_read_the_lists_staff_without_invoice_rights_may_not(client, books):
    from registrations.office.roles import ORGANISATION

    client.force_login(StaffFactory(username="orga", roles=[ORGANISATION]))
    assert client.get(reverse(URL)).status_code == 200
    client.force_login(StaffFactory(username="aushilfe", permissions=["view_registration"]))
    assert client.get(reverse(URL)).status_code == 403


def test_the_dashboard_links_to_the_lists(admin_client, books):
    assert reverse(URL) in admin_client.get(reverse("admin:index")).content.decode()

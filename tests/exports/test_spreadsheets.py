import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from exports.domain import files as services

pytestmark = pytest.mark.django_db

INJECTION = '=HYPERLINK("http://x")'


def _xlsx(conference, columns, filters=None):
    params = {"columns": columns, "filters": filters or {"status": ["holds_place"]}}
    result = services.export_file(conference=conference, kind="participants", format="xlsx", params=params)
    return load_workbook(io.BytesIO(result.content)).active


def _csv(conference, columns):
    result = services.export_file(
        conference=conference, kind="participants", format="csv", params={"columns": columns}
    )
    return result.content


def test_formula_in_a_name_stays_text_in_excel(conference, populate):
    person = populate(1)[0]
    person.last_name = INJECTION
    person.first_name = "@SUM(A1)"
    person.organisation = "+49 221 123"
    person.position = "-Leitung"
    person.save()

    sheet = _xlsx(conference, ["last_name", "first_name", "organisation", "position"])

    values = [cell.value for cell in sheet[2]]
    assert values == ["'" + INJECTION, "'@SUM(A1)", "'+49 221 123", "'-Leitung"]
    assert [cell.data_type for cell in sheet[2]] == ["s", "s", "s", "s"]


def test_tab_and_carriage_return_at_the_start_are_neutralised(conference, populate):
    person = populate(1)[0]
    person.organisation = "\tStadt"
    person.position = "\rAmt"
    person.save()

    sheet = _xlsx(conference, ["organisation", "position"])

    # XML reads a carriage return back as a line feed; the apostrophe is what counts.
    assert [cell.value for cell in sheet[2]] == ["'\tStadt", "'\nAmt"]


def test_formula_in_a_name_stays_text_in_csv(conference, populate):
    person = populate(1)[0]
    person.last_name = INJECTION
    person.first_name = "Anna"
    person.save()

    content = _csv(conference, ["last_name", "first_name"])

    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert rows == [["Nachname", "Vorname"], ["'" + INJECTION, "Anna"]]


def test_csv_is_utf8_with_bom_and_semicolons(conference, populate):
    person = populate(1)[0]
    person.last_name = "Müller"
    person.save()

    content = _csv(conference, ["last_name", "fee", "is_member"])

    assert content.startswith(b"\xef\xbb\xbf")
    assert content.decode("utf-8-sig").splitlines() == ["Nachname;Gebühr;Mitglied", "Müller;;ja"]


def test_excel_columns_are_typed_with_frozen_header_and_autofilter(conference, populate):
    people = populate(2)
    paying = people[1]
    paying.fee = Decimal("250.00")
    paying.registered_at = dt.datetime(2025, 6, 1, 10, 0, tzinfo=dt.UTC)
    paying.save()

    sheet = _xlsx(conference, ["name", "fee", "registered_at", "is_member"])

    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:D3"
    assert [c.value for c in sheet[1]] == ["Name", "Gebühr", "angemeldet am", "Mitglied"]
    row = next(
        r for r in sheet.iter_rows(min_row=2) if r[0].value == f"{paying.last_name}, {paying.first_name}"
    )
    assert row[1].value == 250
    assert row[1].number_format == '#,##0.00 "€"'
    assert row[2].value == dt.datetime(2025, 6, 1, 0, 0)
    assert row[2].is_date
    assert row[3].value == "nein"


def test_neutralise_leaves_harmless_text_and_numbers_alone():
    from exports.documents.spreadsheets import neutralise

    assert neutralise("Anna") == "Anna"
    assert neutralise(Decimal("-5")) == Decimal("-5")
    assert neutralise("-5") == "'-5"

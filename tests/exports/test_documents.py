import datetime as dt
import io
import re
import subprocess

import pytest
import time_machine
from pypdf import PdfReader

from core import pdf
from exports.documents import pdfs as documents
from exports.domain import files as services
from exports.models import ExportKind

pytestmark = pytest.mark.django_db


def _text(content):
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages), len(reader.pages)


def _export(conference, kind, **params):
    return services.export_file(conference=conference, kind=kind, format="pdf", params=params)


def test_office_list_shows_chosen_columns_and_filters(conference, populate):
    people = populate(3)
    people[0].last_name = "Müller-Lüdenscheidt"
    people[0].save()

    result = _export(conference, ExportKind.PARTICIPANTS, columns=["name", "organisation", "phase_1"])

    text, pages = _text(result.content)
    assert pages == 1
    assert "Teilnehmerliste: Jahrestagung 2025" in text
    assert "Müller-Lüdenscheidt" in text
    assert "AP 1: Workshop" in text
    assert "Workshop A" in text
    assert "3 Personen · Platz gesichert" in text
    assert "Seite 1 von 1" in text
    assert "E-Mail" not in text


def test_consent_list_leaves_out_people_who_did_not_agree(conference, populate):
    people = populate(4)  # the fixture: every fourth person (index 0) did not agree
    people[0].last_name = "Ohnezustimmung"
    people[0].save()
    people[1].last_name = "Mitzustimmung"
    people[1].save()

    text, _pages = _text(_export(conference, ExportKind.CONSENT, options={"with_city": True}).content)

    assert "Mitzustimmung" in text
    assert "Ohnezustimmung" not in text
    assert "Ort" in text
    assert "Köln" in text
    assert "person1@example.org" not in text


def test_consent_list_ignores_the_office_columns_and_filters(conference, populate):
    populate(2)

    table = services.normalise_params(
        ExportKind.CONSENT, {"columns": ["email", "fee"], "filters": {"status": ["cancelled"]}}
    )

    assert table["columns"] == ["name", "organisation"]
    assert table["filters"] == {"status": ["holds_place"], "list_consent": True}


def test_sign_in_sheet_has_one_section_per_day_with_a_signature_column(conference, populate):
    populate(2)

    text, pages = _text(_export(conference, ExportKind.SIGN_IN).content)

    days = [d.strftime("%d.%m.%Y") for d in (conference.starts_at.date(), conference.ends_at.date())]
    assert pages == 2
    assert all("Unterschriftenliste · " in text and day in text for day in days)
    assert text.count("Unterschrift\n") + text.count("Unterschrift ") >= 2


def test_sign_in_sheet_for_one_chosen_day(conference, populate):
    populate(2)
    day = conference.ends_at.date()

    text, pages = _text(_export(conference, ExportKind.SIGN_IN, options={"day": day.isoformat()}).content)

    assert pages == 1
    assert day.strftime("%d.%m.%Y") in text


def test_badges_show_name_organisation_and_assignments(conference, populate):
    person = populate(9)[0]
    person.first_name, person.last_name, person.organisation = "Anna", "Schmidt", "Landkreis Beispiel"
    person.save()

    text, pages = _text(_export(conference, ExportKind.BADGES).content)

    assert pages == 2  # 8 badges per sheet
    assert "Anna Schmidt" in text
    assert "Landkreis Beispiel" in text
    assert "AP 1: Workshop A · AP 2: Gruppe 1" in text
    assert "Blatt 2 von 2" in text


def test_badge_layout_fits_standard_holders_on_a4():
    sheets = documents.badge_sheets([])
    assert sheets == []
    assert documents.BADGE_LEFT == 15
    assert documents.BADGE_TOP == 38.5
    assert documents.BADGE_LEFT * 2 + 2 * documents.BADGE_WIDTH == 210


def test_certificates_one_page_per_participant(conference, populate):
    people = populate(2)
    people[0].salutation = "frau"
    people[0].academic_title = "Dr."
    people[0].first_name, people[0].last_name = "Eva", "Abel"
    people[0].save()

    result = _export(conference, ExportKind.CERTIFICATES)

    text, pages = _text(result.content)
    assert pages == 2
    assert "Teilnahmebescheinigung" in text
    assert "Frau Dr. Eva Abel" in text
    assert "teilgenommen hat" in text


def test_single_certificate_is_named_after_the_person(conference, populate):
    person = populate(1)[0]
    person.first_name, person.last_name = "Jörg", "Weiß"
    person.save()

    with time_machine.travel(dt.datetime(2025, 9, 20, 12, tzinfo=dt.UTC)):
        result = _export(conference, ExportKind.CERTIFICATES)

    assert result.filename == "Teilnahmebescheinigung-Weiss-Joerg_Jahrestagung-2025_2025-09-20.pdf"


def test_filenames_say_what_and_when(conference):
    with time_machine.travel(dt.datetime(2025, 9, 20, 12, tzinfo=dt.UTC)):
        result = services.export_file(conference=conference, kind="participants", format="xlsx")
        badges = _export(conference, ExportKind.BADGES)

    assert result.filename == "Teilnehmerliste_Jahrestagung-2025_2025-09-20.xlsx"
    assert badges.filename == "Namensschilder_Jahrestagung-2025_2025-09-20.pdf"


def test_long_list_is_rendered_in_chunks_with_continuous_numbers(conference, populate, monkeypatch):
    monkeypatch.setattr(pdf, "CHUNK_ROWS", 3)
    populate(7)

    text, pages = _text(_export(conference, ExportKind.PARTICIPANTS, columns=["name"]).content)

    assert pages == 3
    assert "Seite 1 von 3" in text and "Seite 3 von 3" in text
    assert "7 Personen" in text
    assert text.count("Teilnehmerliste: Jahrestagung 2025") == 1


def _page_numbers(content):
    """The 'Seite n von N' each page of a PDF says, as (n, N) pairs per page."""
    pages = PdfReader(io.BytesIO(content)).pages
    return [
        [(int(n), int(of)) for n, of in re.findall(r"Seite (\d+) von (\d+)", p.extract_text())] for p in pages
    ]


def test_every_page_of_a_chunked_list_says_its_own_number_of_all(conference, populate, monkeypatch):
    """The chunks are joined and numbered afterwards: 1..N on every page, N the pages of the file."""
    monkeypatch.setattr(pdf, "CHUNK_ROWS", 3)
    populate(8)  # chunks of 3, 3, 2 rows, one page each

    content = _export(conference, ExportKind.PARTICIPANTS, columns=["name", "organisation"]).content

    assert _page_numbers(content) == [[(1, 3)], [(2, 3)], [(3, 3)]]


def test_every_page_of_chunked_sign_in_sheets_says_its_own_number_of_all(conference, populate, monkeypatch):
    monkeypatch.setattr(pdf, "CHUNK_ROWS", 2)
    populate(3)  # two days, chunks of 2 and 1 people each: four pages

    content = _export(conference, ExportKind.SIGN_IN).content

    assert _page_numbers(content) == [[(n, 4)] for n in range(1, 5)]


def _words(content, page):
    """(word, x max, y max) on a page, from poppler's pdftotext -bbox (top-left origin, pt)."""
    html = subprocess.run(
        ["pdftotext", "-f", str(page), "-l", str(page), "-bbox", "-", "-"],
        input=content,
        capture_output=True,
        check=True,
    ).stdout.decode()
    pattern = r'xMax="([\d.]+)" yMax="([\d.]+)">([^<]+)</word>'
    return [(word, float(x), float(y)) for x, y, word in re.findall(pattern, html)]


def test_the_stamped_page_number_sits_in_the_footer_line_at_the_right_margin(
    conference, populate, monkeypatch
):
    """Where WeasyPrint's own footer puts it: on the line of 'gedruckt am', ending at the margin."""
    monkeypatch.setattr(pdf, "CHUNK_ROWS", 3)
    populate(4)
    columns = ["name", "organisation", "email", "is_member", "status", "payment_status", "phase_1", "phase_2"]

    words = _words(_export(conference, ExportKind.PARTICIPANTS, columns=columns).content, page=2)

    page_width, page_height, mm = 841.89, 595.28, 72 / 25.4  # A4 landscape
    printed = next(y for word, _x, y in words if word == "gedruckt")
    footer_right = [(word, x, y) for word, x, y in words if y > page_height - 18 * mm and x > page_width / 2]
    assert [word for word, _x, _y in footer_right] == ["Seite", "2", "von", "2"]
    number = [(x, y) for _word, x, y in footer_right]
    assert all(abs(y - printed) < 1 for _x, y in number)
    assert abs(max(x for x, _y in number) - (page_width - 12 * mm)) < 0.5  # LIST_MARGIN's right


def test_a_long_list_reports_its_progress_chunk_by_chunk(conference, populate, monkeypatch):
    """The job page of a long export moves on with every chunk, not only at the end."""
    monkeypatch.setattr(pdf, "CHUNK_ROWS", 3)
    populate(7)  # three chunks
    reported = []

    services.export_file(
        conference=conference,
        kind=ExportKind.PARTICIPANTS,
        format="pdf",
        params={"columns": ["name"]},
        progress=lambda done, total: reported.append(100 * done // total),
    )

    assert reported == [5, 5, 35, 65, 95, 95]


def test_badges_are_pdf_only(conference):
    with pytest.raises(services.ExportError, match="nur als PDF"):
        services.export_file(conference=conference, kind="badges", format="xlsx")


def test_the_row_number_1000_stays_on_one_line(conference):
    """The number column grows with the digits of the list's length ('100' over '0' before)."""
    headers = ["Name", "Organisation", "E-Mail"]
    rows = [
        ("Yılmaz-992, Anna", "Landkreis Beispiel 22, Amt für Soziales", "person992@landkreis-beispiel.de")
    ]
    widths = documents._column_widths(headers, rows * 1000, table_mm=273)
    context = {"conference": conference, "headers": headers, "widths": widths, "landscape": True}
    context |= {"rows": rows * 5, "row_offset": 995, "row_count": 1000, "first_chunk": False, "chunked": True}

    text, _pages = _text(pdf.render_pdf("documents/lists/participants.html", context))

    assert [line.split(" ", 1)[0] for line in text.splitlines() if "Anna" in line] == [
        "996",
        "997",
        "998",
        "999",
        "1000",
    ]

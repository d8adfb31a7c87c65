"""PDF lists of a conference, rendered with WeasyPrint through core.pdf (render_pdfs: on both cores).

Templates live in templates/documents/lists/ and extend the letterhead of
templates/documents/base.html (page numbers, print date, table headers
repeated on every page); badges are their own page layout.
"""

import segno
from django.utils import timezone
from django.utils.translation import gettext as _

from core import pdf
from registrations.rules.attendance import days_text, qr_payload

from ..queries import lists

# Badge sheet for standard badge holders: A4, 2 × 4 cards of 90 × 55 mm, centred.
PAGE_WIDTH, PAGE_HEIGHT = 210, 297
BADGE_WIDTH, BADGE_HEIGHT = 90, 55
BADGE_COLUMNS, BADGE_ROWS = 2, 4
BADGE_LEFT = (PAGE_WIDTH - BADGE_COLUMNS * BADGE_WIDTH) / 2
BADGE_TOP = (PAGE_HEIGHT - BADGE_ROWS * BADGE_HEIGHT) / 2
CUT_MARK_GAP, CUT_MARK_LENGTH = 3, 7


LIST_MARGIN = "15mm 12mm 18mm 12mm"
SIGN_IN_MARGIN = "15mm 15mm 18mm 18mm"
LETTER_MARGIN = "22mm 18mm 22mm 22mm"


def _no_progress(done, total):
    pass


def _render_rows_in_chunks(template, rows, context, *, margin, chunk_size=None, progress=_no_progress):
    """Render a table template once per chunk of rows and join the parts (see core/pdf.py).

    `progress(done, total)` hears of every chunk rendered, so a long list's job page moves on;
    the chunks are laid out on both cores at once (core.pdf.render_pdfs).
    """
    parts = pdf.chunks(rows, chunk_size or pdf.CHUNK_ROWS)
    documents, offset = [], 0
    for index, part in enumerate(parts):
        documents.append(
            (
                template,
                {
                    **context,
                    "rows": part,
                    "row_offset": offset,
                    "row_count": len(rows),
                    "first_chunk": index == 0,
                    "chunked": len(parts) > 1,
                },
            )
        )
        offset += len(part)
    rendered = pdf.render_pdfs(documents, progress=progress)
    return pdf.join_pdfs(rendered, margin=margin)


CHAR_MM, BOLD_CHAR_MM, CELL_PADDING_MM, NUMBER_COLUMN_MM = 1.75, 1.9, 3.5, 9
DIGIT_MM = 1.8  # a digit of DejaVu Sans at 8 pt: 0.636 em
SHORT_TEXT = 10  # values up to this many characters ('250,00 €', 'Gruppe 10') never wrap


def _percentile90(values):
    values = sorted(values) or [0]
    return values[int(0.9 * (len(values) - 1))]


def _column_widths(headers, rows, *, table_mm):
    """Column widths in percent, as an automatic table layout would share the page.

    Each column wants room for its typical text on one line (90th percentile of
    the length) and gets at least its longest word (header or typical cell)
    and room for a short value on one line;
    when the page is too narrow, the room above that minimum is shared in
    proportion. A fixed table layout with these widths is faster for WeasyPrint
    than an automatic one and keeps the columns equal in every chunk.
    """
    number_mm = max(NUMBER_COLUMN_MM, len(str(len(rows))) * DIGIT_MM + CELL_PADDING_MM)  # '1000' in one line
    wants, floors = [], []
    for index, header in enumerate(headers):
        typical = min(_percentile90(len(row[index]) for row in rows), 60)
        longest_cell_word = _percentile90(
            max((len(w) for w in row[index].split()), default=0) for row in rows
        )
        longest_header_word = max((len(word) for word in header.split()), default=0)
        floor = (
            max(
                longest_header_word * BOLD_CHAR_MM, max(longest_cell_word, min(typical, SHORT_TEXT)) * CHAR_MM
            )
            + CELL_PADDING_MM
        )
        floors.append(floor)
        wants.append(max(typical * CHAR_MM + CELL_PADDING_MM, floor))
    available = table_mm - number_mm
    if sum(wants) > available:
        spare = max(available - sum(floors), 0)
        share = spare / (sum(wants) - sum(floors) or 1)
        widths = [f + (w - f) * share for w, f in zip(wants, floors, strict=True)]
    else:
        widths = [w * available / (sum(wants) or 1) for w in wants]
    total = number_mm + sum(widths)
    return [f"{100 * w / total:.2f}%" for w in (number_mm, *widths)]


def participant_list_pdf(table, *, filters_text="", progress=_no_progress):
    """The office's list with the chosen columns; landscape when the columns need the width."""
    orientation = "landscape" if sum(c.width for c in table.columns) > 140 else "portrait"
    rows = list(table.text_rows())
    return _render_rows_in_chunks(
        "documents/lists/participants.html",
        rows,
        {
            "conference": table.conference,
            "headers": table.headers,
            "widths": _column_widths(
                table.headers, rows, table_mm=273 if orientation == "landscape" else 186
            ),
            "landscape": orientation == "landscape",
            "filters_text": filters_text,
        },
        margin=LIST_MARGIN,
        progress=progress,
    )


def consent_list_pdf(table, *, progress=_no_progress):
    """The list handed out to all participants: only people who agreed to be on it."""
    return _render_rows_in_chunks(
        "documents/lists/consent.html",
        list(table.text_rows()),
        {"conference": table.conference, "headers": table.headers},
        margin=LETTER_MARGIN,
        chunk_size=2 * pdf.CHUNK_ROWS,  # two short columns: cheap rows
        progress=progress,
    )


def _checked_in_at(registration, day):
    """'09:12' when the person was checked in on `day` (needs ATTENDANCE prefetched), else ''."""
    for attendance in registration.attendances.all():
        if attendance.day == day:
            return timezone.localtime(attendance.recorded_at).strftime("%H:%M")
    return ""


def sign_in_rows(table, day):
    """(name, organisation, checked in at) per person for the sheet of one day.

    The sheet and the check-in agree: whoever was scanned that day is marked with
    the time, the others sign by hand.
    """
    name = lists.STATIC_KEYS["name"].get
    return [(name(r), r.organisation, _checked_in_at(r, day)) for r in table.registrations]


def sign_in_sheets_pdf(table, *, days=None):
    """One sign-in sheet (Unterschriftenliste) per conference day, with a signature column."""
    days = days or lists.conference_days(table.conference)
    chunked = len(days) * len(pdf.chunks(table.registrations)) > 1
    documents = []
    for day in days:
        offset = 0
        for part in pdf.chunks(sign_in_rows(table, day)):
            context = {"conference": table.conference, "day": day, "people": part}
            context |= {"row_offset": offset, "first_chunk": offset == 0, "chunked": chunked}
            documents.append(("documents/lists/sign_in.html", context))
            offset += len(part)
    return pdf.join_pdfs(pdf.render_pdfs(documents), margin=SIGN_IN_MARGIN)


def _cut_marks():
    xs = [BADGE_LEFT + i * BADGE_WIDTH for i in range(BADGE_COLUMNS + 1)]
    ys = [BADGE_TOP + i * BADGE_HEIGHT for i in range(BADGE_ROWS + 1)]
    bottom = BADGE_TOP + BADGE_ROWS * BADGE_HEIGHT
    right = BADGE_LEFT + BADGE_COLUMNS * BADGE_WIDTH
    marks = []
    for x in xs:
        marks.append(("v", x, BADGE_TOP - CUT_MARK_GAP - CUT_MARK_LENGTH))
        marks.append(("v", x, bottom + CUT_MARK_GAP))
    for y in ys:
        marks.append(("h", BADGE_LEFT - CUT_MARK_GAP - CUT_MARK_LENGTH, y))
        marks.append(("h", right + CUT_MARK_GAP, y))
    return [{"kind": k, "left": f"{x:.1f}", "top": f"{y:.1f}"} for k, x, y in marks]


def badge_qr(registration):
    """The badge's check-in QR code as an SVG data URI (segno; WeasyPrint draws it as vector)."""
    return segno.make(qr_payload(registration), error="m").svg_data_uri(border=1)


def badge_sheets(registrations):
    """Badges laid out in sheets: each card knows its position on the page in mm."""
    per_sheet = BADGE_COLUMNS * BADGE_ROWS
    sheets = []
    for start in range(0, len(registrations), per_sheet):
        cards = []
        for index, r in enumerate(registrations[start : start + per_sheet]):
            row, column = divmod(index, BADGE_COLUMNS)
            name = f"{r.first_name} {r.last_name}"
            cards.append(
                {
                    "left": f"{BADGE_LEFT + column * BADGE_WIDTH:.1f}",
                    "top": f"{BADGE_TOP + row * BADGE_HEIGHT:.1f}",
                    "title": r.academic_title,
                    "name": name,
                    "name_size": "long" if len(name) > 24 else ("medium" if len(name) > 17 else "short"),
                    "organisation": r.organisation,
                    "assignments": lists.assignments(r),
                    "qr": badge_qr(r),
                }
            )
        sheets.append(cards)
    return sheets


BADGE_SHEETS_PER_CHUNK = 30
CERTIFICATES_PER_CHUNK = 60


def badges_pdf(table):
    """Name badges on A4 sheets for standard badge holders, with cut marks."""
    sheets = badge_sheets(table.registrations)
    numbered = [{"number": n, "cards": cards} for n, cards in enumerate(sheets, start=1)]
    rendered = pdf.render_pdfs(
        (
            "documents/lists/badges.html",
            {
                "conference": table.conference,
                "sheets": part,
                "sheet_count": len(sheets),
                "marks": _cut_marks(),
                "badge_width": BADGE_WIDTH,
                "badge_height": BADGE_HEIGHT,
            },
        )
        for part in pdf.chunks(numbered, BADGE_SHEETS_PER_CHUNK)
    )
    # Each sheet prints its own number; no stamped page numbers on badge sheets.
    return pdf.join_pdfs(rendered, number_pages=False)


def certificates_pdf(table):
    """Certificates of attendance (Teilnahmebescheinigungen), one page per person who was there.

    Only people checked in on at least one day get one, and it names those days
    (registrations.rules.attendance.certificate_days); needs ATTENDANCE prefetched.
    """
    people = [
        {
            "registration": r,
            "name": r.full_name,
            "salutation": r.get_salutation_display() if r.salutation in ("frau", "herr") else "",
            "assignments": lists.assignments(r),
            "days": days_text(days),
            "day_count": len(days),
        }
        for r in table.registrations
        if (days := lists.attended_days(r))
    ]
    # A certificate stands alone: no "Seite n von N" across the batch.
    rendered = pdf.render_pdfs(
        (
            "documents/lists/certificates.html",
            {"conference": table.conference, "people": part, "title": _("Teilnahmebescheinigung")},
        )
        for part in pdf.chunks(people, CERTIFICATES_PER_CHUNK)
    )
    return pdf.join_pdfs(rendered, number_pages=False)

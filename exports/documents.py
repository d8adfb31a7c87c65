"""PDF lists of a conference, rendered with WeasyPrint through registrations.documents.render_pdf.

Templates live in templates/documents/lists/ and extend the letterhead of
templates/documents/base.html (page numbers, print date, table headers
repeated on every page); badges are their own page layout.
"""

from django.utils.translation import gettext as _

from registrations.documents import render_pdf

from . import lists

# Badge sheet for standard badge holders: A4, 2 × 4 cards of 90 × 55 mm, centred.
PAGE_WIDTH, PAGE_HEIGHT = 210, 297
BADGE_WIDTH, BADGE_HEIGHT = 90, 55
BADGE_COLUMNS, BADGE_ROWS = 2, 4
BADGE_LEFT = (PAGE_WIDTH - BADGE_COLUMNS * BADGE_WIDTH) / 2
BADGE_TOP = (PAGE_HEIGHT - BADGE_ROWS * BADGE_HEIGHT) / 2
CUT_MARK_GAP, CUT_MARK_LENGTH = 3, 7


def participant_list_pdf(table, *, filters_text=""):
    """The office's list with the chosen columns; landscape when the columns need the width."""
    landscape = sum(c.width for c in table.columns) > 140
    return render_pdf(
        "documents/lists/participants.html",
        {
            "conference": table.conference,
            "headers": table.headers,
            "rows": list(table.text_rows()),
            "landscape": landscape,
            "filters_text": filters_text,
        },
    )


def consent_list_pdf(table):
    """The list handed out to all participants: only people who agreed to be on it."""
    return render_pdf(
        "documents/lists/consent.html",
        {"conference": table.conference, "headers": table.headers, "rows": list(table.text_rows())},
    )


def sign_in_sheets_pdf(table, *, days=None):
    """One sign-in sheet (Unterschriftenliste) per conference day, with a signature column."""
    days = days or lists.conference_days(table.conference)
    people = [(lists.display(lists.STATIC_KEYS["name"].get(r)), r.organisation) for r in table.registrations]
    return render_pdf(
        "documents/lists/sign_in.html",
        {"conference": table.conference, "days": days, "people": people},
    )


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
                }
            )
        sheets.append(cards)
    return sheets


def badges_pdf(table):
    """Name badges on A4 sheets for standard badge holders, with cut marks."""
    return render_pdf(
        "documents/lists/badges.html",
        {
            "conference": table.conference,
            "sheets": badge_sheets(table.registrations),
            "marks": _cut_marks(),
            "badge_width": BADGE_WIDTH,
            "badge_height": BADGE_HEIGHT,
        },
    )


def certificates_pdf(table):
    """Certificates of attendance (Teilnahmebescheinigungen), one page per participant."""
    people = [
        {
            "registration": r,
            "name": r.full_name,
            "salutation": r.get_salutation_display() if r.salutation in ("frau", "herr") else "",
            "assignments": lists.assignments(r),
        }
        for r in table.registrations
    ]
    return render_pdf(
        "documents/lists/certificates.html",
        {"conference": table.conference, "people": people, "title": _("Teilnahmebescheinigung")},
    )

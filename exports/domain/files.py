"""One export rendered to a file (PDF, Excel or CSV) and named: what every export path calls.

Small lists are rendered right away (exports.domain.dispatch), long ones by a
background job (exports.domain.jobs); both call `export_file()`.
"""

import re
import unicodedata
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from programme.models import Workshop
from registrations.models import DiscussionGroup, Registration

from ..documents import pdfs as documents
from ..documents import spreadsheets
from ..models import ExportFormat, ExportKind
from ..queries import lists
from ..rules import only_as_pdf

CONTENT_TYPES = {
    ExportFormat.PDF: "application/pdf",
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ExportFormat.CSV: "text/csv; charset=utf-8",
}

FILE_PREFIXES = {
    ExportKind.PARTICIPANTS: "Teilnehmerliste",
    ExportKind.CONSENT: "Teilnehmende",
    ExportKind.SIGN_IN: "Unterschriftenliste",
    ExportKind.BADGES: "Namensschilder",
    ExportKind.CERTIFICATES: "Teilnahmebescheinigungen",
}


class ExportError(Exception):
    """An export the office asked for that cannot be made; the message is German."""


@dataclass
class ExportFile:
    filename: str
    content_type: str
    content: bytes


def file_slug(text):
    """'Jahrestagung 2025' → 'Jahrestagung-2025'; umlauts spelt out, case kept."""
    text = text.translate(
        str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"})
    )
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-") or "Tagung"


def export_filename(prefix, conference, extension, *, on=None):
    """`Teilnehmerliste_Jahrestagung-2025_2025-09-20.pdf`: what, which conference, exported when."""
    on = on or timezone.localdate()
    return f"{file_slug(prefix)}_{file_slug(conference.title)}_{on.isoformat()}.{extension}"


def normalise_params(kind, params):
    """Columns, filters and options a given list really uses (the consent list ignores the office's picks)."""
    params = dict(params or {})
    filters = dict(params.get("filters") or lists.DEFAULT_FILTERS)
    columns = list(params.get("columns") or lists.DEFAULT_COLUMNS)
    options = dict(params.get("options") or {})
    if kind == ExportKind.CONSENT:
        # Only people holding a place who agreed to be on the list; no other filter applies.
        filters = {"status": [Registration.Status.HOLDS_PLACE], "list_consent": True}
        columns = [*lists.CONSENT_COLUMNS, *(["city"] if options.get("with_city") else [])]
    if kind == ExportKind.CERTIFICATES:
        # A certificate of attendance only for whoever was checked in (Check-in vor Ort).
        filters["attended"] = True
    return {"columns": columns, "filters": filters, "options": options}


def describe_filters(conference, filters):
    """The filters in words, printed under the title of the office list."""
    parts = []
    statuses = filters.get("status") or []
    if statuses:
        labels = dict(Registration.Status.choices)
        parts.append(", ".join(str(labels[s]) for s in statuses if s in labels))
    if stage := filters.get("stage"):
        parts.append(str(dict(Registration.Stage.choices).get(stage, "")))
    paid = {"yes": _("bezahlt"), "no": _("nicht bezahlt")}.get(filters.get("paid"))
    if paid:
        parts.append(paid)
    member = {"yes": _("Mitglieder"), "no": _("Nicht-Mitglieder")}.get(filters.get("member"))
    if member:
        parts.append(member)
    if workshop_id := filters.get("workshop"):
        workshop = Workshop.objects.filter(pk=workshop_id, phase__conference=conference).first()
        if workshop:
            parts.append(_("Workshop: %(title)s") % {"title": workshop.title})
    if group_id := filters.get("group"):
        group = DiscussionGroup.objects.filter(pk=group_id, phase__conference=conference).first()
        if group:
            parts.append(_("Gruppe: %(name)s") % {"name": group})
    if filters.get("ids"):
        parts.append(_("Auswahl aus der Anmeldungsliste"))
    return " · ".join(p for p in parts if p)


def _noop(done, total):
    pass


# Progress in percent: the list read, then the PDF chunk by chunk (a 5,000-row list takes a
# minute; the job page shows each chunk), then the file named.
READ, RENDERED = 5, 95


def export_file(*, conference, kind, format, params=None, progress=_noop):
    """Render one export to bytes. `progress(done, 100)` hears how far it got (in percent)."""
    if only_as_pdf(kind, format):
        raise ExportError(_("Diese Liste gibt es nur als PDF."))
    params = normalise_params(kind, params)
    needs = {lists.BOOKINGS, lists.GROUPS} if kind in (ExportKind.BADGES, ExportKind.CERTIFICATES) else set()
    if kind in (ExportKind.SIGN_IN, ExportKind.CERTIFICATES):
        needs.add(lists.ATTENDANCE)
    table = lists.participant_table(conference, params["columns"], params["filters"], needs=needs)
    progress(READ, 100)

    def rendering(done, total):
        progress(READ + (RENDERED - READ) * done // total, 100)

    if kind == ExportKind.CERTIFICATES and not table.registrations:
        raise ExportError(
            _(
                "Für diese Auswahl ist keine Anwesenheit erfasst. Teilnahmebescheinigungen gibt es nur "
                "für Personen, die beim Check-in vor Ort erfasst wurden."
            )
        )
    if format == ExportFormat.XLSX:
        content = spreadsheets.table_to_xlsx(table, title=FILE_PREFIXES[kind])
    elif format == ExportFormat.CSV:
        content = spreadsheets.table_to_csv(table)
    elif kind == ExportKind.PARTICIPANTS:
        content = documents.participant_list_pdf(
            table, filters_text=describe_filters(conference, params["filters"]), progress=rendering
        )
    elif kind == ExportKind.CONSENT:
        content = documents.consent_list_pdf(table, progress=rendering)
    elif kind == ExportKind.SIGN_IN:
        day = params["options"].get("day")
        days = [d for d in lists.conference_days(conference) if d.isoformat() == day] if day else None
        content = documents.sign_in_sheets_pdf(table, days=days)
    elif kind == ExportKind.BADGES:
        content = documents.badges_pdf(table)
    else:
        content = documents.certificates_pdf(table)
    progress(RENDERED, 100)
    prefix = FILE_PREFIXES[kind]
    if kind == ExportKind.CERTIFICATES and len(table.registrations) == 1:
        only = table.registrations[0]
        prefix = f"Teilnahmebescheinigung-{only.last_name}-{only.first_name}"
    return ExportFile(
        filename=export_filename(prefix, conference, format),
        content_type=CONTENT_TYPES[format],
        content=content,
    )

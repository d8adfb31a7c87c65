"""Producing export files: right away for small lists, as a background job for long ones."""

import datetime as dt
import logging
import re
import unicodedata
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from programme.models import Workshop
from registrations.models import DiscussionGroup, Registration

from . import documents, lists, spreadsheets
from .models import ExportFormat, ExportJob, ExportKind

logger = logging.getLogger(__name__)

PERMISSION = "exports.export_participants"

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

# Lists that only exist as printed pages.
PDF_ONLY = {ExportKind.SIGN_IN, ExportKind.BADGES, ExportKind.CERTIFICATES}


class ExportError(Exception):
    """An export the office asked for that cannot be made; the message is German."""


@dataclass
class ExportFile:
    filename: str
    content_type: str
    content: bytes


def can_export(user):
    return bool(user.is_active and user.is_staff and user.has_perm(PERMISSION))


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


def export_file(*, conference, kind, format, params=None, progress=_noop):
    """Render one export to bytes. `progress(done, total)` is told about the three steps."""
    if kind in PDF_ONLY and format != ExportFormat.PDF:
        raise ExportError(_("Diese Liste gibt es nur als PDF."))
    params = normalise_params(kind, params)
    needs = {lists.BOOKINGS, lists.GROUPS} if kind in (ExportKind.BADGES, ExportKind.CERTIFICATES) else set()
    table = lists.participant_table(conference, params["columns"], params["filters"], needs=needs)
    progress(1, 3)
    if format == ExportFormat.XLSX:
        content = spreadsheets.table_to_xlsx(table, title=FILE_PREFIXES[kind])
    elif format == ExportFormat.CSV:
        content = spreadsheets.table_to_csv(table)
    elif kind == ExportKind.PARTICIPANTS:
        content = documents.participant_list_pdf(
            table, filters_text=describe_filters(conference, params["filters"])
        )
    elif kind == ExportKind.CONSENT:
        content = documents.consent_list_pdf(table)
    elif kind == ExportKind.SIGN_IN:
        day = params["options"].get("day")
        days = [d for d in lists.conference_days(conference) if d.isoformat() == day] if day else None
        content = documents.sign_in_sheets_pdf(table, days=days)
    elif kind == ExportKind.BADGES:
        content = documents.badges_pdf(table)
    else:
        content = documents.certificates_pdf(table)
    progress(2, 3)
    prefix = FILE_PREFIXES[kind]
    if kind == ExportKind.CERTIFICATES and len(table.registrations) == 1:
        only = table.registrations[0]
        prefix = f"Teilnahmebescheinigung-{only.last_name}-{only.first_name}"
    return ExportFile(
        filename=export_filename(prefix, conference, format),
        content_type=CONTENT_TYPES[format],
        content=content,
    )


KEEP_JOBS_DAYS = 7


def delete_old_jobs(*, now=None):
    """Finished export files hold personal data: they are kept for KEEP_JOBS_DAYS days only."""
    now = now or timezone.now()
    deleted, _per_model = ExportJob.objects.filter(
        created_at__lt=now - dt.timedelta(days=KEEP_JOBS_DAYS)
    ).delete()
    return deleted


def start_export(*, conference, kind, format, params=None, user=None):
    """Small lists come back as a file at once; above the threshold an ExportJob runs as a task.

    Returns an `ExportFile` or an `ExportJob`.
    """
    if kind in PDF_ONLY and format != ExportFormat.PDF:
        raise ExportError(_("Diese Liste gibt es nur als PDF."))
    params = normalise_params(kind, params)
    rows = lists.count_rows(conference, params["filters"])
    if rows <= settings.EXPORTS_BACKGROUND_THRESHOLD:
        return export_file(conference=conference, kind=kind, format=format, params=params)
    from .tasks import run_export_job

    delete_old_jobs()
    job = ExportJob.objects.create(
        conference=conference,
        kind=kind,
        format=format,
        params=params,
        progress_total=3,
        created_by=user if user and user.is_authenticated else None,
    )
    transaction.on_commit(partial(run_export_job.enqueue, job.pk))
    return job


def run_job(job_id):
    """Run a queued export job and keep the file with it; failures are recorded, not raised."""
    job = ExportJob.objects.select_related("conference").get(pk=job_id)
    if job.status != ExportJob.Status.QUEUED:
        return job
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.RUNNING, started_at=timezone.now())

    def progress(done, total):
        ExportJob.objects.filter(pk=job.pk).update(progress_done=done, progress_total=total)

    try:
        result = export_file(
            conference=job.conference, kind=job.kind, format=job.format, params=job.params, progress=progress
        )
    except Exception as error:  # a failed export must show up on the job page, not vanish in a log
        logger.exception("Export job %s failed", job.pk)
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.FAILED,
            error=f"{type(error).__name__}: {error}",
            finished_at=timezone.now(),
        )
    else:
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.DONE,
            filename=result.filename,
            content_type=result.content_type,
            content=result.content,
            progress_done=3,
            progress_total=3,
            finished_at=timezone.now(),
        )
    job.refresh_from_db()
    return job

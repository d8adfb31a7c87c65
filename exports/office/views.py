"""The office's export page per conference and the pages of background export jobs.

All views are mounted in the admin (exports/office/admin.py) behind `admin_view`
(login and staff) and check the permission `exports.export_participants`.
"""

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from programme.models import Conference, WorkshopPhase
from registrations.documents.lists import group_lists_pdf, workshop_lists_pdf

from ..documents.spreadsheets import table_to_csv, table_to_xlsx
from ..domain.dispatch import start_export
from ..domain.files import ExportError, export_filename
from ..models import ExportJob, ExportLayout
from ..queries.ledger import invoice_journal, open_items
from ..rules import can_export, can_read_money_lists
from .forms import ExportForm, LedgerExportForm
from .responses import file_response, respond_with_export


def require_export_permission(request):
    if not can_export(request.user):
        raise PermissionDenied


def export_page(request, conference_id):
    require_export_permission(request)
    conference = get_object_or_404(Conference, pk=conference_id)
    layouts = ExportLayout.objects.filter(Q(conference=conference) | Q(conference__isnull=True))
    if request.method == "POST":
        form = ExportForm(request.POST, conference=conference)
        if form.is_valid():
            if "save_layout" in request.POST:
                name = form.cleaned_data["layout_name"].strip()
                if not request.user.has_perm("exports.add_exportlayout"):
                    form.add_error("layout_name", _("Sie dürfen keine Layouts speichern."))
                elif not name:
                    form.add_error("layout_name", _("Bitte einen Namen für das Layout angeben."))
                else:
                    params = form.params()
                    layout = ExportLayout.objects.create(
                        name=name,
                        conference=conference,
                        columns=params["columns"],
                        filters=params["filters"],
                        created_by=request.user,
                    )
                    messages.success(request, _("Das Layout „%(name)s“ ist gespeichert.") % {"name": name})
                    return redirect(f"{request.path}?layout={layout.pk}")
            else:
                try:
                    result = start_export(
                        conference=conference,
                        kind=form.cleaned_data["kind"],
                        format=form.cleaned_data["format"],
                        params=form.params(),
                        user=request.user,
                    )
                except ExportError as error:
                    form.add_error(None, str(error))
                else:
                    return respond_with_export(request, result)
    else:
        initial = {}
        layout_id = request.GET.get("layout")
        if layout_id and layout_id.isdigit():
            layout = layouts.filter(pk=layout_id).first()
            if layout:
                initial = ExportForm.initial_from_layout(layout)
        form = ExportForm(initial=initial, conference=conference)

    phases = list(WorkshopPhase.objects.filter(conference=conference).order_by("number"))
    jobs = ExportJob.objects.filter(conference=conference).select_related("created_by").defer("content")[:10]
    context = {
        **admin.site.each_context(request),
        "title": _("Listen und Exporte: %(conference)s") % {"conference": conference.title},
        "conference": conference,
        "form": form,
        "layouts": layouts,
        "phases": phases,
        "jobs": jobs,
        "threshold": settings.EXPORTS_BACKGROUND_THRESHOLD,
        "opts": ExportJob._meta,
    }
    return TemplateResponse(request, "admin/exports/export_page.html", context)


def job_status(request, job_id):
    require_export_permission(request)
    job = get_object_or_404(ExportJob.objects.select_related("conference").defer("content"), pk=job_id)
    context = {
        **admin.site.each_context(request),
        "title": _("Export: %(job)s") % {"job": job},
        "job": job,
        "opts": ExportJob._meta,
        "export_page": reverse("admin:exports_conference", args=[job.conference_id]),
    }
    return TemplateResponse(request, "admin/exports/job_status.html", context)


def job_download(request, job_id):
    require_export_permission(request)
    job = get_object_or_404(ExportJob, pk=job_id, status=ExportJob.Status.DONE)
    return file_response(job.filename, job.content_type, bytes(job.content))


def phase_lists(request, phase_id):
    """Workshop or group lists of a phase, rendered by registrations.documents.lists."""
    require_export_permission(request)
    phase = get_object_or_404(WorkshopPhase.objects.select_related("conference"), pk=phase_id)
    if phase.is_choice:
        prefix, content = "Workshoplisten", workshop_lists_pdf(phase)
    else:
        prefix, content = "Gruppenlisten", group_lists_pdf(phase)
    filename = export_filename(f"{prefix}-AP{phase.number}", phase.conference, "pdf")
    return file_response(filename, "application/pdf", content)


def money_lists(request):
    """The treasurer's lists as Excel or CSV: the invoice journal of a period and the open items."""
    if not can_read_money_lists(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    if "kind" in request.GET:
        form = LedgerExportForm(request.GET)
        if form.is_valid():
            data = form.cleaned_data
            if data["kind"] == LedgerExportForm.JOURNAL:
                table = invoice_journal(start=data["start"], end=data["end"])
                stem = f"Rechnungsausgangsbuch_{data['start']:%Y-%m-%d}_{data['end']:%Y-%m-%d}"
            else:
                table = open_items(today=today)
                stem = f"Offene-Posten_{today:%Y-%m-%d}"
            if data["format"] == "csv":
                return file_response(f"{stem}.csv", "text/csv; charset=utf-8", table_to_csv(table))
            return file_response(
                f"{stem}.xlsx",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                table_to_xlsx(table, title=table.title),
            )
    else:
        form = LedgerExportForm(initial={"start": today.replace(month=1, day=1), "end": today})
    context = {
        **admin.site.each_context(request),
        "title": _("Rechnungsausgangsbuch und offene Posten"),
        "form": form,
        "opts": ExportJob._meta,
    }
    return TemplateResponse(request, "admin/exports/money_lists.html", context)

"""Admin actions on selected registrations: the same exports as the export page, for a hand-picked set.

registrations/office/registrations.py adds `EXPORT_ACTIONS` to the registration list. The actions
only read, so they declare the view permission; whether the user may export participant data
(exports.rules.can_export) is checked inside, so someone without it is told why.
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from ..domain.dispatch import start_export
from ..domain.files import ExportError
from ..models import ExportFormat, ExportKind
from ..rules import can_export
from .responses import respond_with_export


def _export(modeladmin, request, queryset, kind, format):
    if not can_export(request.user):
        modeladmin.message_user(request, _("Sie dürfen keine Teilnehmerlisten exportieren."), messages.ERROR)
        return None
    selected = list(queryset.order_by().values_list("pk", "conference_id"))
    conferences = {conference_id for _pk, conference_id in selected}
    if len(conferences) != 1:
        modeladmin.message_user(
            request, _("Bitte nur Anmeldungen einer einzigen Tagung auswählen."), messages.WARNING
        )
        return None
    from programme.models import Conference

    conference = Conference.objects.get(pk=conferences.pop())
    # The office picked these people by hand: no status filter, whatever they are.
    params = {"filters": {"ids": [pk for pk, _conference in selected]}}
    try:
        result = start_export(
            conference=conference, kind=kind, format=format, params=params, user=request.user
        )
    except ExportError as error:
        modeladmin.message_user(request, str(error), messages.WARNING)
        return None
    return respond_with_export(request, result)


@admin.action(permissions=["view"], description=_("Teilnehmerliste als PDF"))
def export_list_pdf(modeladmin, request, queryset):
    return _export(modeladmin, request, queryset, ExportKind.PARTICIPANTS, ExportFormat.PDF)


@admin.action(permissions=["view"], description=_("Teilnehmerliste als Excel-Datei"))
def export_list_xlsx(modeladmin, request, queryset):
    return _export(modeladmin, request, queryset, ExportKind.PARTICIPANTS, ExportFormat.XLSX)


@admin.action(permissions=["view"], description=_("Teilnehmerliste als CSV-Datei"))
def export_list_csv(modeladmin, request, queryset):
    return _export(modeladmin, request, queryset, ExportKind.PARTICIPANTS, ExportFormat.CSV)


@admin.action(permissions=["view"], description=_("Namensschilder (PDF)"))
def export_badges(modeladmin, request, queryset):
    return _export(modeladmin, request, queryset, ExportKind.BADGES, ExportFormat.PDF)


@admin.action(permissions=["view"], description=_("Unterschriftenliste (PDF)"))
def export_sign_in(modeladmin, request, queryset):
    return _export(modeladmin, request, queryset, ExportKind.SIGN_IN, ExportFormat.PDF)


@admin.action(permissions=["view"], description=_("Teilnahmebescheinigungen (PDF)"))
def export_certificates(modeladmin, request, queryset):
    return _export(modeladmin, request, queryset, ExportKind.CERTIFICATES, ExportFormat.PDF)


EXPORT_ACTIONS = [
    export_list_pdf,
    export_list_xlsx,
    export_list_csv,
    export_badges,
    export_sign_in,
    export_certificates,
]

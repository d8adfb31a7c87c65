"""The office at the binding deadline: who has a personal deadline, who missed theirs, and
releasing the places of pre-registrations that were not made binding (with one confirmed action)."""

from django.contrib import admin, messages
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.windows import deadline_passed

from ..domain import lifecycle
from ..queries.deadlines import missed_binding_deadline, with_running_personal_deadline
from .confirm import confirmation_page, is_confirmed


class BindingDeadlineFilter(admin.SimpleListFilter):
    """Frist läuft ab / abgelaufen: the pre-registrations the office looks at around the deadline."""

    title = _("Frist für die verbindliche Anmeldung")
    parameter_name = "binding_deadline"

    def lookups(self, request, model_admin):
        return [
            ("running", _("persönliche Frist läuft")),
            ("missed", _("Frist abgelaufen, Platz noch belegt")),
            ("released", _("Platz nach Fristablauf freigegeben")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "running":
            return with_running_personal_deadline(queryset)
        if self.value() == "missed":
            return missed_binding_deadline(queryset)
        if self.value() == "released":
            return queryset.filter(place_released_at__isnull=False)
        return queryset


@admin.display(description=_("persönliche Frist"), ordering="personal_deadline")
def personal_deadline_column(obj):
    """The personal deadline, marked once it has passed (the schedule then gives the place on)."""
    if obj.personal_deadline is None:
        return "–"
    day = date_format(obj.personal_deadline, "d.m.Y")
    if obj.is_binding or obj.is_cancelled or not deadline_passed(obj.personal_deadline):
        return day
    return format_html('{} <strong class="deadline-passed">{}</strong>', day, _("abgelaufen"))


@admin.action(
    description=_("Plätze freigeben: Anmeldeschluss verpasst (Warteliste rückt nach)"),
    permissions=["change"],
)
def release_places_action(modeladmin, request, queryset):
    """A confirmation page first (how many, who; only the selection), then the release itself."""
    selected = list(queryset.select_related("conference").order_by("last_name", "first_name", "pk"))
    due = list(
        missed_binding_deadline(queryset)
        .select_related("conference")
        .order_by("last_name", "first_name", "pk")
    )
    if is_confirmed(request):
        released = lifecycle.release_places(registrations=due)
        if released:
            modeladmin.message_user(
                request,
                ngettext(
                    "%(n)d Platz freigegeben; die Person ist per E-Mail benachrichtigt, die Warteliste ist nachgerückt.",
                    "%(n)d Plätze freigegeben; die Personen sind per E-Mail benachrichtigt, die Warteliste ist nachgerückt.",
                    len(released),
                )
                % {"n": len(released)},
                messages.SUCCESS,
            )
        else:
            modeladmin.message_user(request, _("Es wurde kein Platz freigegeben."), messages.WARNING)
        return None
    due_ids = {registration.pk for registration in due}
    return confirmation_page(
        modeladmin,
        request,
        action="release_places_action",
        title=_("Plätze freigeben: Anmeldeschluss verpasst"),
        names=[registration.full_name for registration in due],
        selected=[registration.pk for registration in selected],
        submit=_("Plätze jetzt freigeben"),
        template="admin/registrations/release_places.html",
        extra={
            "due": due,
            "skipped": [registration for registration in selected if registration.pk not in due_ids],
        },
    )

"""The programme admin with what the registration app adds to it.

programme/admin.py registers plain admins for workshop phases and workshops, as the
programme app knows nothing of registrations. This module puts subclasses in their
place: a phase links its group tools (assigning groups, lists, PDF; groups.py),
a workshop shows its seat fill (seats taken and waiting; workshops.py).
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from programme import admin as programme_admin
from programme.models import Workshop, WorkshopPhase

from .groups import phase_group_tools
from .workshops import seat_fill_counts, seat_fill_display


def _after(names, anchor, *added):
    """`names` with `added` inserted right after `anchor`."""
    position = names.index(anchor) + 1
    return [*names[:position], *added, *names[position:]]


class WorkshopPhaseAdmin(programme_admin.WorkshopPhaseAdmin):
    list_display = [*programme_admin.WorkshopPhaseAdmin.list_display, "group_tools"]
    fields = [*programme_admin.WorkshopPhaseAdmin.fields, "group_tools"]
    readonly_fields = [*programme_admin.WorkshopPhaseAdmin.readonly_fields, "group_tools"]

    @admin.display(description=_("Gruppen und Listen"))
    def group_tools(self, obj):
        return phase_group_tools(obj) or "–"


class WorkshopAdmin(programme_admin.WorkshopAdmin):
    list_display = _after(programme_admin.WorkshopAdmin.list_display, "seat_limit", "seat_fill")

    def get_queryset(self, request):
        return seat_fill_counts(super().get_queryset(request))

    @admin.display(description=_("Belegung"), ordering="seated_count")
    def seat_fill(self, obj):
        return seat_fill_display(obj)


for model, model_admin in ((WorkshopPhase, WorkshopPhaseAdmin), (Workshop, WorkshopAdmin)):
    admin.site.unregister(model)
    admin.site.register(model, model_admin)

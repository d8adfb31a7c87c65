"""The office's tools for workshop seats: the fill of every workshop, waiting lists, moving people.

- "Workshop-Belegung" (`workshopbooking/belegung/<conference id>/`): per choose
  phase every workshop with seats / taken / free / waiting, who sits there and
  who waits in which order, and a small form per person to move them into
  another workshop of the phase (domain.workshops.move_booking, so the seat
  limit holds and a freed seat goes to the first person waiting).
- The booking list itself (with audit history) and actions to move or remove
  several bookings at once.
Every change goes through domain/workshops.py; nothing is decided here.
"""

from collections import defaultdict

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.exceptions import RegistrationError
from programme.models import Conference, Workshop, WorkshopPhase

from ..domain import workshops as workshop_service
from ..models import WorkshopBooking
from ..queries.workshops import with_waiting_positions, without_workshop_counts, workshop_choices
from .circulars import CircularActionMixin, circular_action
from .confirm import confirm_first
from .history import ReadOnlyHistoryAdmin


class MoveForm(forms.Form):
    booking = forms.IntegerField(widget=forms.HiddenInput)
    workshop = forms.IntegerField(label=_("Ziel-Workshop"))


class MoveActionForm(forms.Form):
    workshop = forms.ModelChoiceField(label=_("Ziel-Workshop"), queryset=Workshop.objects.none())

    def __init__(self, *args, phase, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["workshop"].queryset = phase.workshops.order_by("order", "pk")


@admin.register(WorkshopBooking)
class WorkshopBookingAdmin(CircularActionMixin, ReadOnlyHistoryAdmin):
    """Bookings with their audit trail (read-only: a revert would bypass the seat limit)."""

    list_display = [
        "participant",
        "organisation",
        "phase_number",
        "workshop",
        "status",
        "position_display",
        "second_choice",
        "created_at",
    ]
    list_display_links = ["participant"]
    list_filter = ["phase__conference", "phase", "status", "workshop"]
    list_select_related = ["registration", "phase", "workshop", "second_choice"]
    search_fields = [
        "registration__first_name",
        "registration__last_name",
        "registration__email",
        "workshop__title",
    ]
    readonly_fields = [
        "registration",
        "phase",
        "workshop",
        "status",
        "second_choice",
        "created_at",
        "fill_link",
    ]
    fields = readonly_fields
    actions = ["move_action", "remove_action", circular_action(registration_field="registration_id")]
    ordering = [
        "phase__conference",
        "phase__number",
        "workshop__order",
        "workshop",
        "status",
        "created_at",
        "pk",
    ]

    def get_queryset(self, request):
        return with_waiting_positions(super().get_queryset(request))

    def has_add_permission(self, request):
        # Bookings are made by participants, by the registration form or by moving people here.
        return False

    def has_delete_permission(self, request, obj=None):
        # Removing goes through the service (action below) so that a freed seat is passed on.
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Everything is read-only here; moves happen on the fill page or through the actions.
        extra_context = {
            **(extra_context or {}),
            "show_save": False,
            "show_save_and_continue": False,
            "show_save_and_add_another": False,
        }
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description=_("Verschieben"))
    def fill_link(self, obj):
        url = reverse("admin:registrations_workshop_fill", args=[obj.phase.conference_id])
        return format_html(
            '<a href="{}#workshop-{}">{}</a>', url, obj.workshop_id, gettext("in der Workshop-Belegung")
        )

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("belegung/", view(self.fill_index_view), name="registrations_workshop_fill_index"),
            path("belegung/<int:conference_id>/", view(self.fill_view), name="registrations_workshop_fill"),
            *super().get_urls(),
        ]

    # ------------------------------------------------------------ list columns

    @admin.display(description=_("Name"), ordering="registration__last_name")
    def participant(self, obj):
        return obj.registration.full_name

    @admin.display(description=_("Organisation"), ordering="registration__organisation")
    def organisation(self, obj):
        return obj.registration.organisation

    @admin.display(description=_("Phase"), ordering="phase__number")
    def phase_number(self, obj):
        return obj.phase.number

    @admin.display(description=_("Wartelistenplatz"))
    def position_display(self, obj):
        return obj.position or "–"

    # ------------------------------------------------------------ actions

    @admin.action(description=_("In einen anderen Workshop verschieben"), permissions=["change"])
    def move_action(self, request, queryset):
        bookings = list(queryset.select_related("registration", "phase", "workshop"))
        phases = {booking.phase_id for booking in bookings}
        if len(phases) != 1:
            self.message_user(
                request,
                gettext("Bitte wählen Sie Buchungen aus genau einer Arbeitsphase."),
                messages.ERROR,
            )
            return None
        phase = bookings[0].phase
        form = MoveActionForm(request.POST if "apply" in request.POST else None, phase=phase)
        if form.is_valid():
            moved, refused = 0, []
            for booking in bookings:
                try:
                    workshop_service.move_booking(booking=booking, workshop=form.cleaned_data["workshop"])
                    moved += 1
                except RegistrationError as error:
                    refused.append(str(error))
            if moved:
                self.message_user(
                    request,
                    ngettext("%(count)d Person verschoben.", "%(count)d Personen verschoben.", moved)
                    % {"count": moved},
                )
            for message in refused:
                self.message_user(request, message, messages.ERROR)
            return None
        return TemplateResponse(
            request,
            "admin/registrations/workshopbooking/move.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext("In einen anderen Workshop verschieben"),
                "opts": self.model._meta,
                "bookings": bookings,
                "phase": phase,
                "form": form,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )

    @admin.action(description=_("Buchung entfernen (freier Platz rückt nach)"), permissions=["change"])
    @confirm_first(
        title=_("Workshop-Buchungen entfernen"),
        submit=_("Ja, Buchungen entfernen"),
        note=_("Ein frei werdender Platz geht an die erste Person auf der Warteliste des Workshops."),
        select_related=["registration", "workshop"],
    )
    def remove_action(self, request, queryset):
        count = 0
        for booking in queryset:
            workshop_service.remove_booking(booking=booking)
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d Buchung entfernt.", "%(count)d Buchungen entfernt.", count)
            % {"count": count},
        )

    # ------------------------------------------------------------ fill pages

    def fill_index_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        conferences = (
            Conference.objects.filter(workshop_phases__mode=WorkshopPhase.Mode.CHOOSE)
            .annotate(
                workshop_count=Count("workshop_phases__workshops", distinct=True),
            )
            .filter(workshop_count__gt=0)
            .order_by("-starts_at")
        )
        return TemplateResponse(
            request,
            "admin/registrations/workshopbooking/fill_index.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext("Workshop-Belegung"),
                "opts": self.model._meta,
                "conferences": conferences,
            },
        )

    def fill_view(self, request, conference_id):
        if not self.has_view_permission(request):
            raise PermissionDenied
        conference = get_object_or_404(Conference, pk=conference_id)
        may_change = self.has_change_permission(request)
        if request.method == "POST":
            if not may_change:
                raise PermissionDenied
            return self._move_from_fill_page(request, conference)
        phases = workshop_choices(conference)
        bookings = with_waiting_positions(
            WorkshopBooking.objects.filter(
                phase__conference=conference, phase__mode=WorkshopPhase.Mode.CHOOSE
            )
            .select_related("registration", "second_choice")
            .order_by("created_at", "pk")
        )
        seated, waiting = defaultdict(list), defaultdict(list)
        for booking in bookings:
            (seated if booking.status == WorkshopBooking.Status.SEATED else waiting)[
                booking.workshop_id
            ].append(booking)
        for entries in seated.values():
            entries.sort(key=lambda b: (b.registration.last_name.lower(), b.registration.first_name.lower()))
        without = without_workshop_counts([entry.phase for entry in phases if entry.workshops])
        registrations = reverse("admin:registrations_registration_changelist")
        sections = [
            {
                "phase": entry.phase,
                "rows": [
                    {
                        "fill": fill,
                        "seated": seated[fill.workshop.pk],
                        "waiting": waiting[fill.workshop.pk],
                        "targets": [
                            other.workshop
                            for other in entry.workshops
                            if other.workshop.pk != fill.workshop.pk
                        ],
                        "all_targets": [other.workshop for other in entry.workshops],
                    }
                    for fill in entry.workshops
                ],
                "totals": _totals(entry.workshops),
                "without_workshop": without[entry.phase.pk],
                "without_workshop_url": (
                    f"{registrations}?conference__id__exact={conference.pk}&ohne_workshop={entry.phase.pk}"
                ),
            }
            for entry in phases
            if entry.workshops
        ]
        return TemplateResponse(
            request,
            "admin/registrations/workshopbooking/fill.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext("Workshop-Belegung: %(conference)s") % {"conference": conference.title},
                "opts": self.model._meta,
                "conference": conference,
                "sections": sections,
                "may_change": may_change,
            },
        )

    def _move_from_fill_page(self, request, conference):
        form = MoveForm(request.POST)
        back = reverse("admin:registrations_workshop_fill", args=[conference.pk])
        if not form.is_valid():
            self.message_user(request, gettext("Bitte wählen Sie einen Ziel-Workshop."), messages.ERROR)
            return redirect(back)
        booking = get_object_or_404(
            WorkshopBooking.objects.select_related("registration"),
            pk=form.cleaned_data["booking"],
            phase__conference=conference,
        )
        workshop = Workshop.objects.filter(pk=form.cleaned_data["workshop"]).first()
        if workshop is None:
            self.message_user(request, gettext("Diesen Workshop gibt es nicht."), messages.ERROR)
            return redirect(back)
        try:
            workshop_service.move_booking(booking=booking, workshop=workshop)
        except RegistrationError as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(
                request,
                gettext("%(name)s sitzt jetzt in „%(workshop)s“.")
                % {"name": booking.registration.full_name, "workshop": workshop.title},
            )
        return redirect(f"{back}#phase-{booking.phase_id}")


def _totals(fills):
    limited = [fill for fill in fills if fill.seat_limit is not None]
    return {
        "seats": sum(fill.seat_limit for fill in limited) if len(limited) == len(fills) else None,
        "seated": sum(fill.seated for fill in fills),
        "waiting": sum(fill.waiting for fill in fills),
    }


def workshop_fill_link(conference):
    """A link to a conference's workshop fill page, for other admin pages."""
    url = reverse("admin:registrations_workshop_fill", args=[conference.pk])
    return format_html('<a href="{}">{}</a>', url, gettext("Workshop-Belegung"))


def seat_fill_counts(queryset):
    """Annotate seated_count and waiting_count on a Workshop queryset (one query for a list)."""
    return queryset.annotate(
        seated_count=Count("bookings", filter=Q(bookings__status=WorkshopBooking.Status.SEATED)),
        waiting_count=Count("bookings", filter=Q(bookings__status=WorkshopBooking.Status.WAITING)),
    )


def seat_fill_display(workshop):
    """ "12 / 15, 3 wartend" for a workshop annotated by seat_fill_counts, linked to the fill page."""
    taken = (
        f"{workshop.seated_count} / {workshop.seat_limit}"
        if workshop.seat_limit
        else f"{workshop.seated_count}"
    )
    text = taken
    if workshop.waiting_count:
        text += ", " + gettext("%(count)d wartend") % {"count": workshop.waiting_count}
    url = reverse("admin:registrations_workshop_fill", args=[workshop.phase.conference_id])
    return format_html('<a href="{}#workshop-{}">{}</a>', url, workshop.pk, text)

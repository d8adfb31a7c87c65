"""One page per person: what the phone asks, on the registration's admin page.

The registration's change page shows, read-only and with links to act, its workshop bookings,
its discussion groups, its mails (outbox) and, from office/money.py, its invoices and payments.
Each inline reads its rows in one query with what it shows (select_related), so the page costs
the same for one booking or ten (tests/registrations/test_person_page.py).
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.formatting import field_value

from ..models import GroupMembership, OutgoingMail, WorkshopBooking


class ReadOnlyInline(admin.TabularInline):
    """Rows to read on the person's page; changes go through the pages the links lead to."""

    extra = 0
    can_delete = False
    classes = ["person-inline"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class WorkshopBookingInline(ReadOnlyInline):
    model = WorkshopBooking
    fields = ["phase_display", "workshop", "status", "second_choice", "act"]
    readonly_fields = fields
    verbose_name = _("Workshop")
    verbose_name_plural = _("Workshops")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("registration", "phase", "workshop", "second_choice")
            .order_by("phase__number", "status", "pk")
        )

    @admin.display(description=_("Arbeitsphase"))
    def phase_display(self, obj):
        return gettext("%(number)d. Arbeitsphase") % {"number": obj.phase.number}

    @admin.display(description=_("Umbuchen"))
    def act(self, obj):
        url = reverse("admin:registrations_workshop_fill", args=[obj.phase.conference_id])
        return format_html(
            '<a href="{}#workshop-{}">{}</a>', url, obj.workshop_id, gettext("Workshop-Belegung")
        )


class GroupMembershipInline(ReadOnlyInline):
    model = GroupMembership
    fields = ["phase_display", "group_display", "act"]
    readonly_fields = fields
    verbose_name = _("Diskussionsgruppe")
    verbose_name_plural = _("Diskussionsgruppen")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("registration", "phase", "group")
            .order_by("phase__number")
        )

    @admin.display(description=_("Arbeitsphase"))
    def phase_display(self, obj):
        return gettext("%(number)d. Arbeitsphase") % {"number": obj.phase.number}

    @admin.display(description=_("Gruppe"))
    def group_display(self, obj):
        return f"{obj.group} ({obj.group.room})" if obj.group.room else str(obj.group)

    @admin.display(description=_("In eine andere Gruppe"))
    def act(self, obj):
        url = reverse("admin:registrations_groupmembership_change", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, gettext("Gruppe wechseln"))


class OutgoingMailInline(ReadOnlyInline):
    model = OutgoingMail
    fields = ["created_display", "kind_display", "subject", "to", "status", "sent_display", "act"]
    readonly_fields = fields
    verbose_name = _("E-Mail")
    verbose_name_plural = _("E-Mails")

    def get_queryset(self, request):
        return super().get_queryset(request).defer("body_text", "body_html").order_by("-created_at", "-pk")

    @admin.display(description=_("angelegt am"))
    def created_display(self, obj):
        return field_value(OutgoingMail._meta.get_field("created_at"), obj.created_at)

    @admin.display(description=_("versendet am"))
    def sent_display(self, obj):
        return field_value(OutgoingMail._meta.get_field("sent_at"), obj.sent_at)

    @admin.display(description=_("Art"))
    def kind_display(self, obj):
        return obj.kind_label

    @admin.display(description=_("Ansehen"))
    def act(self, obj):
        url = reverse("admin:registrations_outgoingmail_change", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, gettext("Text ansehen"))


PERSON_INLINES = [WorkshopBookingInline, GroupMembershipInline, OutgoingMailInline]

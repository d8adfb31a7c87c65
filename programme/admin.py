"""The office's tools for conferences and their programme.

The Geschäftsstelle (the association's office) edits everything here; the
labels and help texts come from the models, so this module only arranges them.
Every change list selects its related rows up front so that it runs a constant
number of queries however many conferences, workshops or items there are. Apps built
on the programme extend these admins (the registration app adds a phase's group tools
and a workshop's seat fill) by registering subclasses in their place.
"""

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import Prefetch
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.review import ReviewAdminMixin, ReviewInlineMixin

from .copy_form import CopyConferenceForm
from .copying import copy_conference, copy_preview
from .models import (
    Appearance,
    Conference,
    Person,
    ProgrammeItem,
    SitePage,
    Workshop,
    WorkshopModerator,
    WorkshopPhase,
)


def _edited_object_id(request):
    """The primary key of the object on a change page, None on an add page."""
    match = request.resolver_match
    return match.kwargs.get("object_id") if match else None


# Counted in the copy but not worth a line in the office's message: the conference itself, and the
# links between rows (moderators of a workshop, people of an item) that come with their rows.
_NOT_SUMMARISED = {
    str(model._meta.verbose_name_plural) for model in (Conference, WorkshopModerator, Appearance)
}


def _local(value):
    return timezone.localtime(value).strftime("%d.%m.%Y %H:%M") if value else "–"


class WorkshopPhaseInline(ReviewInlineMixin, admin.TabularInline):
    model = WorkshopPhase
    fk_name = "conference"
    fields = ["number", "title", "guiding_question", "mode", "reuses_groups_of"]
    extra = 0
    show_change_link = True

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Groups can only be reused within the same conference.
        if db_field.name == "reuses_groups_of":
            kwargs["queryset"] = WorkshopPhase.objects.filter(
                conference_id=_edited_object_id(request), mode=WorkshopPhase.Mode.GROUPS
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ProgrammeItemInline(ReviewInlineMixin, admin.TabularInline):
    model = ProgrammeItem
    fields = [
        "starts_at",
        "ends_at",
        "kind",
        "title",
        "room",
        "members_only",
        "requires_signup",
        "workshop_phase",
    ]
    extra = 0
    show_change_link = True

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Only the phases of the conference being edited make sense here.
        if db_field.name == "workshop_phase":
            kwargs["queryset"] = WorkshopPhase.objects.filter(conference_id=_edited_object_id(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Conference)
class ConferenceAdmin(ReviewAdminMixin, admin.ModelAdmin):
    list_display = [
        "title",
        "city",
        "starts_at_display",
        "status",
        "places",
        "programme_published",
        "is_demo",
    ]
    list_display_links = ["title"]
    list_filter = ["status", "programme_published", "is_demo", "city"]
    search_fields = ["title", "slug", "motto", "city", "venue_name"]
    date_hierarchy = "starts_at"
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["website_link", "created_at", "updated_at"]
    inlines = [WorkshopPhaseInline, ProgrammeItemInline]
    save_on_top = True
    actions = ["copy_conference_action", "mark_reviewed"]
    fieldsets = [
        (_("Tagung"), {"fields": ["title", "slug", "motto", "description", "is_demo"]}),
        (
            _("Ort und Zeit"),
            {"fields": ["city", "venue_name", "venue_address", ("starts_at", "ends_at")]},
        ),
        (
            _("Plätze und Gebühren"),
            {"fields": ["places", ("member_fee", "non_member_fee"), "hold_minutes"]},
        ),
        (
            _("Fristen"),
            {
                "fields": [
                    "pre_registration_opens_at",
                    "pre_registration_deadline",
                    "registration_deadline",
                    "binding_reminder_days",
                    ("personal_deadline_threshold_days", "personal_deadline_days"),
                ]
            },
        ),
        (
            _("Zahlung und Mahnwesen"),
            {
                "fields": [
                    "payment_terms",
                    "payment_due_days",
                    ("reminder_wait_days", "first_dunning_wait_days", "second_dunning_wait_days"),
                    "sends_reminders_automatically",
                ]
            },
        ),
        (
            _("Veröffentlichung"),
            {
                "fields": [
                    "status",
                    "programme_published",
                    "contact_email",
                    "website_link",
                    ("created_at", "updated_at"),
                ]
            },
        ),
        (_("Tagungsbericht"), {"fields": ["report"], "classes": ["collapse"]}),
    ]

    @admin.display(description=_("Beginn"), ordering="starts_at")
    def starts_at_display(self, obj):
        return _local(obj.starts_at)

    @admin.action(description=_("Tagung für das nächste Jahr kopieren"), permissions=["add"])
    def copy_conference_action(self, request, queryset):
        """The intermediate page: one conference, the new title, address and start; then the copy."""
        selected = list(queryset[:2])
        if len(selected) != 1:
            self.message_user(
                request, gettext("Bitte wählen Sie genau eine Tagung zum Kopieren aus."), messages.WARNING
            )
            return None
        source = selected[0]
        form = CopyConferenceForm(request.POST if "apply" in request.POST else None, source=source)
        if form.is_valid():
            result = copy_conference(
                source=source,
                title=form.cleaned_data["title"],
                slug=form.cleaned_data["slug"],
                offset_days=form.cleaned_data["offset_days"],
            )
            self.log_addition(request, result.conference, gettext("Kopiert aus „%s“") % source)
            copied = ", ".join(
                f"{name} ({count})"
                for name, count in result.counts.items()
                if count and name not in _NOT_SUMMARISED
            )
            self.message_user(
                request,
                gettext(
                    "„%(title)s“ ist als Entwurf angelegt (alle Termine %(days)+d Tage). Übernommen: %(copied)s. "
                    "Alles Übernommene ist „zu prüfen“; die Anmeldung öffnen Sie mit „Veröffentlicht“ "
                    "und der Zahl der Plätze."
                )
                % {"title": result.conference.title, "days": result.offset_days, "copied": copied},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(
                reverse("admin:programme_conference_change", args=[result.conference.pk])
            )
        return TemplateResponse(
            request,
            "admin/programme/conference/copy.html",
            {
                **self.admin_site.each_context(request),
                "title": gettext("Tagung kopieren: %s") % source,
                "opts": self.model._meta,
                "source": source,
                "preview": copy_preview(source),
                "form": form,
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
            },
        )

    @admin.display(description=_("Tagungsseite"))
    def website_link(self, obj):
        if not obj.pk:
            return _("Erst nach dem Speichern verfügbar.")
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            obj.get_absolute_url(),
            _("Auf der Website ansehen"),
        )


class WorkshopInline(ReviewInlineMixin, admin.TabularInline):
    model = Workshop
    fields = ["order", "title", "room", "seat_limit"]
    extra = 0
    show_change_link = True


@admin.register(WorkshopPhase)
class WorkshopPhaseAdmin(ReviewAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "conference", "mode", "reuses_groups_of"]
    list_select_related = ["conference", "reuses_groups_of"]
    list_filter = ["conference", "mode"]
    search_fields = ["title", "guiding_question", "conference__title"]
    fields = [
        "conference",
        "number",
        "title",
        "guiding_question",
        "description",
        "mode",
        "reuses_groups_of",
    ]
    inlines = [WorkshopInline]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # On a change page, offer only group phases of the same conference.
        object_id = _edited_object_id(request)
        if db_field.name == "reuses_groups_of" and object_id:
            kwargs["queryset"] = WorkshopPhase.objects.filter(
                conference__workshop_phases=object_id, mode=WorkshopPhase.Mode.GROUPS
            ).exclude(pk=object_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class WorkshopModeratorInline(admin.TabularInline):
    model = WorkshopModerator
    fields = ["person", "order"]
    autocomplete_fields = ["person"]
    extra = 1


@admin.register(Workshop)
class WorkshopAdmin(ReviewAdminMixin, admin.ModelAdmin):
    list_display = [
        "title",
        "phase",
        "conference_display",
        "room",
        "seat_limit",
        "moderator_names",
    ]
    list_select_related = ["phase__conference"]
    list_filter = ["phase__conference", "phase"]
    search_fields = ["title", "description", "moderators__first_name", "moderators__last_name"]
    inlines = [WorkshopModeratorInline]

    def get_queryset(self, request):
        moderations = WorkshopModerator.objects.select_related("person")
        return super().get_queryset(request).prefetch_related(Prefetch("workshopmoderator_set", moderations))

    @admin.display(description=_("Tagung"), ordering="phase__conference__starts_at")
    def conference_display(self, obj):
        return obj.phase.conference

    @admin.display(description=_("Moderation"))
    def moderator_names(self, obj):
        # In the order the office gave, not alphabetically as obj.moderators would be.
        return ", ".join(moderation.person.display_name for moderation in obj.workshopmoderator_set.all())


class AppearanceInline(admin.TabularInline):
    model = Appearance
    fields = ["person", "role", "order"]
    autocomplete_fields = ["person"]
    extra = 1


@admin.register(ProgrammeItem)
class ProgrammeItemAdmin(ReviewAdminMixin, admin.ModelAdmin):
    list_display = [
        "starts_at_display",
        "title",
        "kind",
        "conference",
        "room",
        "members_only",
        "requires_signup",
    ]
    list_display_links = ["starts_at_display", "title"]
    list_select_related = ["conference"]
    list_filter = ["conference", "kind", "members_only"]
    search_fields = ["title", "description", "room", "people__first_name", "people__last_name"]
    date_hierarchy = "starts_at"
    inlines = [AppearanceInline]
    fields = [
        "conference",
        "kind",
        "title",
        "description",
        ("starts_at", "ends_at"),
        "room",
        ("members_only", "requires_signup"),
        "workshop_phase",
    ]

    @admin.display(description=_("Beginn"), ordering="starts_at")
    def starts_at_display(self, obj):
        return _local(obj.starts_at)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # On a change page, offer only the phases of the item's own conference.
        object_id = _edited_object_id(request)
        if db_field.name == "workshop_phase" and object_id:
            kwargs["queryset"] = WorkshopPhase.objects.filter(conference__programme_items=object_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["last_name", "first_name", "academic_title", "organisation", "role_description"]
    list_display_links = ["last_name", "first_name"]
    search_fields = ["first_name", "last_name", "organisation", "role_description"]
    fields = ["academic_title", ("first_name", "last_name"), "organisation", "role_description"]


@admin.register(SitePage)
class SitePageAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "updated_at"]
    search_fields = ["title", "body"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["updated_at"]

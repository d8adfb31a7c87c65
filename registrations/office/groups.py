"""The office's tools for discussion groups and the per-group / per-workshop lists.

Pages hang off the DiscussionGroup admin (URLs below `discussiongroup/phase/<id>/`)
and are linked from each workshop phase in the programme admin:
- "Gruppen zuteilen": number of groups or target size, a preview of the sizes, and a
  confirmation when an assignment already exists (it replaces the old one);
- the lists of a phase (groups or workshops) as a page and as PDF.
Every change goes through domain/groups.py; nothing is decided here.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.exceptions import RegistrationError
from core.review import ReviewAdminMixin
from programme.models import WorkshopPhase

from ..documents.lists import group_lists_pdf, lists_filename, workshop_lists_pdf
from ..domain import groups as group_service
from ..models import DiscussionGroup, GroupAssignment, GroupMembership, Registration
from ..queries.groups import colleagues_in_group, group_participants
from ..queries.lists import collation_key, phase_lists
from ..rules.grouping import group_count_for, group_sizes
from .circulars import CircularActionMixin, circular_action
from .history import OfficeHistoryMixin

DEFAULT_TARGET_SIZE = 15


class GroupAssignmentForm(forms.Form):
    BY_COUNT = "count"
    BY_SIZE = "size"

    basis = forms.ChoiceField(
        label=_("Festlegen über"),
        choices=[(BY_COUNT, _("Anzahl der Gruppen")), (BY_SIZE, _("Gruppengröße (Zielwert)"))],
        initial=BY_COUNT,
        widget=forms.RadioSelect,
    )
    value = forms.IntegerField(label=_("Anzahl bzw. Gruppengröße"), min_value=1, max_value=500, initial=8)
    seed = forms.IntegerField(
        label=_("Zufallszahl (Seed)"),
        required=False,
        min_value=0,
        max_value=group_service.MAX_SEED - 1,
        help_text=_(
            "Leer lassen für eine neue zufällige Zuteilung. Mit derselben Zahl und denselben "
            "Teilnehmenden entstehen dieselben Gruppen."
        ),
    )
    confirm_replace = forms.BooleanField(
        label=_("Ja, die neue Zuteilung ersetzt die bisherige Zuteilung."),
        required=False,
    )

    def __init__(self, *args, existing=None, participant_count=0, **kwargs):
        super().__init__(*args, **kwargs)
        self.existing = existing
        self.participant_count = participant_count
        if existing is None:
            del self.fields["confirm_replace"]

    def group_count(self):
        """The number of groups the cleaned input asks for."""
        data = self.cleaned_data
        if data["basis"] == self.BY_COUNT:
            return data["value"]
        return group_count_for(self.participant_count, target_size=data["value"])

    def service_arguments(self):
        data = self.cleaned_data
        key = "group_count" if data["basis"] == self.BY_COUNT else "target_size"
        return {key: data["value"], "seed": data["seed"], "replace": self.existing is not None}


def _phase_or_404(phase_id):
    return get_object_or_404(
        WorkshopPhase.objects.select_related("conference", "reuses_groups_of"), pk=phase_id
    )


@admin.register(DiscussionGroup)
class DiscussionGroupAdmin(ReviewAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "number", "phase", "room", "moderator_names", "member_count"]
    list_display_links = ["__str__"]
    list_filter = ["phase__conference", "phase"]
    list_select_related = ["phase"]
    search_fields = ["name", "room", "phase__title", "moderators__last_name"]
    fieldsets = [
        (None, {"fields": ["phase", "number", "name", "room", "moderators"]}),
        (_("Mitglieder"), {"fields": ["member_table"]}),
    ]
    readonly_fields = ["phase", "number", "member_table"]
    autocomplete_fields = ["moderators"]
    ordering = ["phase__conference", "phase__number", "number"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(member_total=Count("memberships", distinct=True))
            .prefetch_related("moderators")
        )

    def has_add_permission(self, request):
        # Groups are created by the assignment ("Gruppen zuteilen" on the workshop phase).
        return False

    def has_delete_permission(self, request, obj=None):
        # Deleting a group would silently drop its members; a new assignment replaces groups.
        return False

    @admin.display(description=_("Mitglieder"))
    def member_table(self, obj):
        memberships = sorted(
            obj.memberships.select_related("registration"),
            key=lambda m: (
                collation_key(m.registration.last_name),
                collation_key(m.registration.first_name),
            ),
        )
        rows = format_html_join(
            "",
            '<tr><td>{}</td><td>{}</td><td>{}</td><td><a href="{}">{}</a></td></tr>',
            (
                (
                    number,
                    membership.registration.full_name,
                    membership.registration.organisation,
                    reverse("admin:registrations_groupmembership_change", args=[membership.pk]),
                    gettext("in andere Gruppe verschieben"),
                )
                for number, membership in enumerate(memberships, start=1)
            ),
        )
        if not rows:
            return gettext("Noch niemand in dieser Gruppe.")
        return format_html(
            '<table class="group-members"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th></th></tr></thead>'
            "<tbody>{}</tbody></table>",
            gettext("Nr."),
            gettext("Name"),
            gettext("Organisation"),
            rows,
        )

    @admin.display(description=_("Moderation"))
    def moderator_names(self, obj):
        return "; ".join(person.display_name for person in obj.moderators.all()) or "–"

    @admin.display(description=_("Mitglieder"), ordering="member_total")
    def member_count(self, obj):
        return obj.member_total

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("phase/<int:phase_id>/zuteilen/", view(self.assign_view), name="registrations_phase_assign"),
            path("phase/<int:phase_id>/listen/", view(self.lists_view), name="registrations_phase_lists"),
            path(
                "phase/<int:phase_id>/listen.pdf",
                view(self.lists_pdf_view),
                name="registrations_phase_lists_pdf",
            ),
            *super().get_urls(),
        ]

    # -- Gruppen zuteilen ---------------------------------------------------------

    def assign_view(self, request, phase_id):
        if not self.has_change_permission(request):
            raise PermissionDenied
        phase = _phase_or_404(phase_id)
        if phase.mode != WorkshopPhase.Mode.GROUPS or phase.reuses_groups_of_id:
            messages.error(
                request,
                gettext("Für diese Arbeitsphase werden keine eigenen Gruppen zugeteilt."),
            )
            return redirect("admin:registrations_phase_lists", phase_id=phase.pk)
        existing = GroupAssignment.objects.select_related("created_by").filter(phase=phase).first()
        participant_count = group_participants(phase.conference_id).count()
        form = GroupAssignmentForm(
            request.POST or None,
            existing=existing,
            participant_count=participant_count,
            initial={"value": self._initial_group_count(existing, participant_count)},
        )
        sizes = None
        if request.method == "POST" and form.is_valid():
            count = form.group_count()
            sizes = group_sizes(participant_count, count)
            if "assign" in request.POST:
                if existing is not None and not form.cleaned_data.get("confirm_replace"):
                    form.add_error(
                        "confirm_replace",
                        gettext("Bitte bestätigen Sie, dass die neue Zuteilung die bisherige ersetzt."),
                    )
                else:
                    try:
                        assignment = group_service.assign_discussion_groups(
                            phase=phase, by=request.user, **form.service_arguments()
                        )
                    except RegistrationError as error:
                        form.add_error(None, str(error))
                    else:
                        messages.success(
                            request,
                            gettext(
                                "%(count)s Gruppen zugeteilt (Seed %(seed)s). Räume und Moderation tragen Sie "
                                "bei den einzelnen Gruppen ein."
                            )
                            % {"count": assignment.group_count, "seed": assignment.seed},
                        )
                        return redirect("admin:registrations_phase_lists", phase_id=phase.pk)
        elif request.method == "GET" and participant_count:
            sizes = group_sizes(participant_count, form.initial["value"])
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Gruppen zuteilen"),
            "subtitle": str(phase),
            "opts": self.opts,
            "phase": phase,
            "conference": phase.conference,
            "reused_by": list(phase.reused_by.order_by("number")),
            "existing": existing,
            "participant_count": participant_count,
            "form": form,
            "sizes": sizes,
            "size_summary": _size_summary(sizes) if sizes else "",
        }
        return TemplateResponse(request, "admin/registrations/discussiongroup/assign.html", context)

    @staticmethod
    def _initial_group_count(existing, participant_count):
        if existing is not None:
            return existing.group_count
        if participant_count:
            return group_count_for(participant_count, target_size=DEFAULT_TARGET_SIZE)
        return 8

    # -- Lists ---------------------------------------------------------------------

    def _check_list_permission(self, request):
        if not (request.user.is_staff and request.user.has_perm("registrations.view_groupmembership")):
            raise PermissionDenied

    def lists_view(self, request, phase_id):
        self._check_list_permission(request)
        phase = _phase_or_404(phase_id)
        lists_of_phase = phase_lists(phase)
        other_phases = WorkshopPhase.objects.filter(conference_id=phase.conference_id).order_by("number")
        source = lists_of_phase.source_phase or phase
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Gruppenlisten")
            if lists_of_phase.kind == "groups"
            else gettext("Workshoplisten"),
            "subtitle": str(phase),
            "opts": self.opts,
            "phase": phase,
            "conference": phase.conference,
            "lists": lists_of_phase,
            "other_phases": other_phases,
            "assignment": GroupAssignment.objects.filter(phase=source).first()
            if lists_of_phase.kind == "groups"
            else None,
            "may_assign": phase.mode == WorkshopPhase.Mode.GROUPS
            and not phase.reuses_groups_of_id
            and self.has_change_permission(request),
        }
        return TemplateResponse(request, "admin/registrations/discussiongroup/lists.html", context)

    def lists_pdf_view(self, request, phase_id):
        self._check_list_permission(request)
        phase = _phase_or_404(phase_id)
        if phase.mode == WorkshopPhase.Mode.GROUPS:
            pdf = group_lists_pdf(phase)
        else:
            pdf = workshop_lists_pdf(phase)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{lists_filename(phase, "pdf")}"'
        return response


def _size_summary(sizes):
    """'8 Gruppen: 8 × 15' or '8 Gruppen: 1 × 16, 7 × 15'."""
    counts = {}
    for size in sizes:
        counts[size] = counts.get(size, 0) + 1
    parts = ", ".join(f"{count} × {size}" for size, count in sorted(counts.items(), reverse=True))
    return gettext("%(groups)s Gruppen: %(parts)s Personen") % {"groups": len(sizes), "parts": parts}


class GroupMembershipForm(forms.ModelForm):
    class Meta:
        model = GroupMembership
        fields = ["registration", "group"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        groups = (
            DiscussionGroup.objects.filter(
                phase__mode=WorkshopPhase.Mode.GROUPS, phase__reuses_groups_of__isnull=True
            )
            .select_related("phase__conference")
            .annotate(size=Count("memberships"))
            .order_by("phase__conference", "phase__number", "number")
        )
        if not {"registration", "group"} <= set(self.fields):
            return  # the view-only page (organisers) shows the values without form fields
        if self.instance.pk:
            groups = groups.filter(phase_id=self.instance.phase_id)
            self.fields["registration"].disabled = True
        self.fields["group"].queryset = groups
        self.fields["group"].label_from_instance = self._group_label
        self.fields["group"].help_text = _("In Klammern: Raum und jetzige Größe der Gruppe.")
        self.fields["registration"].queryset = Registration.objects.active().select_related("conference")

    def _group_label(self, group):
        details = ", ".join(
            part
            for part in (
                group.room,
                ngettext("%(n)d Person", "%(n)d Personen", group.size) % {"n": group.size},
            )
            if part
        )
        if self.instance.pk:
            return f"{group} ({details})"
        return f"{group} ({details}) – {group.phase}, {group.phase.conference.title}"

    def clean(self):
        cleaned = super().clean()
        registration, group = cleaned.get("registration"), cleaned.get("group")
        if registration and group and registration.conference_id != group.phase.conference_id:
            self.add_error("group", gettext("Die Gruppe gehört zu einer anderen Tagung."))
        return cleaned

    def validate_unique(self):
        # The phase is set by the service from the group; it checks uniqueness itself.
        pass


@admin.register(GroupMembership)
class GroupMembershipAdmin(CircularActionMixin, OfficeHistoryMixin, SimpleHistoryAdmin):
    form = GroupMembershipForm
    list_display = ["participant", "organisation", "group", "phase", "conference"]
    list_filter = ["group__phase__conference", "phase", "group"]
    list_select_related = ["registration", "group", "phase__conference"]
    actions = [circular_action(registration_field="registration_id")]
    search_fields = ["registration__last_name", "registration__first_name", "registration__organisation"]
    autocomplete_fields = ["registration"]
    ordering = ["phase__number", "group__number", "registration__last_name", "registration__first_name"]

    @admin.display(description=_("Name"), ordering="registration__last_name")
    def participant(self, obj):
        return obj.registration.full_name

    @admin.display(description=_("Organisation"), ordering="registration__organisation")
    def organisation(self, obj):
        return obj.registration.organisation

    @admin.display(description=_("Tagung"))
    def conference(self, obj):
        return obj.phase.conference.title

    def save_model(self, request, obj, form, change):
        # Moving and adding go through the service (locks, checks, audit user).
        try:
            membership = group_service.move_to_group(
                registration=form.cleaned_data["registration"],
                group=form.cleaned_data["group"],
                by=request.user,
            )
        except RegistrationError as error:
            messages.error(request, str(error))
            return
        obj.pk = membership.pk
        obj.phase_id = membership.phase_id
        colleagues = colleagues_in_group(membership)
        if colleagues:
            messages.warning(
                request,
                ngettext(
                    "Achtung: In %(group)s ist schon eine Person derselben Organisation (%(organisation)s): "
                    "%(names)s. Die Gruppen sollen Menschen aus verschiedenen Organisationen zusammenbringen.",
                    "Achtung: In %(group)s sind schon %(count)d Personen derselben Organisation "
                    "(%(organisation)s): %(names)s. Die Gruppen sollen Menschen aus verschiedenen "
                    "Organisationen zusammenbringen.",
                    len(colleagues),
                )
                % {
                    "group": membership.group,
                    "organisation": membership.registration.organisation,
                    "names": ", ".join(colleague.full_name for colleague in colleagues),
                    "count": len(colleagues),
                },
            )


@admin.register(GroupAssignment)
class GroupAssignmentAdmin(admin.ModelAdmin):
    list_display = ["phase", "conference", "group_count", "seed", "created_at", "created_by", "lists_link"]
    list_select_related = ["phase__conference", "created_by"]
    list_filter = ["phase__conference"]
    readonly_fields = ["phase", "seed", "group_count", "created_at", "created_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Tagung"))
    def conference(self, obj):
        return obj.phase.conference.title

    @admin.display(description=_("Listen"))
    def lists_link(self, obj):
        url = reverse("admin:registrations_phase_lists", kwargs={"phase_id": obj.phase_id})
        return format_html('<a href="{}">{}</a>', url, gettext("Gruppenlisten"))


def phase_group_tools(phase):
    """Links for a workshop phase's admin page: assign groups, lists, PDF (empty for unsaved phases)."""
    if phase is None or phase.pk is None:
        return ""
    links = []
    if phase.mode == WorkshopPhase.Mode.GROUPS and not phase.reuses_groups_of_id:
        links.append(
            (reverse("admin:registrations_phase_assign", args=[phase.pk]), gettext("Gruppen zuteilen"))
        )
    label = gettext("Gruppenlisten") if phase.mode == WorkshopPhase.Mode.GROUPS else gettext("Workshoplisten")
    links.append((reverse("admin:registrations_phase_lists", args=[phase.pk]), label))
    links.append((reverse("admin:registrations_phase_lists_pdf", args=[phase.pk]), gettext("PDF")))
    return format_html(
        " · ".join(['<a href="{}">{}</a>'] * len(links)), *[part for link in links for part in link]
    )

"""The office's tools. Actions call services; no rule is re-implemented here."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import ActionLocation
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.exceptions import RegistrationError
from core.redaction import redact_personal_links
from exports.office.actions import EXPORT_ACTIONS
from programme.models import WorkshopPhase

from ..domain import confirmations, lifecycle, places
from ..domain import outbox as mail_service
from ..models import ConsentText, OutgoingMail, Registration
from ..models.outbox import mail_kind_label
from ..queries.history import has_history
from ..queries.invoices import named_invoices_q
from ..queries.personal import keep_personal_phases
from ..queries.places import place_counts, waiting_position
from ..queries.workshops import without_workshop, without_workshop_counts
from ..rules.personal import PERSONAL_FIELDS, normalise_email
from .binding import (
    BindingRegistrationMixin,
    bill_as_non_member_action,
    confirm_membership_action,
    office_binding_action,
    office_substitute_action,
)
from .circulars import CircularActionMixin, CircularFilter, circular_action
from .confirm import confirm_first, confirmation_page, is_confirmed
from .deadlines import BindingDeadlineFilter, personal_deadline_column, release_places_action
from .history import ReadOnlyHistoryAdmin
from .money import MoneyRegistrationMixin, OverdueFilter, PaymentStateFilter
from .person import GroupMembershipInline, OutgoingMailInline, WorkshopBookingInline
from .privacy import DeletionRequestFilter, anonymise_action

# The change message of the admin log entry written when staff open a participant's page.
VIEWED_MESSAGE = "Teilnehmerseite angesehen (nur lesen)"


class OfficeRegistrationForm(forms.ModelForm):
    class Meta:
        model = Registration
        # ModelAdmin.get_form passes the fields of its fieldsets; these are
        # only the ones clean() relies on.
        fields = ["conference", "email", "first_name", "last_name"]

    def clean_email(self):
        return normalise_email(self.cleaned_data["email"])

    def clean(self):
        """One active registration per person (address and name, rules.personal.person_key):
        on adding and on editing. Colleagues sharing an address pass."""
        cleaned = super().clean()
        conference = cleaned.get("conference") or (self.instance.conference if self.instance.pk else None)
        person = {key: cleaned.get(key) for key in ("email", "first_name", "last_name")}
        if conference and all(person.values()) and not self.instance.is_cancelled:
            try:
                places.ensure_person_free(
                    conference=conference, exclude=self.instance if self.instance.pk else None, **person
                )
            except RegistrationError as error:
                self.add_error("email", str(error))
        return cleaned


class WithoutWorkshopFilter(admin.SimpleListFilter):
    """The "ohne Workshop" list: confirmed participants without a seat in a work phase, with counts.

    Phases of the conference filtered by, otherwise of the conferences not yet over."""

    title = _("ohne Workshop")
    parameter_name = "ohne_workshop"

    def _phases(self, request):
        phases = WorkshopPhase.objects.filter(mode=WorkshopPhase.Mode.CHOOSE).select_related("conference")
        conference_id = request.GET.get("conference__id__exact", "")
        if conference_id.isdigit():
            phases = phases.filter(conference_id=conference_id)
        else:
            phases = phases.filter(conference__ends_at__gte=timezone.now())
        return list(phases.order_by("conference__starts_at", "number"))

    def lookups(self, request, model_admin):
        phases = self._phases(request)
        counts = without_workshop_counts(phases)
        return [
            (
                str(phase.pk),
                _("%(number)d. Arbeitsphase, %(conference)s (%(count)d)")
                % {"number": phase.number, "conference": phase.conference.title, "count": counts[phase.pk]},
            )
            for phase in phases
        ]

    def queryset(self, request, queryset):
        if not (self.value() or "").isdigit():
            return queryset
        phase = WorkshopPhase.objects.filter(pk=self.value(), mode=WorkshopPhase.Mode.CHOOSE).first()
        if phase is None:
            return queryset.none()
        return queryset.filter(pk__in=without_workshop(phase).values("pk"))


@admin.register(Registration)
class RegistrationAdmin(
    CircularActionMixin, BindingRegistrationMixin, MoneyRegistrationMixin, ReadOnlyHistoryAdmin
):
    """The history button shows who changed what and when (django-simple-history)."""

    form = OfficeRegistrationForm
    view_on_site = False  # a registration's URL is its personal link: only its owner opens it
    # Fits 1,280 px beside the filters: one name column, stage and status as one "Stand", columns
    # that wrap; e-mail, waiting since, the last reminder and the rest are on the person's page
    # (search finds the e-mail; the invoice list shows reminders).
    list_display = [
        "name_display",
        "organisation",
        "conference_display",
        "state_display",
        personal_deadline_column,
        "membership_check",
        "payment_display",
        "open_amount",
        "created_display",
    ]
    list_display_links = ["name_display"]
    list_filter = [
        "conference",
        "stage",
        "status",
        "is_member",
        "membership_check",
        "source",
        BindingDeadlineFilter,
        "payment_status",
        PaymentStateFilter,
        OverdueFilter,
        DeletionRequestFilter,
        WithoutWorkshopFilter,
    ]
    search_fields = ["last_name", "first_name", "email", "organisation", "member_number", "order_number"]
    list_select_related = ["conference"]
    date_hierarchy = "created_at"
    ordering = ["-created_at"]
    # One page per person: workshops, groups, invoices, payments and mails on the change page.
    inlines = [
        WorkshopBookingInline,
        GroupMembershipInline,
        *MoneyRegistrationMixin.money_inlines,
        OutgoingMailInline,
    ]
    actions = [
        "move_up_action",
        "cancel_action",
        release_places_action,
        "resend_link_action",
        "programme_mailing_action",
        circular_action(registration_field="pk"),
        anonymise_action,
        *MoneyRegistrationMixin.money_actions,
        office_binding_action,
        office_substitute_action,
        confirm_membership_action,
        bill_as_non_member_action,
        *EXPORT_ACTIONS,
    ]
    readonly_fields = [
        "stage",
        "status",
        "waiting_since",
        "moved_up_at",
        "personal_deadline",
        "binding_reminder_sent_at",
        "place_released_at",
        "cancelled_at",
        "registered_at",
        "privacy_consent",
        "privacy_consented_at",
        "created_at",
        "updated_at",
        "participant_page",
        "substituted_by",
        "substitute_for",
        "deletion_requested_at",
        "anonymised_at",
        "payment_display",
        "open_amount",
        "last_reminder",
        "group_registration_overview",
    ]
    add_fieldsets = (
        (
            _("Voranmeldung durch die Geschäftsstelle (z. B. am Telefon)"),
            {
                "description": _(
                    "Es gelten dieselben Regeln wie online: freier Platz oder Warteliste, Bestätigung per E-Mail."
                ),
                "fields": ["conference", *PERSONAL_FIELDS],
            },
        ),
    )
    fieldsets = (
        (
            _("Person"),
            {
                "fields": [
                    "conference",
                    ("salutation", "academic_title"),
                    ("first_name", "last_name"),
                    "email",
                    ("organisation", "position"),
                    ("is_member", "member_number"),
                    "note",
                ]
            },
        ),
        (
            _("Stand"),
            {
                "fields": [
                    ("stage", "status"),
                    ("waiting_since", "moved_up_at", "cancelled_at"),
                    ("personal_deadline", "binding_reminder_sent_at", "place_released_at"),
                    "registered_at",
                    "participant_page",
                    ("substituted_by", "substitute_for"),
                    "group_registration_overview",
                    ("privacy_consent", "privacy_consented_at"),
                    ("created_at", "updated_at"),
                    ("deletion_requested_at", "anonymised_at"),
                    ("payment_display", "open_amount", "last_reminder"),
                ]
            },
        ),
        (
            _("Erstattung"),
            {
                "description": _("Nur nötig, wenn Geld zurückzuzahlen ist (SEPA-Überweisungsdatei)."),
                "fields": [("refund_account_holder", "refund_iban")],
                "classes": ["collapse"],
            },
        ),
    )

    def get_fieldsets(self, request, obj=None):
        return self.add_fieldsets if obj is None else self.fieldsets

    def get_inlines(self, request, obj):
        return [] if obj is None else super().get_inlines(request, obj)  # nothing to show yet

    def get_search_results(self, request, queryset, search_term):
        """Also finds a registration by an invoice number, written as loosely as in a bank transfer
        (`2026-0003`, `RE 2026/3`), and by the order number on any of its invoices."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if not term:
            return results, may_have_duplicates
        named = named_invoices_q(term, via="invoices__")
        by_invoice = queryset.filter(pk__in=queryset.filter(named).values("pk"))
        return results | by_invoice, may_have_duplicates

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [*self.readonly_fields, "conference"]

    @admin.display(description=_("Name"), ordering="last_name")
    def name_display(self, obj):
        return f"{obj.last_name}, {obj.first_name}"

    @admin.display(description=_("Tagung"), ordering="conference__starts_at")
    def conference_display(self, obj):
        return obj.conference.title

    @admin.display(description=_("Stand"), ordering="status")
    def state_display(self, obj):
        """ "Verbindliche Anmeldung · Warteliste seit 02.12.2026" in one column."""
        status = obj.get_status_display()
        if obj.is_waiting and obj.waiting_since:
            status = _("%(status)s seit %(date)s") % {
                "status": status,
                "date": date_format(timezone.localtime(obj.waiting_since), "d.m.Y"),
            }
        stage = _("verbindlich") if obj.is_binding else obj.get_stage_display()
        return f"{stage} · {status}"

    def get_list_display(self, request):
        """Filtered by one conference, the list needs no "Tagung" column: the line above names it."""
        columns = super().get_list_display(request)
        if request.GET.get("conference__id__exact", "").isdigit():
            return [column for column in columns if column != "conference_display"]
        return columns

    @admin.display(description=_("angelegt am"), ordering="created_at")
    def created_display(self, obj):
        return date_format(timezone.localtime(obj.created_at), "d.m.Y")

    @admin.display(description=_("Seite der Person"))
    def participant_page(self, obj):
        """The office reads the participant's page through the admin, never through the secret link:
        only its owner ever sees the link."""
        url = reverse("admin:registrations_registration_participant_page", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Seite der Person ansehen (nur lesen)"))

    @admin.display(description=_("Gruppenanmeldung"))
    def group_registration_overview(self, obj):
        """Registered by a contact with colleagues: the contact and every member, linked."""
        group = obj.group_registration
        if group is None:
            return "–"
        members = format_html_join(
            ", ",
            '<a href="{}">{}</a>{}',
            (
                (
                    reverse("admin:registrations_registration_change", args=[member.pk]),
                    member.full_name,
                    f" ({member.get_status_display()})" if member.is_cancelled else "",
                )
                for member in group.members.order_by("pk")
            ),
        )
        return format_html(
            "{}: {} &lt;{}&gt;, {}<br>{}: {}",
            _("Kontaktperson"),
            group.contact_name,
            group.contact_email,
            group.get_billing_display(),
            _("Angemeldet"),
            members,
        )

    @admin.display(description=_("Ersatzperson für"))
    def substitute_for(self, obj):
        previous = getattr(obj, "substitute_for", None)
        if previous is None:
            return "–"
        url = reverse("admin:registrations_registration_change", args=[previous.pk])
        return format_html('<a href="{}">{}</a>', url, previous.full_name)

    def get_urls(self):
        return [
            path(
                "<int:registration_id>/teilnehmerseite/",
                self.admin_site.admin_view(self.participant_page_view),
                name="registrations_registration_participant_page",
            ),
            *super().get_urls(),
        ]

    def participant_page_view(self, request, registration_id):
        """The participant's page as they see it, read-only and without their link ("Ansicht der
        Geschäftsstelle"). Every look is logged with the staff user (admin LogEntry)."""
        registration = get_object_or_404(
            Registration.objects.select_related("conference"), pk=registration_id
        )
        if not self.has_view_permission(request, registration):
            raise PermissionDenied
        keep_personal_phases(registration)
        self.log_change(request, registration, VIEWED_MESSAGE)
        return TemplateResponse(
            request,
            "registrations/personal.html",
            {
                "registration": registration,
                "conference": registration.conference,
                "position": waiting_position(registration),
                "office_view": True,
                "change_url": reverse("admin:registrations_registration_change", args=[registration.pk]),
            },
        )

    # -- deleting is cancelling --------------------------------------------------------

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location=action_location)
        actions.pop("delete_selected", None)  # a list delete would skip the check below
        return actions

    def has_delete_permission(self, request, obj=None):
        """A registration with a history (mails, invoices, payments, bookings, groups, changes) is
        cancelled, never deleted; only a mistyped entry without any is deleted."""
        if obj is not None and has_history(obj):
            return False
        return super().has_delete_permission(request, obj)

    def delete_view(self, request, object_id, extra_context=None):
        registration = self.get_object(request, object_id)
        if registration is not None and has_history(registration) and super().has_delete_permission(request):
            self.message_user(
                request,
                _(
                    "%(name)s hat bereits einen Verlauf (E-Mails, Rechnungen, Buchungen oder Änderungen) und "
                    "wird nicht gelöscht. Bitte stornieren Sie die Anmeldung mit der Aktion „Stornieren“; "
                    "personenbezogene Daten entfernt danach die Aktion „Anonymisieren“."
                )
                % {"name": registration.full_name},
                messages.WARNING,
            )
            return HttpResponseRedirect(
                reverse("admin:registrations_registration_change", args=[registration.pk])
            )
        return super().delete_view(request, object_id, extra_context)

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        data = {key: form.cleaned_data.get(key) for key in PERSONAL_FIELDS}
        registration, created = lifecycle.pre_register(
            conference=form.cleaned_data["conference"], data=data, source=Registration.Source.OFFICE
        )
        obj.pk = registration.pk
        obj.status = registration.status
        if registration.is_waiting:
            messages.warning(
                request,
                _("Alle Plätze sind vergeben: %(name)s steht auf der Warteliste (Platz %(position)s).")
                % {"name": registration.full_name, "position": waiting_position(registration)},
            )

    def changelist_view(self, request, extra_context=None):
        # The list needs the width: at 1,280 px the menu (300 px) and the filters leave too little
        # for its columns. The menu is one click away (breadcrumbs, "Start").
        extra_context = {"is_nav_sidebar_enabled": False, **(extra_context or {})}
        conference_id = request.GET.get("conference__id__exact")
        if conference_id and conference_id.isdigit():
            from programme.models import Conference

            conference = Conference.objects.filter(pk=conference_id).first()
            if conference:
                extra_context["place_counts"] = place_counts(conference)
                extra_context["counted_conference"] = conference
        return super().changelist_view(request, extra_context=extra_context)

    def _run(self, request, queryset, service, success):
        done = 0
        for registration in queryset.select_related("conference"):
            try:
                service(registration=registration)
            except RegistrationError as error:
                self.message_user(request, f"{registration.full_name}: {error}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, success(done), messages.SUCCESS)

    @admin.action(description=_("Von der Warteliste nachrücken lassen"), permissions=["change"])
    @confirm_first(
        title=_("Von der Warteliste nachrücken lassen"),
        submit=_("Ja, nachrücken lassen"),
        note=_(
            "Wer nachrückt, bekommt eine E-Mail; sie wird in die Warteschlange gestellt und dann versendet."
        ),
        select_related=["conference"],
    )
    def move_up_action(self, request, queryset):
        self._run(
            request,
            queryset.order_by("waiting_since", "pk"),
            lifecycle.move_up,
            lambda n: (
                ngettext("%(n)d Person ist nachgerückt.", "%(n)d Personen sind nachgerückt.", n) % {"n": n}
            ),
        )

    @admin.action(
        description=_("Stornieren (Platz wird frei, Warteliste rückt nach)"), permissions=["change"]
    )
    @confirm_first(
        title=_("Anmeldungen stornieren"),
        submit=_("Ja, stornieren"),
        note=_("Der Platz wird frei, die Warteliste rückt nach; jede Person bekommt eine E-Mail."),
        select_related=["conference"],
    )
    def cancel_action(self, request, queryset):
        self._run(
            request,
            queryset,
            lifecycle.cancel,
            lambda n: ngettext("%(n)d Anmeldung storniert.", "%(n)d Anmeldungen storniert.", n) % {"n": n},
        )

    @admin.action(description=_("Persönlichen Link erneut senden"), permissions=["change"])
    @confirm_first(
        title=_("Persönlichen Link erneut senden"),
        submit=_("Ja, Link senden"),
        note=_(
            "Jede Person bekommt ihren Link an ihre eigene Adresse; stornierte Anmeldungen werden übersprungen."
        ),
        select_related=["conference"],
    )
    def resend_link_action(self, request, queryset):
        self._run(
            request,
            queryset.exclude(status=Registration.Status.CANCELLED),
            confirmations.resend_link,
            lambda n: (
                ngettext(
                    "Link an %(n)d Person in die Warteschlange gestellt; die E-Mail wird versendet.",
                    "Links an %(n)d Personen in die Warteschlange gestellt; die E-Mails werden versendet.",
                    n,
                )
                % {"n": n}
            ),
        )

    @admin.action(
        description=_("Programm und Anmeldeformular versenden (an die ausgewählten Vorangemeldeten)"),
        permissions=["change"],
    )
    def programme_mailing_action(self, request, queryset):
        """Only the selected active pre-registrations get it, each once; the page names them first."""
        from programme.models import Conference

        selected = Registration.objects.filter(pk__in=list(queryset.values_list("pk", flat=True)))
        conferences = list(Conference.objects.filter(pk__in=selected.values("conference_id")).order_by("pk"))
        if not is_confirmed(request):
            recipients = [
                registration
                for conference in conferences
                for registration in confirmations.programme_mailing_recipients(
                    conference=conference, registrations=selected
                )
                .select_related("conference")
                .order_by("last_name", "first_name", "pk")
            ]
            skipped = selected.count() - len(recipients)
            return confirmation_page(
                self,
                request,
                action="programme_mailing_action",
                title=_("Programm und Anmeldeformular versenden"),
                names=[str(registration) for registration in recipients],
                selected=list(selected.values_list("pk", flat=True)),
                submit=_("Ja, an diese Personen versenden"),
                note=(
                    ngettext(
                        "%(n)d ausgewählte Anmeldung wird übersprungen: nicht vorangemeldet, storniert oder hat "
                        "die E-Mail schon erhalten.",
                        "%(n)d ausgewählte Anmeldungen werden übersprungen: nicht vorangemeldet, storniert oder "
                        "haben die E-Mail schon erhalten.",
                        skipped,
                    )
                    % {"n": skipped}
                    if skipped
                    else ""
                ),
            )
        for conference in conferences:
            sent = confirmations.send_programme_mailing(conference=conference, registrations=selected)
            self.message_user(
                request,
                ngettext(
                    "%(conference)s: %(n)d E-Mail in die Warteschlange gestellt; sie wird versendet "
                    "(wer sie schon erhalten hat, bekommt sie nicht noch einmal).",
                    "%(conference)s: %(n)d E-Mails in die Warteschlange gestellt; sie werden versendet "
                    "(wer sie schon erhalten hat, bekommt sie nicht noch einmal).",
                    sent,
                )
                % {"conference": conference.title, "n": sent},
                messages.SUCCESS,
            )


class MailKindFilter(admin.SimpleListFilter):
    """The kinds of mail by their German names (the stored kind is a template name)."""

    title = _("Art")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        kinds = OutgoingMail.objects.order_by().values_list("kind", flat=True).distinct()
        return sorted(((kind, mail_kind_label(kind)) for kind in kinds), key=lambda pair: pair[1])

    def queryset(self, request, queryset):
        return queryset.filter(kind=self.value()) if self.value() else queryset


@admin.register(OutgoingMail)
class OutgoingMailAdmin(admin.ModelAdmin):
    # Five columns, so the list fits 1,280 px beside the menu and the filters: status, attempts,
    # sending time and next attempt read as one "Versand" column.
    list_display = ["created_display", "to", "subject", "kind_display", "delivery"]
    list_filter = ["status", MailKindFilter, CircularFilter]

    class Media:
        css = {"all": ["css/registrations-admin.css"]}

    search_fields = ["to", "subject"]
    date_hierarchy = "created_at"
    readonly_fields = [
        *(
            "kind_display" if f.name == "kind" else f.name
            for f in OutgoingMail._meta.fields
            if f.name not in {"body_text", "body_html"}
        ),
        "body_text_masked",
        "body_html_masked",
    ]
    exclude = ["body_text", "body_html", "kind"]

    @admin.display(description=_("Art"), ordering="kind")
    def kind_display(self, obj):
        return obj.kind_label

    @admin.display(description=_("angelegt am"), ordering="created_at")
    def created_display(self, obj):
        return date_format(timezone.localtime(obj.created_at), "d.m.Y H:i")

    @admin.display(description=_("Versand"), ordering="status")
    def delivery(self, obj):
        """versendet 02.12. 05:06 / wartet / fehlgeschlagen (3 Versuche), nächster Versuch 05:10."""

        def moment(value):
            return date_format(timezone.localtime(value), "d.m. H:i")

        if obj.status == OutgoingMail.Status.SENT and obj.sent_at:
            return format_html("{} {}", _("versendet"), moment(obj.sent_at))
        parts = [obj.get_status_display()]
        if obj.attempts:
            parts.append(ngettext("%(n)d Versuch", "%(n)d Versuche", obj.attempts) % {"n": obj.attempts})
        if obj.next_attempt_at:
            parts.append(_("nächster Versuch %(when)s") % {"when": moment(obj.next_attempt_at)})
        return format_html_join(", ", "{}", ((part,) for part in parts))

    list_select_related = ["registration"]
    actions = ["retry_action"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Text"))
    def body_text_masked(self, obj):
        """Only its owner sees a personal link: the office reads the mail with the link masked."""
        return format_html("<pre>{}</pre>", redact_personal_links(obj.body_text))

    @admin.display(description=_("HTML"))
    def body_html_masked(self, obj):
        return format_html("<pre>{}</pre>", redact_personal_links(obj.body_html))

    def has_resend_permission(self, request):
        return request.user.has_perm("registrations.change_outgoingmail")

    @admin.action(description=_("Jetzt erneut senden"), permissions=["resend"])
    @confirm_first(
        title=_("E-Mails jetzt erneut senden"),
        submit=_("Ja, erneut senden"),
        note=_("Bereits versendete E-Mails werden übersprungen."),
    )
    def retry_action(self, request, queryset):
        """Makes the mails due and queues their delivery; the workers send them, not this request."""
        count = mail_service.retry_now(list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request,
            ngettext(
                "%(n)d E-Mail erneut in die Warteschlange gestellt; sie wird versendet.",
                "%(n)d E-Mails erneut in die Warteschlange gestellt; sie werden versendet.",
                count,
            )
            % {"n": count},
        )


@admin.register(ConsentText)
class ConsentTextAdmin(admin.ModelAdmin):
    list_display = ["kind", "conference", "version", "created_at"]
    list_filter = ["kind", "conference"]
    readonly_fields = ["version", "created_at"]

    def has_change_permission(self, request, obj=None):
        return False

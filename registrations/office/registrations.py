"""The office's tools. Actions call services; no rule is re-implemented here."""

from functools import reduce
from operator import or_

from django import forms
from django.contrib import admin, messages
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.exceptions import RegistrationError
from exports.office.actions import EXPORT_ACTIONS

from ..domain import confirmations, lifecycle, places
from ..domain import outbox as mail_service
from ..domain.outbox import personal_url
from ..models import ConsentText, OutgoingMail, Registration
from ..queries.places import place_counts, waiting_position
from ..rules.bank_statements import invoice_numbers_in
from ..rules.personal import PERSONAL_FIELDS, normalise_email
from .binding import (
    BindingRegistrationMixin,
    bill_as_non_member_action,
    confirm_membership_action,
    office_binding_action,
    office_substitute_action,
)
from .history import ReadOnlyHistoryAdmin
from .money import MoneyRegistrationMixin, OverdueFilter, PaymentStateFilter
from .privacy import DeletionRequestFilter, anonymise_action


class OfficeRegistrationForm(forms.ModelForm):
    class Meta:
        model = Registration
        # ModelAdmin.get_form passes the fields of its fieldsets; these are
        # only the ones clean() relies on.
        fields = ["conference", "email"]

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None and cleaned.get("conference") and cleaned.get("email"):
            try:
                places.ensure_email_free(
                    conference=cleaned["conference"], email=normalise_email(cleaned["email"])
                )
            except RegistrationError as error:
                self.add_error("email", str(error))
        return cleaned


@admin.register(Registration)
class RegistrationAdmin(BindingRegistrationMixin, MoneyRegistrationMixin, ReadOnlyHistoryAdmin):
    """The history button shows who changed what and when (django-simple-history)."""

    form = OfficeRegistrationForm
    list_display = [
        "last_name",
        "first_name",
        "organisation",
        "email",
        "conference",
        "stage",
        "status",
        "waiting_since",
        "is_member",
        "membership_check",
        "payment_status",
        "open_amount",
        "last_reminder",
        "created_at",
    ]
    list_filter = [
        "conference",
        "stage",
        "status",
        "is_member",
        "membership_check",
        "source",
        "payment_status",
        PaymentStateFilter,
        OverdueFilter,
        DeletionRequestFilter,
    ]
    search_fields = ["last_name", "first_name", "email", "organisation", "member_number", "order_number"]
    list_select_related = ["conference"]
    date_hierarchy = "created_at"
    ordering = ["-created_at"]
    inlines = MoneyRegistrationMixin.money_inlines
    actions = [
        "move_up_action",
        "cancel_action",
        "resend_link_action",
        "programme_mailing_action",
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
        "cancelled_at",
        "registered_at",
        "privacy_consent",
        "privacy_consented_at",
        "created_at",
        "updated_at",
        "personal_link",
        "deletion_requested_at",
        "anonymised_at",
        "payment_status",
        "open_amount",
        "last_reminder",
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
                    "registered_at",
                    "personal_link",
                    ("privacy_consent", "privacy_consented_at"),
                    ("created_at", "updated_at"),
                    ("deletion_requested_at", "anonymised_at"),
                    ("payment_status", "open_amount", "last_reminder"),
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

    def get_search_results(self, request, queryset, search_term):
        """Also finds a registration by an invoice number, written as loosely as in a bank transfer
        (`2026-0003`, `RE 2026/3`), and by the order number on any of its invoices."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if not term:
            return results, may_have_duplicates
        condition = Q(invoices__order_number__iexact=term)
        numbers = invoice_numbers_in(term)
        if numbers:
            condition |= reduce(
                or_, (Q(invoices__year=year, invoices__sequence=seq) for year, seq in numbers)
            )
        by_invoice = queryset.filter(pk__in=queryset.filter(condition).values("pk"))
        return results | by_invoice, may_have_duplicates

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [*self.readonly_fields, "conference"]

    @admin.display(description=_("Persönlicher Link"))
    def personal_link(self, obj):
        from django.utils.html import format_html

        url = personal_url(obj)
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>', url, _("Seite der Person öffnen")
        )

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
        extra_context = extra_context or {}
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
    def cancel_action(self, request, queryset):
        self._run(
            request,
            queryset,
            lifecycle.cancel,
            lambda n: ngettext("%(n)d Anmeldung storniert.", "%(n)d Anmeldungen storniert.", n) % {"n": n},
        )

    @admin.action(description=_("Persönlichen Link erneut senden"), permissions=["change"])
    def resend_link_action(self, request, queryset):
        self._run(
            request,
            queryset.exclude(status=Registration.Status.CANCELLED),
            confirmations.resend_link,
            lambda n: (
                ngettext("Link an %(n)d Person gesendet.", "Link an %(n)d Personen gesendet.", n) % {"n": n}
            ),
        )

    @admin.action(
        description=_("Programm und Anmeldeformular versenden (an alle Vorangemeldeten der Tagung)"),
        permissions=["change"],
    )
    def programme_mailing_action(self, request, queryset):
        from programme.models import Conference

        for conference in Conference.objects.filter(pk__in=queryset.values("conference_id")):
            sent = confirmations.send_programme_mailing(conference=conference)
            self.message_user(
                request,
                ngettext(
                    "%(conference)s: %(n)d E-Mail verschickt (wer sie schon erhalten hat, bekommt sie nicht noch einmal).",
                    "%(conference)s: %(n)d E-Mails verschickt (wer sie schon erhalten hat, bekommt sie nicht noch einmal).",
                    sent,
                )
                % {"conference": conference.title, "n": sent},
                messages.SUCCESS,
            )


@admin.register(OutgoingMail)
class OutgoingMailAdmin(admin.ModelAdmin):
    list_display = ["created_at", "to", "subject", "kind", "status", "attempts", "sent_at", "next_attempt_at"]
    list_filter = ["status", "kind"]
    search_fields = ["to", "subject"]
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in OutgoingMail._meta.fields]
    list_select_related = ["registration"]
    actions = ["retry_action"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Jetzt erneut senden"))
    def retry_action(self, request, queryset):
        count = mail_service.retry_now(list(queryset.values_list("pk", flat=True)))
        sent, failed = mail_service.deliver_due_mails()
        self.message_user(
            request,
            _("%(sent)d versendet, %(failed)d weiterhin fehlgeschlagen.") % {"sent": sent, "failed": failed},
        )
        return count


@admin.register(ConsentText)
class ConsentTextAdmin(admin.ModelAdmin):
    list_display = ["kind", "conference", "version", "created_at"]
    list_filter = ["kind", "conference"]
    readonly_fields = ["version", "created_at"]

    def has_change_permission(self, request, obj=None):
        return False

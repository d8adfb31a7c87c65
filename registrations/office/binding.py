"""The office's side of the binding registration: register someone (also after the deadline),
confirm or refuse membership claims, upload the member list. Every rule lives in rules/ and domain/."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.exceptions import RegistrationError
from core.formatting import euro
from programme.models import Conference

from ..domain import lifecycle, membership
from ..domain.consent import current_terms
from ..models import Member, Registration
from ..public.forms.binding import BindingRegistrationForm, SubstituteForm
from ..queries.places import waiting_position
from ..queries.programme import offered_evening_events
from ..queries.workshops import workshop_choices
from ..rules.leitweg import validate_leitweg_id
from ..rules.windows import binding_window
from .confirm import confirm_first

# ---------------------------------------------------------------- membership actions


def _confirm(modeladmin, request, queryset, *, is_member, success):
    done = 0
    for registration in queryset.select_related("conference"):
        try:
            membership.confirm_membership(registration=registration, is_member=is_member)
        except RegistrationError as error:
            modeladmin.message_user(request, f"{registration.full_name}: {error}", messages.ERROR)
        else:
            done += 1
    if done:
        modeladmin.message_user(request, success(done), messages.SUCCESS)


@admin.action(description=_("Mitgliedschaft bestätigen (Gebühr für Mitglieder)"), permissions=["change"])
@confirm_first(
    title=_("Mitgliedschaft bestätigen"),
    submit=_("Ja, Mitgliedschaft bestätigen"),
    note=_(
        "Gebühr und eine bestehende Rechnung werden angepasst; die Person bekommt die berichtigte Rechnung."
    ),
    select_related=["conference"],
)
def confirm_membership_action(modeladmin, request, queryset):
    _confirm(
        modeladmin,
        request,
        queryset,
        is_member=True,
        success=lambda n: (
            ngettext(
                "Mitgliedschaft von %(n)d Person bestätigt; Gebühr und Rechnung sind angepasst.",
                "Mitgliedschaft von %(n)d Personen bestätigt; Gebühren und Rechnungen sind angepasst.",
                n,
            )
            % {"n": n}
        ),
    )


@admin.action(
    description=_("Als Nicht-Mitglied abrechnen (Rechnung wird berichtigt)"), permissions=["change"]
)
@confirm_first(
    title=_("Als Nicht-Mitglied abrechnen"),
    submit=_("Ja, als Nicht-Mitglied abrechnen"),
    note=_(
        "Eine bestehende Rechnung wird storniert und mit der Gebühr für Nicht-Mitglieder neu ausgestellt."
    ),
    select_related=["conference"],
)
def bill_as_non_member_action(modeladmin, request, queryset):
    _confirm(
        modeladmin,
        request,
        queryset,
        is_member=False,
        success=lambda n: (
            ngettext(
                "%(n)d Person wird als Nicht-Mitglied abgerechnet; eine bestehende Rechnung wurde storniert und neu ausgestellt.",
                "%(n)d Personen werden als Nicht-Mitglieder abgerechnet; bestehende Rechnungen wurden storniert und neu ausgestellt.",
                n,
            )
            % {"n": n}
        ),
    )


def _open_for_one(modeladmin, request, queryset, *, refusal, url_for):
    """An action that opens a page for exactly one selected registration."""
    registrations = list(queryset[:2])
    if len(registrations) != 1:
        modeladmin.message_user(request, refusal, messages.WARNING)
        return None
    return HttpResponseRedirect(url_for(registrations[0]))


@admin.action(description=_("Verbindlich anmelden (Formular der Geschäftsstelle)"), permissions=["change"])
def office_binding_action(modeladmin, request, queryset):
    return _open_for_one(
        modeladmin,
        request,
        queryset,
        refusal=_("Bitte wählen Sie genau eine Voranmeldung aus."),
        url_for=lambda registration: reverse(
            "admin:registrations_registration_binding",
            kwargs={"conference_id": registration.conference_id, "registration_id": registration.pk},
        ),
    )


@admin.action(description=_("Ersatzperson eintragen (Platz übergeben)"), permissions=["change"])
def office_substitute_action(modeladmin, request, queryset):
    return _open_for_one(
        modeladmin,
        request,
        queryset,
        refusal=_("Bitte wählen Sie genau eine verbindliche Anmeldung aus."),
        url_for=lambda registration: reverse(
            "admin:registrations_registration_substitute", args=[registration.pk]
        ),
    )


# ---------------------------------------------------------------- office binding form


class OfficeBindingForm(BindingRegistrationForm):
    """The public form without honeypot and privacy checkbox; the office confirms the terms were accepted."""

    def __init__(self, *args, **kwargs):
        kwargs["needs_privacy_consent"] = False
        super().__init__(*args, **kwargs)
        del self.fields["website"]
        self.fields["terms_accepted"].label = _(
            "Die Person hat die Zahlungsvereinbarung und die Teilnahmebedingungen akzeptiert "
            "(z. B. schriftlich oder am Telefon)."
        )
        # The office fills this in for the caller: it speaks about the person, not as them.
        for name, (label, help_text) in self.about_the_person().items():
            if name in self.fields:
                self.fields[name].label = label
                if help_text is not None:
                    self.fields[name].help_text = help_text
        self.fields["billing_recipient"].choices = self.billing_recipient_choices(
            Registration.BillingRecipient.choices
        )
        for name in self.workshop_field_names:
            # The office may fill a full workshop only through the workshop admin (move_booking).
            self.fields[name].required = False
        self.order_fields([name for name in self.fields if name != "terms_accepted"] + ["terms_accepted"])

    @staticmethod
    def billing_recipient_choices(choices):
        """ "die Person selbst" where the public form says "mich persönlich"."""
        return [
            (value, _("die Person selbst") if value == Registration.BillingRecipient.PERSON else label)
            for value, label in choices
        ]

    @staticmethod
    def about_the_person():
        """Labels and help texts of the public form, said by the office about the person."""
        return {
            "is_member": (_("Ist Mitglied im VSOP e.V."), None),
            "member_number": (
                _("Mitgliedsnummer"),
                _("Falls zur Hand – sonst wird die Mitgliedschaft anhand des Namens geprüft."),
            ),
            "list_consent": (
                _(
                    "Ist einverstanden, dass Name und Organisation auf der Teilnehmendenliste stehen, "
                    "die alle Teilnehmenden der Tagung erhalten."
                ),
                None,
            ),
            "evening_events": (_("Nimmt teil an"), _("Bitte ankreuzen, woran die Person teilnimmt.")),
            "invitation_consent": (
                _("Die Person möchte über künftige Tagungen informiert werden."),
                _(
                    "Freiwillig und jederzeit widerrufbar: Name und E-Mail-Adresse bleiben dafür auch nach "
                    "dem Löschen der übrigen Daten, nur für Einladungen."
                ),
            ),
            "billing_email": (
                _("E-Mail-Adresse für die Rechnung (optional)"),
                _(
                    "Falls die Rechnung nicht an die Adresse der Person gehen soll, z. B. an die Rechnungsstelle."
                ),
            ),
            "leitweg_id": (
                _("Leitweg-ID (nur für öffentliche Auftraggeber mit E-Rechnung)"),
                _("Steht in der Bestellung der Verwaltung, z. B. 04011000-1234512345-06."),
            ),
        }


def binding_urls(model_admin):
    view = model_admin.admin_site.admin_view
    return [
        path(
            "verbindlich/",
            view(lambda request: choose_conference_view(model_admin, request)),
            name="registrations_registration_binding_start",
        ),
        path(
            "verbindlich/<int:conference_id>/",
            view(lambda request, conference_id: office_binding_view(model_admin, request, conference_id)),
            name="registrations_registration_binding",
        ),
        path(
            "verbindlich/<int:conference_id>/<int:registration_id>/",
            view(
                lambda request, conference_id, registration_id: office_binding_view(
                    model_admin, request, conference_id, registration_id
                )
            ),
            name="registrations_registration_binding",
        ),
    ]


def substitute_urls(model_admin):
    return [
        path(
            "<int:registration_id>/ersatzperson/",
            model_admin.admin_site.admin_view(
                lambda request, registration_id: office_substitute_view(model_admin, request, registration_id)
            ),
            name="registrations_registration_substitute",
        ),
    ]


def choose_conference_view(model_admin, request):
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": Registration._meta,
        "title": _("Verbindliche Anmeldung erfassen"),
        "conferences": Conference.objects.filter(places__gt=0).order_by("-starts_at"),
    }
    return TemplateResponse(request, "admin/registrations/registration/binding_start.html", context)


def office_binding_view(model_admin, request, conference_id, registration_id=None):
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    conference = get_object_or_404(Conference, pk=conference_id)
    registration = None
    if registration_id is not None:
        registration = get_object_or_404(Registration, pk=registration_id, conference=conference)
        if registration.is_binding or registration.is_cancelled:
            model_admin.message_user(
                request,
                _("%(name)s ist bereits verbindlich angemeldet oder storniert.")
                % {"name": registration.full_name},
                messages.WARNING,
            )
            return HttpResponseRedirect(
                reverse("admin:registrations_registration_change", args=[registration.pk])
            )
    form = OfficeBindingForm(
        request.POST or None,
        instance=registration,
        conference=conference,
        phases=workshop_choices(conference),
        evening_events=list(offered_evening_events(conference, is_member=True)),
        terms=current_terms(conference),
    )
    if request.method == "POST" and form.is_valid():
        try:
            registered, created = lifecycle.register_binding(
                conference=conference,
                data=form.service_data(),
                registration=registration,
                source=Registration.Source.OFFICE,
            )
        except RegistrationError as error:
            form.add_error(None, str(error))
        else:
            if not created:
                model_admin.message_user(
                    request,
                    _("Für diese Person gibt es schon eine Anmeldung zu dieser Tagung (%(name)s).")
                    % {"name": registered.full_name},
                    messages.WARNING,
                )
            elif registered.is_waiting:
                model_admin.message_user(
                    request,
                    _(
                        "Alle Plätze sind vergeben: %(name)s ist verbindlich auf der Warteliste (Platz %(position)s)."
                    )
                    % {"name": registered.full_name, "position": waiting_position(registered)},
                    messages.WARNING,
                )
            else:
                model_admin.message_user(
                    request,
                    _(
                        "%(name)s ist verbindlich angemeldet (%(fee)s); die Bestätigung ist in der "
                        "Warteschlange und wird versendet."
                    )
                    % {"name": registered.full_name, "fee": euro(registered.fee)},
                    messages.SUCCESS,
                )
            return HttpResponseRedirect(
                reverse("admin:registrations_registration_change", args=[registered.pk])
            )
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": Registration._meta,
        "title": _("Verbindliche Anmeldung: %(conference)s") % {"conference": conference.title},
        "conference": conference,
        "registration": registration,
        "form": form,
        "window": binding_window(conference),
    }
    return TemplateResponse(request, "admin/registrations/registration/binding_form.html", context)


# ---------------------------------------------------------------- substitute (Ersatzperson)


class OfficeSubstituteForm(SubstituteForm):
    """The participant's substitute form; the office confirms that the person handed over the place."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["confirm"].label = _(
            "Die bisher angemeldete Person gibt ihren Platz an diese Person ab "
            "(z. B. schriftlich, per E-Mail oder am Telefon mitgeteilt)."
        )


def office_substitute_view(model_admin, request, registration_id):
    """The office names a substitute (e.g. on the phone), also after the conference has begun."""
    registration = get_object_or_404(Registration.objects.select_related("conference"), pk=registration_id)
    if not model_admin.has_change_permission(request, registration):
        raise PermissionDenied
    change_url = reverse("admin:registrations_registration_change", args=[registration.pk])
    if not registration.may_name_substitute:
        model_admin.message_user(
            request,
            _(
                "Eine Ersatzperson kann nur für eine verbindliche, nicht stornierte Anmeldung eingetragen werden."
            ),
            messages.WARNING,
        )
        return HttpResponseRedirect(change_url)
    form = OfficeSubstituteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        previous = registration.full_name
        try:
            taken = lifecycle.substitute(
                registration=registration, data=form.cleaned_data, source=Registration.Source.OFFICE
            )
        except RegistrationError as error:
            form.add_error(None, str(error))
        else:
            parts = [
                _(
                    "Der Platz von %(previous)s ist an %(name)s übergeben. Beide erhalten eine E-Mail; "
                    "die Ersatzperson hat eine eigene Anmeldung mit eigenem Link, die bisherige ist beendet."
                )
                % {"previous": previous, "name": taken.registration.full_name}
            ]
            if taken.fee_changed:
                parts.append(_("Die Gebühr ist jetzt %(fee)s.") % {"fee": euro(taken.registration.fee)})
            if taken.invoice_reissued:
                parts.append(_("Die Rechnung wurde storniert und neu ausgestellt."))
            model_admin.message_user(request, " ".join(str(p) for p in parts), messages.SUCCESS)
            return HttpResponseRedirect(
                reverse("admin:registrations_registration_change", args=[taken.substitute.pk])
            )
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": Registration._meta,
        "title": _("Ersatzperson für %(name)s") % {"name": registration.full_name},
        "registration": registration,
        "form": form,
    }
    return TemplateResponse(request, "admin/registrations/registration/substitute_form.html", context)


# ---------------------------------------------------------------- member list


class MemberUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Mitgliederliste (CSV)"),
        help_text=_(
            "Spalten Mitgliedsnummer; Name; E-Mail mit Kopfzeile, getrennt durch Semikolon oder Komma, "
            "UTF-8 (mit oder ohne BOM) oder Excel-CSV."
        ),
    )
    replace = forms.BooleanField(
        label=_("Liste ersetzen: Wer nicht in der Datei steht, wird aus der Mitgliederliste entfernt."),
        required=False,
        initial=True,
    )


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ["member_number", "name", "email", "uploaded_at"]
    search_fields = ["member_number", "name", "email"]
    ordering = ["name"]

    def get_urls(self):
        return [
            path(
                "hochladen/",
                self.admin_site.admin_view(self.upload_view),
                name="registrations_member_upload",
            ),
            *super().get_urls(),
        ]

    def upload_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = MemberUploadForm(request.POST or None, request.FILES or None)
        errors = []
        if request.method == "POST" and form.is_valid():
            try:
                result = membership.import_member_list(
                    file=form.cleaned_data["file"], replace=form.cleaned_data["replace"]
                )
            except membership.MemberImportError as error:
                errors = error.errors
                self.message_user(
                    request, _("Die Datei wurde nicht übernommen; es wurde nichts geändert."), messages.ERROR
                )
            else:
                self.message_user(
                    request,
                    _(
                        "Mitgliederliste übernommen: %(created)d neu, %(updated)d geändert, %(deleted)d entfernt. "
                        "Geprüfte Anmeldungen: %(verified)d bestätigt, %(check)d bitte prüfen."
                    )
                    % {
                        "created": result.created,
                        "updated": result.updated,
                        "deleted": result.deleted,
                        "verified": result.rechecked.get("verified", 0),
                        "check": result.rechecked.get("check", 0),
                    },
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:registrations_member_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": Member._meta,
            "title": _("Mitgliederliste hochladen"),
            "form": form,
            "import_errors": errors,
            "member_count": Member.objects.count(),
        }
        return TemplateResponse(request, "admin/registrations/member/upload.html", context)


BINDING_READONLY = [
    "fee_category",
    "fee",
    "membership_check",
    "evening_event_titles",
    "terms_consent",
    "terms_accepted_at",
    "substitution_note",
]

BINDING_FIELDSET = (
    _("Verbindliche Anmeldung"),
    {
        "description": _(
            "Gebühr und Mitgliedschaft ändern Sie über die Aktionen „Mitgliedschaft bestätigen“ bzw. „Als "
            "Nicht-Mitglied abrechnen“. Nach einer Änderung der Rechnungsdaten die Rechnung mit der Aktion "
            "„Rechnung neu ausstellen“ berichtigen – eine versandte Rechnung wird nie geändert."
        ),
        "fields": [
            ("fee_category", "fee", "membership_check"),
            "billing_recipient",
            ("billing_organisation", "billing_department"),
            "billing_street",
            ("billing_postcode", "billing_city"),
            "billing_email",
            ("order_number", "cost_centre", "leitweg_id"),
            ("dietary_needs", "accessibility_needs"),
            "list_consent",
            "evening_event_titles",
            ("terms_consent", "terms_accepted_at"),
            "substitution_note",
        ],
    },
)


class BindingRegistrationMixin:
    """Adds the office's binding-registration pages and fields to the Registration admin."""

    def get_urls(self):
        return [*binding_urls(self), *substitute_urls(self), *super().get_urls()]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # RegistrationAdmin answers get_fieldsets/get_readonly_fields from these attributes.
        self.fieldsets = (*self.fieldsets, BINDING_FIELDSET)
        self.readonly_fields = [
            *self.readonly_fields,
            *(n for n in BINDING_READONLY if n not in self.readonly_fields),
        ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "leitweg_id" and field is not None:
            field.validators.append(validate_leitweg_id)
        if db_field.name == "billing_recipient" and field is not None:
            field.choices = OfficeBindingForm.billing_recipient_choices(field.choices)
        return field

    @admin.display(description=_("Abendveranstaltungen"))
    def evening_event_titles(self, obj):
        return ", ".join(item.title for item in obj.evening_events.all()) or "–"

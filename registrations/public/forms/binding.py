"""The binding registration form: input cleaning and German errors. The rules live in rules/ and the domain."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Fieldset, Layout, Submit
from django import forms
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.forms.cached import RenderedHTML, with_cached_fields
from core.forms.submission import SubmissionTokenMixin
from core.forms.text import CleanTextMixin

from ...models import Registration
from ...rules import fees
from ...rules.billing import BINDING_FIELDS, billing_errors, cleared_employer_fields
from ...rules.evening_events import members_only_refusal
from ...rules.leitweg import validate_leitweg_id
from ._person import (
    BILLING_WIDGETS,
    PERSON_FIELD_ORDER,
    BillingCleaning,
    PersonFields,
    billing_fieldset,
    german_messages,
    pop_workshop_choices,
)
from .personal import PersonalDataForm, invitation_consent_field
from .workshops import RadioSelectWithDisabled, compact_workshop_label


class EveningEventsWidget(forms.CheckboxSelectMultiple):
    """Checkboxes that mark members-only events, so the page can hide them for non-members."""

    def __init__(self, *args, members_only_values=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.members_only_values = {str(value) for value in members_only_values}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if str(value) in self.members_only_values:
            option["attrs"]["data-members-only"] = "1"
        return option


class BindingRegistrationForm(SubmissionTokenMixin, BillingCleaning, PersonalDataForm):
    """Personal data, billing, workshops, evening events, consents – one form, one submit.

    `conference` and the data to show come from the view: `phases` (the workshops
    helper's `workshop_choices`), `evening_events` (offered programme items),
    `terms` (the current ConsentText of the conference), `needs_privacy_consent`.
    """

    multiline_fields = ("note",)

    class Meta(PersonalDataForm.Meta):
        fields = [*PersonalDataForm.Meta.fields, *BINDING_FIELDS]
        labels = {
            **PersonalDataForm.Meta.labels,
            "billing_recipient": _("Die Rechnung geht an"),
            "billing_organisation": _("Rechnungsempfänger (Dienststelle, Organisation)"),
            "billing_department": _("Abteilung / Amt"),
            "billing_street": _("Straße und Hausnummer"),
            "billing_postcode": _("PLZ"),
            "billing_city": pgettext_lazy("postal address", "Ort"),
            "billing_email": _("E-Mail-Adresse für die Rechnung (optional)"),
            "order_number": _("Bestellnummer (optional)"),
            "cost_centre": _("Kostenstelle (optional)"),
            "leitweg_id": _("Leitweg-ID (nur für öffentliche Auftraggeber mit E-Rechnung)"),
            "dietary_needs": _("Ernährung (optional)"),
            "accessibility_needs": _("Barrierefreiheit (optional)"),
            "list_consent": _(
                "Ich bin einverstanden, dass mein Name und meine Organisation auf der Teilnehmendenliste "
                "stehen, die alle Teilnehmenden der Tagung erhalten."
            ),
        }
        help_texts = {
            **PersonalDataForm.Meta.help_texts,
            "billing_email": _(
                "Falls die Rechnung an eine andere Adresse als Ihre gehen soll, z. B. die Rechnungsstelle."
            ),
            "leitweg_id": _("Steht in der Bestellung Ihrer Verwaltung, z. B. 04011000-1234512345-06."),
            "dietary_needs": _("z. B. vegetarisch, vegan, Allergien"),
            "accessibility_needs": _("z. B. barrierefreier Zugang, Gebärdensprache"),
            "list_consent": _(
                "Freiwillig und unabhängig von der Datenschutzeinwilligung; jederzeit widerrufbar."
            ),
        }
        widgets = {
            **PersonalDataForm.Meta.widgets,
            "billing_recipient": forms.RadioSelect,
            **BILLING_WIDGETS,
        }
        error_messages = {
            **PersonalDataForm.Meta.error_messages,
            "billing_email": {"invalid": _("Bitte geben Sie eine gültige E-Mail-Adresse ein.")},
        }

    website = forms.CharField(
        label=_("Bitte dieses Feld leer lassen"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    evening_events = forms.TypedMultipleChoiceField(
        label=_("Ich nehme teil an"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Bitte kreuzen Sie an, woran Sie teilnehmen möchten."),
    )
    privacy_consent = forms.BooleanField(
        label=_(
            "Ich habe den Datenschutzhinweis gelesen und bin mit der Verarbeitung meiner Angaben für die Tagung einverstanden."
        ),
    )
    invitation_consent = invitation_consent_field()
    terms_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    terms_accepted = forms.BooleanField(
        label=_(
            "Ich melde mich verbindlich an und akzeptiere die Zahlungsvereinbarung und die Teilnahmebedingungen."
        ),
    )

    def __init__(
        self,
        *args,
        conference,
        phases=(),
        evening_events=(),
        terms=None,
        needs_privacy_consent=True,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.conference = conference
        self.phases = list(phases)
        self.terms = terms
        self.evening_event_items = {item.pk: item for item in evening_events}
        self.fields["billing_recipient"].required = True
        self.fields["billing_recipient"].choices = Registration.BillingRecipient.choices
        if not self.is_bound and not self.initial.get("billing_recipient"):
            self.initial["billing_recipient"] = Registration.BillingRecipient.EMPLOYER
        self.fields["leitweg_id"].validators.append(validate_leitweg_id)
        self.fields["evening_events"].choices = [
            (item.pk, self._evening_label(item)) for item in self.evening_event_items.values()
        ]
        self.fields["evening_events"].widget = EveningEventsWidget(
            members_only_values=[pk for pk, item in self.evening_event_items.items() if item.members_only]
        )
        self.fields["evening_events"].widget.choices = self.fields["evening_events"].choices
        if not self.evening_event_items:
            del self.fields["evening_events"]
        elif self.instance.pk and not self.is_bound:
            self.initial["evening_events"] = list(self.instance.evening_events.values_list("pk", flat=True))
        if not needs_privacy_consent:
            del self.fields["privacy_consent"]
        else:
            self.fields["privacy_consent"].help_text = format_html(
                '<a href="{}" target="_blank" rel="noopener">{}</a>',
                reverse("programme:page", kwargs={"slug": "datenschutz"}),
                _("Datenschutzhinweis lesen (öffnet in neuem Fenster)"),
            )
        self.fields["terms_version"].initial = terms.version if terms else None
        for field in self.fields.values():
            if field.required:
                field.error_messages["required"] = _("Bitte füllen Sie dieses Feld aus.")
        self.workshop_field_names = []
        for choice in self.phases:
            self._add_workshop_field(choice)
        if "privacy_consent" in self.fields:
            self.fields["privacy_consent"].error_messages["required"] = _(
                "Bitte stimmen Sie dem Datenschutzhinweis zu."
            )
        self.fields["terms_accepted"].error_messages["required"] = _(
            "Bitte akzeptieren Sie die Zahlungsvereinbarung und die Teilnahmebedingungen."
        )
        self.fields["billing_recipient"].error_messages["required"] = _(
            "Bitte wählen Sie, an wen die Rechnung geht."
        )
        # The fields the person fills in only when it applies
        for name in (
            "billing_organisation",
            "billing_street",
            "billing_postcode",
            "billing_city",
        ):
            self.fields[name].required = False
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = self._layout()

    # ------------------------------------------------------------------ fields

    @staticmethod
    def _evening_label(item):
        from django.utils import timezone
        from django.utils.formats import date_format

        when = timezone.localtime(item.starts_at)
        moment = _("%(date)s, %(time)s Uhr") % {"date": date_format(when, "D, d.m."), "time": f"{when:%H:%M}"}
        label = f"{item.title} ({moment})"
        if item.members_only:
            label += " – " + str(_("nur für VSOP-Mitglieder"))
        return label

    def _add_workshop_field(self, choice):
        phase = choice.phase
        name = f"workshop_{phase.pk}"
        options, full = [], []
        for fill in choice.workshops:
            if fill.is_full:
                full.append(fill.workshop.pk)
            options.append((fill.workshop.pk, compact_workshop_label(fill)))
        selectable = len(options) - len(full)
        self.fields[name] = forms.TypedChoiceField(
            label=str(phase),
            choices=options,
            coerce=int,
            required=selectable > 0,
            widget=RadioSelectWithDisabled(disabled_values=full),
            help_text=escape(phase.guiding_question or ""),  # office text: help_text is not escaped
            error_messages={
                "required": _("Bitte wählen Sie einen Workshop."),
                "invalid_choice": _("Bitte wählen Sie einen Workshop aus der Liste."),
            },
        )
        self.fields[name].full_workshops = set(full)
        self.workshop_field_names.append(name)

    # ------------------------------------------------------------------ layout

    def _layout(self):
        personal = list(PERSON_FIELD_ORDER)
        fee_note = render_to_string(
            "registrations/_binding_fee_note.html", {"conference": self.conference, "fee": self.fee_preview()}
        )
        parts = [
            Fieldset(_("Ihre Angaben"), *personal, RenderedHTML(fee_note)),
            billing_fieldset(_("Rechnung")),
        ]
        if self.workshop_field_names:
            parts.append(Fieldset(_("Workshops"), *self.workshop_field_names))
        if "evening_events" in self.fields:
            parts.append(Fieldset(_("Abendveranstaltungen"), "evening_events"))
        parts.append(
            Fieldset(
                _("Sonstiges"),
                "dietary_needs",
                "accessibility_needs",
                "note",
                "list_consent",
                "invitation_consent",
            )
        )
        terms_html = render_to_string("registrations/_binding_terms.html", {"terms": self.terms})
        consent = ["terms_version", RenderedHTML(terms_html), "terms_accepted"]
        if "privacy_consent" in self.fields:
            consent.insert(0, "privacy_consent")
        parts.append(Fieldset(_("Zahlungsvereinbarung und Teilnahmebedingungen"), *consent))
        parts.append(Div("website", css_class="hp-wrapper", aria_hidden="true"))
        parts.append(Submit("submit", _("Verbindlich anmelden"), css_class="btn-lg"))
        return Layout(*[with_cached_fields(part) for part in parts])

    # ------------------------------------------------------------------ cleaning

    @property
    def is_bot(self):
        return bool(self.data.get("website"))

    def clean(self):
        cleaned = super().clean()
        for name, message in billing_errors(cleaned).items():
            if name not in self.errors:
                self.add_error(name, message)
        cleaned.update(cleared_employer_fields(cleaned))
        chosen = [
            self.evening_event_items[pk]
            for pk in cleaned.get("evening_events") or []
            if pk in self.evening_event_items
        ]
        refusal = members_only_refusal(chosen, is_member=bool(cleaned.get("is_member")))
        if refusal:
            self.add_error("evening_events", refusal)
        for name in self.workshop_field_names:
            value = cleaned.get(name)
            if value is not None and value in self.fields[name].full_workshops:
                self.add_error(name, _("Dieser Workshop ist ausgebucht. Bitte wählen Sie einen anderen."))
        return cleaned

    def service_data(self):
        """The cleaned data in the shape `register_binding` takes."""
        cleaned = dict(self.cleaned_data)
        cleaned["workshop_choices"] = pop_workshop_choices(cleaned, self.workshop_field_names)
        cleaned.setdefault("evening_events", [])
        cleaned.pop("website", None)
        return cleaned

    def fee_preview(self):
        """The fee as it will be charged for the membership status currently in the form."""
        if self.is_bound:
            is_member = str(self.data.get("is_member", "")).lower() in {"on", "true", "1", "yes"}
        else:
            is_member = bool(self.initial.get("is_member", self.instance.is_member))
        return fees.fee_for(conference=self.conference, category=fees.category_for(is_member=is_member))


def lock_membership_fields(form):
    """After the binding registration the fee is frozen: membership changes go through the office."""
    for name in ("is_member", "member_number"):
        if name in form.fields:
            form.fields[name].disabled = True
    if "is_member" in form.fields:
        form.fields["is_member"].help_text = _(
            "Die Teilnahmegebühr ist festgeschrieben. Änderungen der Mitgliedschaft bitte über die Geschäftsstelle."
        )


class SubstituteForm(CleanTextMixin, PersonFields):
    """Personal data of the person who takes over the place (Ersatzperson): the shared person
    fields (_person.PersonFields) with an address and organisation of their own."""

    field_order = [*PERSON_FIELD_ORDER, "confirm"]
    email = forms.EmailField(
        label=_("E-Mail"),
        max_length=254,
        error_messages={"invalid": _("Bitte geben Sie eine gültige E-Mail-Adresse ein.")},
    )
    organisation = forms.CharField(label=_("Organisation"), max_length=200)
    is_member = forms.BooleanField(label=_("Die Ersatzperson ist Mitglied im VSOP e.V."), required=False)
    confirm = forms.BooleanField(
        label=_(
            "Ich gebe meinen Platz an diese Person ab. Sie erhält eine Bestätigung und einen eigenen Link; "
            "mein Link gilt danach nicht mehr."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        german_messages(self)
        self.fields["confirm"].error_messages["required"] = _(
            "Bitte bestätigen Sie die Übergabe des Platzes."
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("submit", _("Platz an die Ersatzperson übergeben")))

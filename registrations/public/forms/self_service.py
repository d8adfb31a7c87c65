"""Changing one's binding registration afterwards: billing, evening events, needs, list consent.

Labels, widgets and cleaning are the binding form's (forms/binding.py), so both ask the
same questions and refuse the same input; the rules are in rules/billing.py and
rules/evening_events.py, the change itself in domain/self_service.py.
"""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms.text import CleanTextMixin

from ...models import Registration
from ...rules.billing import BINDING_FIELDS, billing_errors, cleared_employer_fields
from ...rules.evening_events import members_only_refusal
from ...rules.leitweg import validate_leitweg_id
from ._person import billing_fieldset
from .binding import BindingRegistrationForm, EveningEventsWidget


class SelfServiceForm(CleanTextMixin, forms.ModelForm):
    class Meta:
        model = Registration
        fields = list(BINDING_FIELDS)
        labels = {name: BindingRegistrationForm.Meta.labels[name] for name in BINDING_FIELDS}
        help_texts = {
            name: text
            for name, text in BindingRegistrationForm.Meta.help_texts.items()
            if name in BINDING_FIELDS
        }
        widgets = {
            name: widget
            for name, widget in BindingRegistrationForm.Meta.widgets.items()
            if name in BINDING_FIELDS
        }
        error_messages = {"billing_email": BindingRegistrationForm.Meta.error_messages["billing_email"]}

    evening_events = forms.TypedMultipleChoiceField(
        label=_("Ich nehme teil an"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )

    # One rule for both forms: the binding form's cleaning of postcode and Leitweg-ID.
    clean_billing_postcode = BindingRegistrationForm.clean_billing_postcode
    clean_leitweg_id = BindingRegistrationForm.clean_leitweg_id

    def __init__(self, *args, evening_events=(), **kwargs):
        super().__init__(*args, **kwargs)
        chosen = set(self.instance.evening_events.values_list("pk", flat=True)) if self.instance.pk else set()
        # A non-member is offered no members-only event (one chosen before stays visible, to be removed).
        self.evening_event_items = {
            item.pk: item
            for item in evening_events
            if self.instance.is_member or not item.members_only or item.pk in chosen
        }
        self.fields["billing_recipient"].required = True
        self.fields["billing_recipient"].choices = Registration.BillingRecipient.choices
        self.fields["leitweg_id"].validators.append(validate_leitweg_id)
        for name in ("billing_organisation", "billing_street", "billing_postcode", "billing_city"):
            self.fields[name].required = False
        if self.evening_event_items:
            choices = [
                (item.pk, BindingRegistrationForm._evening_label(item))
                for item in self.evening_event_items.values()
            ]
            self.fields["evening_events"].choices = choices
            self.fields["evening_events"].widget = EveningEventsWidget(
                members_only_values=[pk for pk, item in self.evening_event_items.items() if item.members_only]
            )
            self.fields["evening_events"].widget.choices = choices
            if not self.is_bound:
                self.initial["evening_events"] = sorted(chosen)
        else:
            del self.fields["evening_events"]
        for field in self.fields.values():
            if field.required:
                field.error_messages["required"] = _("Bitte füllen Sie dieses Feld aus.")
        self.helper = FormHelper()
        self.helper.form_tag = False
        parts = [
            billing_fieldset(_("Rechnung")),
        ]
        if "evening_events" in self.fields:
            parts.append(Fieldset(_("Abendveranstaltungen"), "evening_events"))
        parts.append(Fieldset(_("Sonstiges"), "dietary_needs", "accessibility_needs", "list_consent"))
        parts.append(Submit("submit", _("Änderungen speichern")))
        self.helper.layout = Layout(*parts)

    def clean(self):
        cleaned = super().clean()
        for name, message in billing_errors(cleaned).items():
            if name not in self.errors:
                self.add_error(name, message)
        cleaned.update(cleared_employer_fields(cleaned))
        chosen = [self.evening_event_items[pk] for pk in cleaned.get("evening_events") or []]
        refusal = members_only_refusal(chosen, is_member=self.instance.is_member)
        if refusal:
            self.add_error("evening_events", refusal)
        return cleaned

    def service_data(self):
        """The cleaned data in the shape `update_binding_details` takes."""
        return {**self.cleaned_data, "evening_events": self.cleaned_data.get("evening_events") or []}

"""What the public forms share about a person and a billing address: one place for the fields,
their German messages, the layout of the address and its cleaning.

`PersonFields` is the person someone else types in (a substitute, a group's colleague): salutation,
title, name, position and membership, cleaned the same way. The binding form takes the same data
from the model (PersonalDataForm); it shares the billing part: `BillingCleaning`,
`BILLING_WIDGETS` and the address rows of `billing_fieldset`.
"""

import re

from crispy_forms.layout import Div, Fieldset
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.forms.validators import validate_person_name

from ...models import Registration
from ...rules.leitweg import normalise_leitweg_id
from ...rules.personal import PERSONAL_FIELDS

POSTCODE_RE = re.compile(r"^\d{5}$|^[A-Z]{1,2}-?\d{4,5}$|^\d{4}$")

BILLING_WIDGETS = {
    "billing_street": forms.TextInput(attrs={"autocomplete": "street-address"}),
    "billing_postcode": forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "numeric"}),
    "billing_city": forms.TextInput(attrs={"autocomplete": "address-level2"}),
    "billing_email": forms.EmailInput(attrs={"autocomplete": "email"}),
}


def german_messages(form):
    """German messages (and maxlength) on every field of `form`, as on every public form. Every
    field gets the "required" message, so one a form makes required later has it too."""
    for field in form.fields.values():
        field.error_messages["required"] = _("Bitte füllen Sie dieses Feld aus.")
        if isinstance(field, forms.CharField) and field.max_length:
            field.widget.attrs["maxlength"] = field.max_length
            field.error_messages["max_length"] = _(
                "Bitte höchstens %(limit_value)d Zeichen eingeben (jetzt: %(show_value)d)."
            )
        if isinstance(field, forms.EmailField):
            field.error_messages["invalid"] = _("Bitte geben Sie eine gültige E-Mail-Adresse ein.")


class PersonFields(forms.Form):
    """A person typed in by someone else: salutation, title, name, position and membership."""

    salutation = forms.ChoiceField(
        label=_("Anrede"),
        choices=Registration.Salutation.choices,
        required=False,
        initial=Registration.Salutation.NONE,
    )
    academic_title = forms.CharField(label=_("Titel"), max_length=50, required=False)
    first_name = forms.CharField(label=_("Vorname"), max_length=100)
    last_name = forms.CharField(label=_("Nachname"), max_length=100)
    position = forms.CharField(label=_("Funktion / Stelle"), max_length=200, required=False)
    is_member = forms.BooleanField(label=_("Mitglied im VSOP e.V."), required=False)
    member_number = forms.CharField(label=_("Mitgliedsnummer"), max_length=30, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first_name"].validators.append(validate_person_name)
        self.fields["last_name"].validators.append(validate_person_name)

    def clean(self):
        cleaned = super().clean()
        cleaned["salutation"] = cleaned.get("salutation") or Registration.Salutation.NONE
        if not cleaned.get("is_member"):
            cleaned["member_number"] = ""
        return cleaned


# The person fields in the order every form shows them (the binding form adds its note).
PERSON_FIELD_ORDER = tuple(name for name in PERSONAL_FIELDS if name != "note")


def row(*columns):
    """One layout row of (field, width of 12) columns."""
    return Div(*(Div(name, css_class=f"col-sm-{width}") for name, width in columns), css_class="row")


def name_rows():
    """Salutation and title, first and last name: two rows."""
    return row(("salutation", 4), ("academic_title", 8)), row(("first_name", 6), ("last_name", 6))


def membership_row():
    return row(("is_member", 6), ("member_number", 6))


def address_rows():
    """Street, postcode and city in one row, the invoice's e-mail address."""
    return "billing_street", row(("billing_postcode", 4), ("billing_city", 8)), "billing_email"


def pop_workshop_choices(cleaned, names):
    """Take the workshop fields `names` out of `cleaned`: {phase id: workshop id} of those chosen."""
    choices = {}
    for name in names:
        value = cleaned.pop(name, None)
        if value is not None:
            choices[int(name.removeprefix("workshop_"))] = value
    return choices


def billing_fieldset(title, *, choice="billing_recipient", employer_css_class="binding-employer-fields"):
    """The billing fieldset: the choice (who is invoiced, or how), the employer's name, the address,
    the employer's references. `employer_css_class` marks the employer's fields (the binding form
    hides them for an invoice to the person); None when the invoice always goes to the employer."""

    def employer(*names):
        return Div(*names, css_class=employer_css_class) if employer_css_class else names

    def flat(part):
        return part if isinstance(part, tuple) else (part,)

    return Fieldset(
        title,
        choice,
        *flat(employer("billing_organisation", "billing_department")),
        *address_rows(),
        *flat(employer("order_number", "cost_centre", "leitweg_id")),
    )


class BillingCleaning:
    """Cleaning of the billing address fields: the Leitweg-ID normalised, the postcode checked."""

    def clean_leitweg_id(self):
        return normalise_leitweg_id(self.cleaned_data.get("leitweg_id") or "")

    def clean_billing_postcode(self):
        value = (self.cleaned_data.get("billing_postcode") or "").strip().upper()
        if value and not POSTCODE_RE.match(value):
            raise ValidationError(_("Bitte geben Sie eine gültige Postleitzahl ein, z. B. 50667."))
        return value

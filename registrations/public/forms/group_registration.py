"""The group registration form: the contact, the employer's billing, and one row per colleague.

Input cleaning and German errors only; the rules are in rules/group_registrations.py and
rules/billing.py, the registration itself in domain/group_registrations.py.
"""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Fieldset, Layout
from django import forms
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.forms.cached import RenderedHTML
from core.forms.text import CleanTextMixin
from core.forms.validators import validate_person_name

from ...models import GroupRegistration
from ...rules.group_registrations import MAX_MEMBERS, needs_refusal
from ...rules.leitweg import validate_leitweg_id
from ._person import (
    BILLING_WIDGETS,
    BillingCleaning,
    PersonFields,
    billing_fieldset,
    german_messages,
    membership_row,
    name_rows,
    pop_workshop_choices,
    row,
)
from .binding import BindingRegistrationForm
from .personal import invitation_consent_field


class GroupContactForm(CleanTextMixin, BillingCleaning, forms.ModelForm):
    """Who registers (the contact), for which employer, and how the employer is invoiced."""

    class Meta:
        model = GroupRegistration
        fields = [
            "contact_first_name",
            "contact_last_name",
            "contact_email",
            "contact_phone",
            "organisation",
            "billing",
            "billing_organisation",
            "billing_department",
            "billing_street",
            "billing_postcode",
            "billing_city",
            "billing_email",
            "order_number",
            "cost_centre",
            "leitweg_id",
        ]
        labels = {
            "contact_first_name": _("Ihr Vorname"),
            "contact_last_name": _("Ihr Nachname"),
            "contact_email": _("Ihre E-Mail-Adresse"),
            "contact_phone": _("Telefon (optional)"),
            "organisation": _("Organisation der Angemeldeten"),
            "billing": _("Rechnung"),
            **{
                name: BindingRegistrationForm.Meta.labels[name]
                for name in (
                    "billing_organisation",
                    "billing_department",
                    "billing_street",
                    "billing_postcode",
                    "billing_city",
                    "billing_email",
                    "order_number",
                    "cost_centre",
                    "leitweg_id",
                )
            },
        }
        help_texts = {
            "contact_email": _(
                "Hierhin schicken wir den Link zur Gruppenseite, über den Sie die Anmeldungen verwalten; "
                "Kolleginnen und Kollegen ohne eigene Adresse erhalten ihre Post ebenfalls hierhin."
            ),
            "organisation": _("Kommune, Landkreis, Hochschule, Träger …"),
            "billing_email": _("Falls die Rechnung an die Rechnungsstelle statt an Sie gehen soll."),
            "leitweg_id": BindingRegistrationForm.Meta.help_texts["leitweg_id"],
        }
        widgets = {
            "billing": forms.RadioSelect,
            "contact_email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "contact_first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "contact_last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
            "contact_phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
            "organisation": forms.TextInput(attrs={"autocomplete": "organization"}),
            **BILLING_WIDGETS,
        }

    website = forms.CharField(
        label=_("Bitte dieses Feld leer lassen"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    privacy_consent = forms.BooleanField(
        label=_(
            "Ich habe den Datenschutzhinweis gelesen; die Angemeldeten wissen, dass ich ihre Angaben "
            "für die Tagung übermittle."
        ),
    )
    invitation_consent = invitation_consent_field(
        help_text=_(
            "Freiwillig und nur für Sie als Kontaktperson: Wir schicken Ihnen die Einladungen zu den "
            "nächsten Tagungen. Dafür behalten wir Ihren Namen und Ihre E-Mail-Adresse auch nach dem "
            "Löschen der übrigen Daten, nur zu diesem Zweck. Sie können das in jeder Einladung widerrufen. "
            "Ihre Kolleginnen und Kollegen entscheiden das selbst über ihren eigenen Link."
        )
    )
    terms_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    terms_accepted = forms.BooleanField(
        label=_(
            "Ich melde die genannten Personen verbindlich an und akzeptiere für sie die "
            "Zahlungsvereinbarung und die Teilnahmebedingungen."
        ),
    )

    def __init__(self, *args, terms=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.terms = terms
        self.fields["billing"].choices = GroupRegistration.Billing.choices
        self.fields["leitweg_id"].validators.append(validate_leitweg_id)
        self.fields["contact_first_name"].validators.append(validate_person_name)
        self.fields["contact_last_name"].validators.append(validate_person_name)
        self.fields["terms_version"].initial = terms.version if terms else None
        self.fields["privacy_consent"].help_text = format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            reverse("programme:page", kwargs={"slug": "datenschutz"}),
            _("Datenschutzhinweis lesen (öffnet in neuem Fenster)"),
        )
        german_messages(self)
        self.fields["privacy_consent"].error_messages["required"] = _(
            "Bitte stimmen Sie dem Datenschutzhinweis zu."
        )
        self.fields["terms_accepted"].error_messages["required"] = _(
            "Bitte akzeptieren Sie die Zahlungsvereinbarung und die Teilnahmebedingungen."
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Fieldset(
                _("Sie als Kontaktperson"),
                row(("contact_first_name", 6), ("contact_last_name", 6)),
                "contact_email",
                "contact_phone",
                "organisation",
            ),
            billing_fieldset(_("Rechnung an den Arbeitgeber"), choice="billing", employer_css_class=None),
            Div("website", css_class="hp-wrapper", aria_hidden="true"),
        )
        self.consent_helper = FormHelper()
        self.consent_helper.form_tag = False
        self.consent_helper.disable_csrf = True
        terms_html = render_to_string("registrations/_binding_terms.html", {"terms": terms})
        self.consent_helper.layout = Layout(
            Fieldset(
                _("Zahlungsvereinbarung und Teilnahmebedingungen"),
                "privacy_consent",
                "invitation_consent",
                "terms_version",
                RenderedHTML(terms_html),
                "terms_accepted",
            )
        )

    @property
    def is_bot(self):
        return bool(self.data.get("website"))

    def clean_contact_email(self):
        return (self.cleaned_data.get("contact_email") or "").strip().lower()


class GroupMemberForm(CleanTextMixin, PersonFields):
    """One colleague: the shared person fields (_person.PersonFields), an optional own address,
    workshops, and needs only with consent."""

    email = forms.EmailField(
        label=_("Eigene E-Mail-Adresse (optional)"),
        max_length=254,
        required=False,
        help_text=_("Mit eigener Adresse erhält die Person einen eigenen Link für ihre Angaben."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    dietary_needs = forms.CharField(
        label=_("Ernährung (optional)"),
        max_length=300,
        required=False,
        help_text=_("z. B. vegetarisch, vegan, Allergien"),
    )
    accessibility_needs = forms.CharField(
        label=_("Barrierefreiheit (optional)"), max_length=300, required=False
    )
    needs_agreed = forms.BooleanField(
        label=_(
            "Die Person ist einverstanden, dass ich diese Angaben zu Ernährung und Barrierefreiheit mache."
        ),
        required=False,
    )

    def __init__(self, *args, phases=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.workshop_field_names = []
        for choice in phases:
            name = f"workshop_{choice.phase.pk}"
            options = [("", _("später wählen"))] + [
                (fill.workshop.pk, fill.workshop.title) for fill in choice.workshops if not fill.is_full
            ]
            self.fields[name] = forms.TypedChoiceField(
                label=str(choice.phase), choices=options, coerce=int, required=False, empty_value=None
            )
            self.workshop_field_names.append(name)
        german_messages(self)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            *name_rows(),
            "email",
            "position",
            membership_row(),
            *self.workshop_field_names,
            "dietary_needs",
            "accessibility_needs",
            "needs_agreed",
        )

    def clean(self):
        cleaned = super().clean()  # salutation and membership: PersonFields.clean
        refusal = needs_refusal(
            dietary_needs=cleaned.get("dietary_needs"),
            accessibility_needs=cleaned.get("accessibility_needs"),
            colleague_agreed=cleaned.get("needs_agreed"),
        )
        if refusal:
            self.add_error("needs_agreed", refusal)
        return cleaned

    def member_data(self):
        """The cleaned row in the shape domain.group_registrations.register_group takes."""
        cleaned = dict(self.cleaned_data)
        cleaned["workshop_choices"] = pop_workshop_choices(cleaned, self.workshop_field_names)
        return cleaned


class BaseGroupMemberFormSet(forms.BaseFormSet):
    def __init__(self, *args, phases=(), **kwargs):
        self.phases = list(phases)
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "phases": self.phases}

    def members(self):
        return [form.member_data() for form in self.forms if form.has_changed() and form.cleaned_data]


def group_member_formset(*, rows):
    """A formset with `rows` colleague rows (at least one filled in, at most MAX_MEMBERS)."""
    return forms.formset_factory(
        GroupMemberForm,
        formset=BaseGroupMemberFormSet,
        extra=max(0, min(rows, MAX_MEMBERS) - 1),
        min_num=1,
        validate_min=True,
        max_num=MAX_MEMBERS,
        validate_max=True,
    )


class GroupNeedsForm(CleanTextMixin, forms.Form):
    """The contact enters one colleague's dietary and accessibility needs, with their agreement."""

    dietary_needs = GroupMemberForm.base_fields["dietary_needs"]
    accessibility_needs = GroupMemberForm.base_fields["accessibility_needs"]
    needs_agreed = GroupMemberForm.base_fields["needs_agreed"]

    def clean(self):
        cleaned = super().clean()
        refusal = needs_refusal(
            dietary_needs=cleaned.get("dietary_needs"),
            accessibility_needs=cleaned.get("accessibility_needs"),
            colleague_agreed=cleaned.get("needs_agreed"),
        )
        if refusal:
            self.add_error("needs_agreed", refusal)
        return cleaned

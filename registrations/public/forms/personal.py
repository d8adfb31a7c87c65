"""Input cleaning and German error messages. No business rules here."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout, Submit
from django import forms
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.forms.submission import SubmissionTokenMixin
from core.forms.text import CleanTextMixin
from core.forms.validators import validate_person_name

from ...models import Registration
from ...rules.personal import PERSONAL_FIELDS
from ._person import german_messages


def invitation_consent_field(help_text=None):
    """The separate, optional consent to future invitations (domain/invitations.py)."""
    return forms.BooleanField(
        label=_("Über künftige Tagungen informieren"),
        required=False,
        help_text=help_text
        or _(
            "Freiwillig: Wir schicken Ihnen die Einladungen zu den nächsten Tagungen. Dafür behalten wir "
            "Ihren Namen und Ihre E-Mail-Adresse auch nach dem Löschen Ihrer übrigen Daten, nur zu diesem "
            "Zweck. Sie können das jederzeit auf Ihrer Anmeldeseite oder in jeder Einladung widerrufen."
        ),
    )


class PersonalDataForm(CleanTextMixin, forms.ModelForm):
    multiline_fields = ("note",)

    class Meta:
        model = Registration
        fields = list(PERSONAL_FIELDS)
        labels = {
            "is_member": _("Ich bin Mitglied im VSOP e.V."),
            "organisation": _("Organisation"),
            "position": _("Funktion / Stelle"),
            "note": _("Anmerkung (optional)"),
        }
        help_texts = {
            "organisation": _("Kommune, Landkreis, Hochschule, Träger …"),
            "member_number": _("Falls zur Hand – wir prüfen die Mitgliedschaft sonst anhand Ihres Namens."),
            "academic_title": _("z. B. Dr. oder Prof. Dr."),
        }
        widgets = {
            "note": forms.Textarea(attrs={"rows": 3}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
            "organisation": forms.TextInput(attrs={"autocomplete": "organization"}),
            "position": forms.TextInput(attrs={"autocomplete": "organization-title"}),
            "academic_title": forms.TextInput(attrs={"autocomplete": "honorific-prefix"}),
        }
        error_messages = {
            "email": {"invalid": _("Bitte geben Sie eine gültige E-Mail-Adresse ein.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["salutation"].required = False
        self.fields["organisation"].required = True
        self.fields["first_name"].validators.append(validate_person_name)
        self.fields["last_name"].validators.append(validate_person_name)
        german_messages(self)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_salutation(self):
        return self.cleaned_data.get("salutation") or Registration.Salutation.NONE

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("is_member"):
            cleaned["member_number"] = ""
        return cleaned


class PreRegistrationForm(SubmissionTokenMixin, PersonalDataForm):
    website = forms.CharField(
        label=_("Bitte dieses Feld leer lassen"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    privacy_consent = forms.BooleanField(
        label=_(
            "Ich habe den Datenschutzhinweis gelesen und bin mit der Verarbeitung meiner Angaben für die Tagung einverstanden."
        ),
        error_messages={"required": _("Bitte stimmen Sie dem Datenschutzhinweis zu.")},
    )
    invitation_consent = invitation_consent_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["privacy_consent"].error_messages["required"] = _(
            "Bitte stimmen Sie dem Datenschutzhinweis zu."
        )
        self.fields["privacy_consent"].help_text = format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            reverse("programme:page", kwargs={"slug": "datenschutz"}),
            _("Datenschutzhinweis lesen (öffnet in neuem Fenster)"),
        )
        self.helper.layout = Layout(
            *[
                Div(name, css_class="hp-wrapper", aria_hidden="true") if name == "website" else name
                for name in self.fields
                if name != "submission_token"  # written by the template: the form's HTML is cached
            ]
        )
        self.helper.add_input(Submit("submit", _("Unverbindlich voranmelden")))

    @property
    def is_bot(self):
        return bool(self.data.get("website"))


class CancelForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Ja, ich möchte meine Anmeldung stornieren."),
        error_messages={"required": _("Bitte bestätigen Sie die Stornierung.")},
    )

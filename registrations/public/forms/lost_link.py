"""The one field of 'Link vergessen?'."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class LostLinkForm(forms.Form):
    email = forms.EmailField(
        label=_("E-Mail-Adresse, mit der Sie sich angemeldet haben"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Bitte geben Sie Ihre E-Mail-Adresse an."),
            "invalid": _("Bitte geben Sie eine gültige E-Mail-Adresse ein."),
        },
    )

    def __init__(self, *args, **kwargs):
        # Its own ids: the conference page shows it next to the pre-registration form's e-mail field.
        kwargs.setdefault("auto_id", "lost_link_%s")
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_action = reverse("registrations:lost_link")
        self.helper.add_input(Submit("submit", _("Link zusenden")))

"""The binding registration form: input cleaning and German errors. The rules live in the services."""

import hashlib
import re
import threading
import types
from collections import OrderedDict

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Fieldset, Layout, LayoutObject, Submit
from crispy_forms.utils import TEMPLATE_PACK, render_field
from django import forms
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .forms import CleanTextMixin, PersonalDataForm
from .models import Registration
from .services import fees
from .services.registration import BINDING_FIELDS

_LEITWEG_RE = re.compile(r"^(?P<coarse>\d{2,12})(?:-(?P<fine>[A-Z0-9]{1,30}))?-(?P<check>\d{2})$")


def leitweg_check_digits_valid(value):
    """ISO 7064 Mod 97-10 over the Leitweg-ID without hyphens, letters as 10…35 (as for an IBAN).

    Verified against the examples 04011000-1234512345-06 and 991-33333TEST-33.
    """
    digits = "".join(str(int(char, 36)) for char in value.replace("-", ""))
    return int(digits) % 97 == 1


def validate_leitweg_id(value):
    """Leitweg-ID (XRechnung): Grobadressierung (2–12 digits), optional Feinadressierung
    (up to 30 letters or digits), two check digits, separated by hyphens."""
    value = value.upper()
    match = _LEITWEG_RE.match(value)
    if not match:
        raise ValidationError(
            _(
                "Die Leitweg-ID hat das Format Grobadressierung-Feinadressierung-Prüfziffer, "
                "z. B. 04011000-1234512345-06 (2 bis 12 Ziffern, optional bis zu 30 Buchstaben oder "
                "Ziffern, 2 Ziffern)."
            ),
            code="leitweg_format",
        )
    if not leitweg_check_digits_valid(value):
        raise ValidationError(
            _(
                "Die Prüfziffer der Leitweg-ID stimmt nicht. Bitte vergleichen Sie sie mit der Angabe Ihrer Rechnungsstelle."
            ),
            code="leitweg_check",
        )


_POSTCODE_RE = re.compile(r"^\d{5}$|^[A-Z]{1,2}-?\d{4,5}$|^\d{4}$")


class WorkshopChoiceWidget(forms.RadioSelect):
    """Radio buttons where full workshops are shown but cannot be chosen."""

    def __init__(self, *args, disabled_values=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.disabled_values = {str(value) for value in disabled_values}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if str(value) in self.disabled_values:
            option["attrs"]["disabled"] = True
        return option


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


class RenderedHTML(LayoutObject):
    """HTML that is already rendered (crispy's HTML() would compile it as a template on every visit)."""

    def __init__(self, html):
        self.html = html

    def render(self, form, context, template_pack=TEMPLATE_PACK, **kwargs):
        return self.html


# The crispy-forms output of single fields of the unbound binding form, per process.
# Rendering a field through crispy's templates costs about 1.4 ms of CPU; most of the
# form's 27 fields look the same for everybody until they are filled in.
_FIELD_HTML = OrderedDict()
_FIELD_HTML_MAX = 2000
_FIELD_HTML_LOCK = threading.Lock()

# Template variables crispy's field templates read besides the field itself.
_FIELD_CONTEXT = (
    "bootstrap_checkbox_offsets",
    "error_text_inline",
    "field_class",
    "form_class",
    "form_show_errors",
    "form_show_labels",
    "help_text_inline",
    "inline_class",
    "label_class",
    "tag",
    "wrapper_class",
)


class _Uncacheable(Exception):
    pass


def _plain(value):
    """A stable text for a value that decides a field's HTML; _Uncacheable for anything unexpected."""
    if value is None or isinstance(value, (str, bool, int, float)):
        return repr(value)
    if isinstance(value, Promise):
        return repr(str(value))
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(_plain(item) for item in value) + "]"
    if isinstance(value, (set, frozenset)):
        return "{" + ",".join(sorted(_plain(item) for item in value)) + "}"
    if isinstance(value, dict):
        return "{" + ",".join(f"{_plain(key)}:{_plain(item)}" for key, item in value.items()) + "}"
    if isinstance(value, types.FunctionType) and "<" not in value.__qualname__:
        return f"{value.__module__}.{value.__qualname__}"  # e.g. CheckboxInput.check_test
    raise _Uncacheable


def _holds_no_personal_data(field, value):
    """Empty, yes/no or one of the field's fixed choices: nothing the person typed in."""
    if value in (None, "", [], ()) or isinstance(value, bool):
        return True
    choices = getattr(field, "choices", None)
    if not isinstance(choices, (list, tuple)):
        return False
    offered = {str(choice) for choice, _label in choices}
    values = value if isinstance(value, (list, tuple)) else [value]
    return all(str(item) in offered for item in values)


# Stands in for the text a person typed into a text or e-mail input while its HTML is
# rendered for the cache; letters, digits and hyphens only, so escaping leaves it alone.
_TYPED_VALUE = "vsop-typed-value-3f9c1e07"
_TYPED_WIDGETS = (forms.TextInput, forms.EmailInput)
_MISSING = object()


class CachedField(LayoutObject):
    """A form field, rendered exactly as crispy renders the plain field name.

    While the form is unbound, the HTML is kept in this process, keyed by everything
    that goes into it: the field's label, help text, widget with its attributes and
    choices, value, the crispy settings in the context and the language. Personal data
    never goes into the cache or its keys: a value is kept only when it is empty, a
    yes/no or one of the field's fixed choices (see _holds_no_personal_data). What a
    person typed into a plain text or e-mail input is put into the HTML afterwards:
    the input is rendered for the cache with a placeholder value, which each visit
    replaces with the escaped text, exactly as Django's input template would write it.
    Anything else (bound forms with input or errors, other widgets with typed values)
    is rendered fresh.
    """

    def __init__(self, name):
        self.name = name
        self.fields = [name]

    def render(self, form, context, template_pack=TEMPLATE_PACK, **kwargs):
        key, typed = self._key(form, context, template_pack)
        if key is None:
            return render_field(self.name, form, context, template_pack=template_pack, **kwargs)
        html = _FIELD_HTML.get(key)
        if html is not None:
            form.rendered_fields.add(self.name)  # as render_field does
        else:
            html = self._render_for_cache(form, context, template_pack, typed, kwargs)
            if html is None:  # the placeholder did not come out exactly once: no shortcut
                form.rendered_fields.discard(self.name)
                return render_field(self.name, form, context, template_pack=template_pack, **kwargs)
            with _FIELD_HTML_LOCK:
                _FIELD_HTML[key] = html
                while len(_FIELD_HTML) > _FIELD_HTML_MAX:
                    _FIELD_HTML.popitem(last=False)
        if typed is not None:
            html = SafeString(html.replace(f'value="{_TYPED_VALUE}"', f'value="{escape(typed)}"'))
        return html

    def _render_for_cache(self, form, context, template_pack, typed, kwargs):
        if typed is None:
            return render_field(self.name, form, context, template_pack=template_pack, **kwargs)
        bound = form[self.name]  # render_field takes the same BoundField from the form
        real = bound.__dict__.get("initial", _MISSING)
        bound.__dict__["initial"] = _TYPED_VALUE  # BoundField.initial is a cached_property
        try:
            html = render_field(self.name, form, context, template_pack=template_pack, **kwargs)
        finally:
            if real is _MISSING:
                del bound.__dict__["initial"]
            else:
                bound.__dict__["initial"] = real
        if html.count(_TYPED_VALUE) != 1 or html.count(f'value="{_TYPED_VALUE}"') != 1:
            return None
        return html

    def _key(self, form, context, template_pack):
        """(key, typed text to put in) or (None, None) for a field that is rendered fresh."""
        if form.is_bound or self.name not in form.fields or not hasattr(form, "rendered_fields"):
            return None, None
        bound = form[self.name]
        field = bound.field
        widget = field.widget
        value = bound.value()
        typed = None
        if bound.errors:
            return None, None
        if not _holds_no_personal_data(field, value):
            if not (
                type(widget) in _TYPED_WIDGETS
                and type(value) is str
                and not widget.is_localized
                and not field.show_hidden_initial
            ):
                return None, None
            typed, value = value, _TYPED_VALUE
        try:
            parts = [
                self._form_key(form, context, template_pack),
                self.name,
                type(field).__qualname__,
                _plain([field.label, field.help_text, field.required, field.disabled]),
                _plain([field.show_hidden_initial, field.localize, value]),
                type(widget).__module__,
                type(widget).__qualname__,
                _plain(sorted((name, _plain(item)) for name, item in vars(widget).items())),
            ]
        except _Uncacheable:
            return None, None
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest(), typed

    @staticmethod
    def _form_key(form, context, template_pack):
        """The part of the key that is the same for all fields of one form in one rendering."""
        cached = getattr(form, "_cached_field_form_key", None)
        if cached is not None and cached[0] is context and cached[1] == template_pack:
            return cached[2]
        key = "\x1f".join(
            [
                type(form).__module__,
                type(form).__qualname__,
                str(template_pack),
                str(form.crispy_field_template),
                translation.get_language(),
                _plain([form.auto_id, form.prefix, form.label_suffix, form.use_required_attribute]),
                _plain([getattr(form, "required_css_class", None), getattr(form, "error_css_class", None)]),
                _plain([context.get(name) for name in _FIELD_CONTEXT]),
            ]
        )
        form._cached_field_form_key = (context, template_pack, key)
        return key


def _with_cached_fields(item):
    """The layout item with every field name in it (also inside Fieldset and Div) as a CachedField."""
    if isinstance(item, str):
        return CachedField(item)
    if isinstance(item, (Fieldset, Div)):
        item.fields = [_with_cached_fields(inner) for inner in item.fields]
    return item


class BindingRegistrationForm(PersonalDataForm):
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
            "billing_city": _("Ort"),
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
            "billing_street": forms.TextInput(attrs={"autocomplete": "street-address"}),
            "billing_postcode": forms.TextInput(
                attrs={"autocomplete": "postal-code", "inputmode": "numeric"}
            ),
            "billing_city": forms.TextInput(attrs={"autocomplete": "address-level2"}),
            "billing_email": forms.EmailInput(attrs={"autocomplete": "email"}),
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
            workshop = fill.workshop
            label = workshop.title
            if fill.moderator_names:
                label += f" ({fill.moderator_names})"
            if fill.is_full:
                label += " – " + str(_("ausgebucht"))
                full.append(workshop.pk)
            elif fill.seats_left is not None and fill.seats_left <= 5:
                left = fill.seats_left
                label += " – " + ngettext("noch %(count)s Platz frei", "noch %(count)s Plätze frei", left) % {
                    "count": left
                }
            options.append((workshop.pk, label))
        selectable = len(options) - len(full)
        self.fields[name] = forms.TypedChoiceField(
            label=str(phase),
            choices=options,
            coerce=int,
            required=selectable > 0,
            widget=WorkshopChoiceWidget(disabled_values=full),
            help_text=phase.guiding_question or "",
            error_messages={
                "required": _("Bitte wählen Sie einen Workshop."),
                "invalid_choice": _("Bitte wählen Sie einen Workshop aus der Liste."),
            },
        )
        self.fields[name].full_workshops = set(full)
        self.workshop_field_names.append(name)

    # ------------------------------------------------------------------ layout

    def _layout(self):
        personal = [
            name
            for name in (
                "salutation",
                "academic_title",
                "first_name",
                "last_name",
                "email",
                "organisation",
                "position",
                "is_member",
                "member_number",
            )
        ]
        fee_note = render_to_string(
            "registrations/_binding_fee_note.html", {"conference": self.conference, "fee": self.fee_preview()}
        )
        parts = [
            Fieldset(_("Ihre Angaben"), *personal, RenderedHTML(fee_note)),
            Fieldset(
                _("Rechnung"),
                "billing_recipient",
                Div(
                    "billing_organisation",
                    "billing_department",
                    css_class="binding-employer-fields",
                ),
                "billing_street",
                Div(
                    Div("billing_postcode", css_class="col-sm-4"),
                    Div("billing_city", css_class="col-sm-8"),
                    css_class="row",
                ),
                "billing_email",
                Div(
                    "order_number",
                    "cost_centre",
                    "leitweg_id",
                    css_class="binding-employer-fields",
                ),
            ),
        ]
        if self.workshop_field_names:
            parts.append(Fieldset(_("Workshops"), *self.workshop_field_names))
        if "evening_events" in self.fields:
            parts.append(Fieldset(_("Abendveranstaltungen"), "evening_events"))
        parts.append(Fieldset(_("Sonstiges"), "dietary_needs", "accessibility_needs", "note", "list_consent"))
        terms_html = render_to_string("registrations/_binding_terms.html", {"terms": self.terms})
        consent = ["terms_version", RenderedHTML(terms_html), "terms_accepted"]
        if "privacy_consent" in self.fields:
            consent.insert(0, "privacy_consent")
        parts.append(Fieldset(_("Zahlungsvereinbarung und Teilnahmebedingungen"), *consent))
        parts.append(Div("website", css_class="hp-wrapper", aria_hidden="true"))
        parts.append(Submit("submit", _("Verbindlich anmelden"), css_class="btn-lg"))
        return Layout(*[_with_cached_fields(part) for part in parts])

    # ------------------------------------------------------------------ cleaning

    @property
    def is_bot(self):
        return bool(self.data.get("website"))

    def clean_leitweg_id(self):
        return (self.cleaned_data.get("leitweg_id") or "").strip().upper()

    def clean_billing_postcode(self):
        value = (self.cleaned_data.get("billing_postcode") or "").strip().upper()
        if value and not _POSTCODE_RE.match(value):
            raise ValidationError(_("Bitte geben Sie eine gültige Postleitzahl ein, z. B. 50667."))
        return value

    def clean(self):
        cleaned = super().clean()
        recipient = cleaned.get("billing_recipient")
        required = (
            ("billing_organisation", "billing_street", "billing_postcode", "billing_city")
            if recipient == Registration.BillingRecipient.EMPLOYER
            else ("billing_street", "billing_postcode", "billing_city")
        )
        if recipient:
            for name in required:
                if not cleaned.get(name) and name not in self.errors:
                    self.add_error(
                        name,
                        _("Bitte für die Rechnung an Ihre Dienststelle ausfüllen.")
                        if recipient == Registration.BillingRecipient.EMPLOYER
                        else _("Bitte für die Rechnung an Sie ausfüllen."),
                    )
        if recipient == Registration.BillingRecipient.PERSON:
            for name in (
                "billing_organisation",
                "billing_department",
                "order_number",
                "cost_centre",
                "leitweg_id",
            ):
                cleaned[name] = ""
        events = cleaned.get("evening_events") or []
        members_only = [
            self.evening_event_items[pk].title
            for pk in events
            if pk in self.evening_event_items and self.evening_event_items[pk].members_only
        ]
        if members_only and not cleaned.get("is_member"):
            self.add_error(
                "evening_events",
                _("„%(title)s“ ist nur für Mitglieder des VSOP e.V.") % {"title": members_only[0]},
            )
        for name in self.workshop_field_names:
            value = cleaned.get(name)
            if value is not None and value in self.fields[name].full_workshops:
                self.add_error(name, _("Dieser Workshop ist ausgebucht. Bitte wählen Sie einen anderen."))
        return cleaned

    def service_data(self):
        """The cleaned data in the shape `register_binding` takes."""
        cleaned = dict(self.cleaned_data)
        choices = {}
        for name in self.workshop_field_names:
            value = cleaned.pop(name, None)
            if value is not None:
                choices[int(name.removeprefix("workshop_"))] = value
        cleaned["workshop_choices"] = choices
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


class SubstituteForm(CleanTextMixin, forms.Form):
    """Personal data of the person who takes over the place (Ersatzperson)."""

    salutation = forms.ChoiceField(
        label=_("Anrede"),
        choices=Registration.Salutation.choices,
        required=False,
        initial=Registration.Salutation.NONE,
    )
    academic_title = forms.CharField(label=_("Titel"), max_length=50, required=False)
    first_name = forms.CharField(label=_("Vorname"), max_length=100)
    last_name = forms.CharField(label=_("Nachname"), max_length=100)
    email = forms.EmailField(
        label=_("E-Mail"),
        max_length=254,
        error_messages={"invalid": _("Bitte geben Sie eine gültige E-Mail-Adresse ein.")},
    )
    organisation = forms.CharField(label=_("Organisation"), max_length=200)
    position = forms.CharField(label=_("Funktion / Stelle"), max_length=200, required=False)
    is_member = forms.BooleanField(label=_("Die Ersatzperson ist Mitglied im VSOP e.V."), required=False)
    member_number = forms.CharField(label=_("Mitgliedsnummer"), max_length=30, required=False)
    confirm = forms.BooleanField(
        label=_(
            "Ich gebe meinen Platz an diese Person ab. Sie erhält eine Bestätigung und einen eigenen Link; "
            "mein Link gilt danach nicht mehr."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .validators import validate_person_name

        self.fields["first_name"].validators.append(validate_person_name)
        self.fields["last_name"].validators.append(validate_person_name)
        for field in self.fields.values():
            if field.required:
                field.error_messages["required"] = _("Bitte füllen Sie dieses Feld aus.")
            if isinstance(field, forms.CharField) and field.max_length:
                field.error_messages["max_length"] = _(
                    "Bitte höchstens %(limit_value)d Zeichen eingeben (jetzt: %(show_value)d)."
                )
        self.fields["confirm"].error_messages["required"] = _(
            "Bitte bestätigen Sie die Übergabe des Platzes."
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("submit", _("Platz an die Ersatzperson übergeben")))

    def clean(self):
        cleaned = super().clean()
        cleaned["salutation"] = cleaned.get("salutation") or Registration.Salutation.NONE
        if not cleaned.get("is_member"):
            cleaned["member_number"] = ""
        return cleaned

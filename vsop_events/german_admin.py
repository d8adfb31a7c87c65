"""Third-party models in the office's German admin: django-otp's devices and the permission lists.

django-otp writes its model and field names as plain English strings (no gettext), so no
catalogue can translate them ("TOTP devices", "Static devices", "Identity", "Timestamps").
Here they get German names and their admins German fieldsets. Only what the admin displays
changes: `verbose_name` on `_meta` and on the fields, never the options a migration records
(`Meta.original_attrs`, the fields' own `_verbose_name`), so no migration is involved.

Django stores permission names in English ("Can add TOTP device"); the user and group forms
show them as "Bereich | Modell | hinzufügen" in the office's words instead.

Django's yes/no icons carry the Python value as their text alternative (alt="True"), which a
screen reader reads out in English; `boolean_icon` gives them "ja", "nein" and "unbekannt".
"""

from django.apps import apps
from django.contrib import admin
from django.contrib.admin.templatetags import admin_list
from django.contrib.auth.models import Group, User
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from core.formatting import field_value

MODEL_NAMES = {
    "otp_totp.TOTPDevice": (_("Authenticator-App"), _("Authenticator-Apps")),
    "otp_static.StaticDevice": (_("Notfallcode-Liste"), _("Notfallcode-Listen")),
    "otp_static.StaticToken": (_("Notfallcode"), _("Notfallcodes")),
}

_DEVICE_FIELDS = {
    "user": (_("Benutzer"), _("Das Konto, zu dem dieser zweite Faktor gehört.")),
    "name": (_("Bezeichnung"), _("Ein Name, an dem die Person den Faktor erkennt, z. B. „Diensthandy“.")),
    "confirmed": (_("eingerichtet"), _("Ist der Faktor bereit zur Anmeldung?")),
    "throttling_failure_timestamp": (_("letzter Fehlversuch"), _("Leer, wenn der letzte Versuch gelang.")),
    "throttling_failure_count": (_("Fehlversuche in Folge"), ""),
    "created_at": (_("angelegt am"), ""),
    "last_used_at": (_("zuletzt verwendet am"), ""),
}
FIELD_NAMES = {
    "otp_totp.TOTPDevice": {
        **_DEVICE_FIELDS,
        "key": (_("Schlüssel"), _("Geheimer Schlüssel (hexadezimal, bis 40 Byte).")),
        "step": (_("Zeitschritt (Sekunden)"), ""),
        "t0": (_("Beginn der Zählung (Unix-Zeit)"), ""),
        "digits": (_("Stellen des Codes"), ""),
        "tolerance": (_("Toleranz (Zeitschritte)"), _("So viele Zeitschritte vor oder zurück gelten noch.")),
        "drift": (_("Gangabweichung (Zeitschritte)"), ""),
        "last_t": (_("zuletzt verwendeter Zeitschritt"), ""),
    },
    "otp_static.StaticDevice": _DEVICE_FIELDS,
    "otp_static.StaticToken": {"device": (_("Notfallcode-Liste"), ""), "token": (_("Code"), "")},
}
FIELDSET_NAMES = {
    "Identity": _("Konto und Bezeichnung"),
    "Timestamps": _("Zeitpunkte"),
    "Configuration": _("Einstellungen"),
    "State": _("Zustand"),
    "Throttling": _("Fehlversuche"),
}
ACTIONS = {"add": _("hinzufügen"), "change": _("ändern"), "delete": _("löschen"), "view": _("ansehen")}


def name_models():
    for label, (singular, plural) in MODEL_NAMES.items():
        meta = apps.get_model(label)._meta
        meta.verbose_name, meta.verbose_name_plural = singular, plural
    for label, fields in FIELD_NAMES.items():
        model = apps.get_model(label)
        for name, (verbose_name, _help_text) in fields.items():
            # verbose_name only: a migration records help_text (see GermanFieldsetsMixin), not this.
            model._meta.get_field(name).verbose_name = verbose_name


def permission_label(permission):
    """'Anmeldungen | Rechnung | ansehen' for Django's 'Can view Rechnung'; custom ones keep their name."""
    model = permission.content_type.model_class()
    if model is None:
        return permission.name
    action, _sep, model_name = permission.codename.partition("_")
    verb = ACTIONS.get(action) if model_name == model._meta.model_name else None
    section = apps.get_app_config(model._meta.app_label).verbose_name
    return f"{section} | {model._meta.verbose_name} | {verb or permission.name}"


class GermanPermissionsMixin:
    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name in {"permissions", "user_permissions"} and field is not None:
            field.label_from_instance = permission_label
        return field


# Read-only fields would show the model's English help text; they are shown through these instead.
READ_ONLY_DISPLAYS = {"created_at": "created_display", "last_used_at": "last_used_display"}


class GermanFieldsetsMixin:
    """German fieldsets, help texts and read-only dates for django-otp's device admins.

    Help texts are set on the form fields, not the model fields: a migration records a model
    field's help_text, and the app's migrations are not ours to change."""

    search_help_text = _("Suche nach Benutzername oder E-Mail-Adresse")

    def get_fieldsets(self, request, obj=None):
        return [
            (
                FIELDSET_NAMES.get(name, name),
                {**options, "fields": [READ_ONLY_DISPLAYS.get(f, f) for f in options.get("fields", [])]},
            )
            for name, options in super().get_fieldsets(request, obj)
        ]

    def get_readonly_fields(self, request, obj=None):
        return [READ_ONLY_DISPLAYS.get(f, f) for f in super().get_readonly_fields(request, obj)]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        fields = FIELD_NAMES.get(db_field.model._meta.label, {})
        if formfield is not None and db_field.name in fields:
            formfield.label, formfield.help_text = fields[db_field.name]
        return formfield

    @admin.display(description=_("angelegt am"))
    def created_display(self, obj):
        return field_value(obj._meta.get_field("created_at"), obj.created_at)

    @admin.display(description=_("zuletzt verwendet am"))
    def last_used_display(self, obj):
        return field_value(obj._meta.get_field("last_used_at"), obj.last_used_at)


class GermanTotpMixin(GermanFieldsetsMixin):
    @admin.display(description=_("QR-Code"))
    def qrcode_link(self, device):
        if device.pk is None:
            return ""
        url = reverse("admin:otp_totp_totpdevice_config", kwargs={"pk": device.pk})
        return format_html('<a href="{}">{}</a>', url, _("QR-Code anzeigen"))


def _reregister(site, model, mixin):
    model_admin = site._registry.get(model)
    if model_admin is None:
        return
    german = type(f"German{type(model_admin).__name__}", (mixin, type(model_admin)), {})
    site.unregister(model)
    site.register(model, german)


def boolean_icon(field_val):
    """Django's yes/no icon with a German text alternative instead of alt="True"."""
    icon, text = {
        True: ("yes", gettext("ja")),
        False: ("no", gettext("nein")),
        None: ("unknown", pgettext("yes/no icon", "unbekannt")),
    }[field_val]
    return format_html('<img src="{}" alt="{}">', static(f"admin/img/icon-{icon}.svg"), text)


def germanise(site=admin.site):
    """Called once the admin modules are loaded (vsop_events.apps.OfficeAdminConfig.ready)."""
    # Every caller in Django's admin (change list, read-only fields, display_for_field/value)
    # imports the icon from admin_list when it draws it, so this one name serves them all;
    # tests/project/test_german_admin.py fails if Django ever stops looking it up there.
    admin_list._boolean_icon = boolean_icon
    name_models()
    _reregister(site, User, GermanPermissionsMixin)
    _reregister(site, Group, GermanPermissionsMixin)
    _reregister(site, apps.get_model("otp_totp.TOTPDevice"), GermanTotpMixin)
    _reregister(site, apps.get_model("otp_static.StaticDevice"), GermanFieldsetsMixin)

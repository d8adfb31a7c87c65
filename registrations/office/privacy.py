"""The office's side of data protection: deletion requests and anonymising one registration."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.exceptions import RegistrationError

from ..domain import retention
from .confirm import confirm_first


class DeletionRequestFilter(admin.SimpleListFilter):
    title = _("Datenschutz")
    parameter_name = "privacy"

    def lookups(self, request, model_admin):
        return [
            ("requested", _("Löschung beantragt")),
            ("anonymised", _("anonymisiert")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "requested":
            return queryset.filter(deletion_requested_at__isnull=False, anonymised_at__isnull=True)
        if self.value() == "anonymised":
            return queryset.filter(anonymised_at__isnull=False)
        return queryset


@admin.action(
    description=_("Personenbezogene Daten anonymisieren (Rechnungen bleiben erhalten)"),
    permissions=["delete"],
)
@confirm_first(
    title=_("Personenbezogene Daten anonymisieren"),
    submit=_("Ja, unwiderruflich anonymisieren"),
    note=_("Namen, Kontaktdaten und E-Mails werden unwiderruflich entfernt; Rechnungen bleiben erhalten."),
    select_related=["conference"],
)
def anonymise_action(modeladmin, request, queryset):
    done = 0
    for registration in queryset.select_related("conference"):
        try:
            retention.anonymise_registration(registration=registration)
        except RegistrationError as error:
            modeladmin.message_user(request, str(error), messages.ERROR)
        else:
            done += 1
    if done:
        modeladmin.message_user(
            request,
            ngettext("%(n)d Anmeldung anonymisiert.", "%(n)d Anmeldungen anonymisiert.", done) % {"n": done},
            messages.SUCCESS,
        )

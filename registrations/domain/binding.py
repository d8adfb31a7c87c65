"""The parts of a binding registration that are checked before the conference is locked."""

from django.utils.translation import gettext as _

from core.exceptions import RegistrationError
from programme.models import ProgrammeItem

from ..rules.billing import BINDING_FIELDS, check_billing, without_employer_fields
from ..rules.evening_events import members_only_refusal


def chosen_evening_events(conference, wanted, *, is_member):
    """The programme items (or ids) a person signs up for, checked against the conference and membership."""
    try:
        ids = {item.pk if isinstance(item, ProgrammeItem) else int(item) for item in wanted or ()}
    except (TypeError, ValueError) as error:
        raise RegistrationError(_("Bitte wählen Sie die Abendveranstaltungen aus der Liste.")) from error
    if not ids:
        return []
    items = list(ProgrammeItem.objects.filter(pk__in=ids, conference=conference, requires_signup=True))
    if len(items) != len(ids):
        raise RegistrationError(_("Diese Veranstaltung gehört nicht zur Anmeldung dieser Tagung."))
    refusal = members_only_refusal(items, is_member=is_member)
    if refusal:
        raise RegistrationError(refusal)
    return items


def binding_values(data):
    """The billing and other binding fields of `data`, checked and with the employer's fields cleared
    for an invoice to the person."""
    values = {key: data.get(key) or ("" if key != "list_consent" else False) for key in BINDING_FIELDS}
    values["list_consent"] = bool(data.get("list_consent"))
    check_billing(values)
    return without_employer_fields(values)


def membership_inputs(registration, personal):
    """What the membership check of the registration-to-be depends on."""
    values = {
        key: personal.get(key, getattr(registration, key, "") if registration is not None else "")
        for key in ("is_member", "member_number", "email")
    }
    values["is_member"] = bool(values["is_member"])
    if not values["is_member"]:
        values["member_number"] = ""
    return values

"""What a participant changes themselves after the binding registration.

Billing data (a corrected invoice is issued the usual way: domain/invoicing.py
reissue_invoice), evening events (members-only rule kept), dietary and accessibility
needs, the consent to the public participant list. Every change is recorded in the
audit trail (simple-history) with a reason naming what changed.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import RegistrationError

from ..models import Registration
from ..queries.invoices import current_invoice
from ..rules.billing import BILLING_FIELDS
from . import invoicing
from .binding import binding_values, chosen_evening_events
from .locking import lock_conference, prepare_to_lock

NEEDS_FIELDS = ("dietary_needs", "accessibility_needs")
# The Stornorechnung's note when the participant corrected the billing data.
REASON_CORRECTED = "Rechnungsdaten korrigiert"
# What the invoice shows (billing_email only says where it is sent, but a new mail goes there too).
INVOICE_FIELDS = BILLING_FIELDS


@dataclass(frozen=True)
class SelfServiceChange:
    """What changed: the changed fields (evening events as 'evening_events') and the new invoice, if any."""

    registration: Registration
    changed: tuple
    new_invoice: object = None


def change_reason(changed):
    """The audit trail's reason, e.g. 'Teilnehmende/r: Rechnungsdaten, Abendveranstaltungen geändert'."""
    parts = []
    if any(name in INVOICE_FIELDS for name in changed):
        parts.append("Rechnungsdaten")
    if "evening_events" in changed:
        parts.append("Abendveranstaltungen")
    if any(name in NEEDS_FIELDS for name in changed):
        parts.append("Ernährung/Barrierefreiheit")
    if "list_consent" in changed:
        parts.append("Teilnehmendenliste")
    return f"Teilnehmende/r: {', '.join(parts)} geändert"[:100]


def update_binding_details(*, registration, data, now=None):
    """Apply the participant's own corrections after the binding registration.

    `data` holds the binding fields (rules.billing.BINDING_FIELDS) and `evening_events`
    (ids). The billing address is checked as at registration (rules.billing.check_billing),
    evening events as at registration (members only for members). Until the conference
    begins everything may change; afterwards only the list consent (it is revocable at any
    time). A change of billing data on an invoiced registration issues a corrected invoice.
    """
    now = now or timezone.now()
    values = binding_values(data)
    wanted_events = data.get("evening_events") or []
    prepare_to_lock()
    with transaction.atomic():
        conference = lock_conference(registration.conference_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        registration.conference = conference
        if registration.is_cancelled:
            raise RegistrationError(_("Eine stornierte Anmeldung kann nicht mehr geändert werden."))
        if not registration.is_binding:
            raise RegistrationError(_("Diese Angaben machen Sie mit der verbindlichen Anmeldung."))
        events = chosen_evening_events(conference, wanted_events, is_member=registration.is_member)
        old_event_ids = set(registration.evening_events.values_list("pk", flat=True))
        changed = [name for name, value in values.items() if getattr(registration, name) != value]
        events_changed = {item.pk for item in events} != old_event_ids
        if conference.starts_at <= now and (events_changed or set(changed) - {"list_consent"}):
            raise RegistrationError(
                _(
                    "Die Tagung hat bereits begonnen; Änderungen nimmt nur noch die Geschäftsstelle vor. "
                    "Die Einwilligung zur Teilnehmendenliste können Sie weiterhin widerrufen."
                )
            )
        if events_changed:
            changed.append("evening_events")
        if not changed:
            return SelfServiceChange(registration=registration, changed=())
        for name in changed:
            if name != "evening_events":
                setattr(registration, name, values[name])
        registration._change_reason = change_reason(changed)
        registration.save(update_fields=[*(n for n in changed if n != "evening_events"), "updated_at"])
        if events_changed:
            registration.evening_events.set(events)
        new_invoice = None
        if any(name in INVOICE_FIELDS for name in changed) and current_invoice(registration) is not None:
            new_invoice = invoicing.reissue_invoice(
                registration=registration, reason=REASON_CORRECTED, now=now
            )
    return SelfServiceChange(registration=registration, changed=tuple(changed), new_invoice=new_invoice)

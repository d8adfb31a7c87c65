"""Who gets the invoice and what the billing address must contain (the Leitweg-ID: rules/leitweg.py).

The binding form shows these errors next to the fields (`billing_errors`); the
service refuses incomplete data with the same rule (`check_billing`).
"""

from django.utils.translation import gettext as _

from core.exceptions import RegistrationError

from ..models import Registration

BILLING_FIELDS = (
    "billing_recipient",
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
BINDING_FIELDS = (*BILLING_FIELDS, "dietary_needs", "accessibility_needs", "list_consent")
EMPLOYER_REQUIRED_FIELDS = ("billing_organisation", "billing_street", "billing_postcode", "billing_city")
PERSON_REQUIRED_FIELDS = ("billing_street", "billing_postcode", "billing_city")
# An invoice to the person themselves carries none of the employer's references.
EMPLOYER_ONLY_FIELDS = (
    "billing_organisation",
    "billing_department",
    "order_number",
    "cost_centre",
    "leitweg_id",
)


def required_billing_fields(recipient):
    """The address fields an invoice to `recipient` needs."""
    if recipient == Registration.BillingRecipient.EMPLOYER:
        return EMPLOYER_REQUIRED_FIELDS
    return PERSON_REQUIRED_FIELDS


def cleared_employer_fields(values):
    """{field: ""} for the employer's references when the invoice goes to the person, else {}."""
    if values.get("billing_recipient") == Registration.BillingRecipient.PERSON:
        return dict.fromkeys(EMPLOYER_ONLY_FIELDS, "")
    return {}


def without_employer_fields(values):
    """The billing values with the employer's references blanked when the invoice goes to the person."""
    return {**values, **cleared_employer_fields(values)}


def billing_errors(values):
    """{field: German message} for every address field the chosen recipient needs but lacks."""
    recipient = values.get("billing_recipient")
    if not recipient:
        return {}
    message = (
        _("Bitte für die Rechnung an Ihre Dienststelle ausfüllen.")
        if recipient == Registration.BillingRecipient.EMPLOYER
        else _("Bitte für die Rechnung an Sie ausfüllen.")
    )
    return {name: message for name in required_billing_fields(recipient) if not values.get(name)}


def check_billing(values):
    """Raise RegistrationError unless the recipient is known and its address complete."""
    recipient = values.get("billing_recipient")
    if recipient not in Registration.BillingRecipient.values:
        raise RegistrationError(_("Bitte geben Sie an, an wen die Rechnung gehen soll."))
    if any(not values.get(name) for name in required_billing_fields(recipient)):
        raise RegistrationError(_("Bitte geben Sie die vollständige Rechnungsanschrift an."))


def goes_to_accounts_office(invoice, registration):
    """True when the invoice has its own e-mail address (the accounts office), not the participant's.

    Then every invoice, corrected invoice and reminder is addressed there, with the
    participant in copy, and carries no personal link: it is meant to be forwarded.
    """
    address = (invoice.recipient_email or "").strip().lower()
    return bool(address) and address != registration.email.strip().lower()

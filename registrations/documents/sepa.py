"""The SEPA credit transfer file (pain.001) for refunds the office selected, built with sepaxml.

The office uploads it to online banking; the refunds are recorded separately
("Erstattung erfasst"), once the bank has carried them out. Schema
pain.001.001.09, which German banks take since November 2025; sepaxml validates
the file against the schema before it is handed out.
"""

from django.conf import settings
from django.utils import timezone

from core.banking import bic_for, compact_iban, sepa_text

from ..rules.refunds import refund_account_holder

SCHEMA = "pain.001.001.09"


def refund_reference(registration):
    """The text the payee sees: what the money is for (within the 140 characters of SEPA)."""
    return sepa_text(f"Erstattung {registration.conference.title} {registration.full_name}")[:140]


def refund_transfer_file(refunds, *, execution_date=None):
    """pain.001 XML bytes for [(registration, amount)]: one batch from the association's account."""
    from sepaxml import SepaTransfer

    association = settings.ASSOCIATION
    config = {
        "name": sepa_text(association["name"]),
        "IBAN": compact_iban(association["iban"]),
        "BIC": association["bic"] or bic_for(association["iban"]),
        "batch": True,
        "currency": "EUR",
    }
    transfer = SepaTransfer(config, schema=SCHEMA, clean=True)
    execution_date = execution_date or timezone.localdate()
    for registration, amount in refunds:
        payment = {
            "name": sepa_text(refund_account_holder(registration)),
            "IBAN": compact_iban(registration.refund_iban),
            "amount": int((amount * 100).to_integral_value()),
            "execution_date": execution_date,
            "description": refund_reference(registration),
            "endtoend_id": f"VSOP-ERST-{registration.pk}"[:35],
        }
        bic = bic_for(registration.refund_iban)
        if bic:
            payment["BIC"] = bic
        transfer.add_payment(payment)
    return transfer.export(validate=True, pretty_print=True)


def transfer_filename(today=None):
    return f"Erstattungen_{(today or timezone.localdate()):%Y-%m-%d}.xml"

"""Binding registrations with billing data, for the invoice and payment tests."""

from decimal import Decimal

from tests.factories import RegistrationFactory


def binding_registration(**kwargs):
    """A binding registration holding a place, invoiced to the employer (created directly)."""
    values = {
        "stage": "binding",
        "status": "holds_place",
        "salutation": "frau",
        "academic_title": "Dr.",
        "first_name": "Anna-Lena",
        "last_name": "Müller-Lüdenscheidt",
        "fee_category": "member",
        "fee": Decimal("250.00"),
        "is_member": True,
        "billing_recipient": "employer",
        "billing_organisation": "Landkreis Beispiel",
        "billing_department": "Jugendamt, Sozialplanung",
        "billing_street": "Am Markt 1",
        "billing_postcode": "50667",
        "billing_city": "Köln",
        "billing_email": "rechnung@landkreis-beispiel.de",
        "order_number": "BE-2025-77",
        "cost_centre": "KST 4711",
        "leitweg_id": "05315000-0001-23",
    }
    values.update(kwargs)
    return RegistrationFactory(**values)

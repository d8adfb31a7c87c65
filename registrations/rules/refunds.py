"""Refunds: who is owed money back, how much, and to which account."""

from django.utils.translation import gettext as _

from .payments import ZERO


def refund_account_holder(registration):
    """The payee of a refund: the holder the office entered, else the billing organisation or the person."""
    return (
        registration.refund_account_holder or registration.billing_organisation or registration.full_name
    ).strip()[:70]


def refund_blocker(registration, balance):
    """Why no SEPA transfer can be made for this registration now ('' when it can)."""
    if balance.credit <= ZERO:
        return _("nichts zu erstatten")
    if not registration.refund_iban:
        return _("keine IBAN für Erstattungen eingetragen")
    return ""

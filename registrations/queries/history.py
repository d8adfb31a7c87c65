"""Whether a registration has a history that a deletion would erase (the admin cancels those instead)."""

from ..models import GroupMembership, Invoice, OutgoingMail, Payment, Registration, WorkshopBooking


def has_history(registration):
    """Mails, invoices, payments, workshop bookings, group seats, a substitution or any change after
    it was entered: such a registration is cancelled (and later anonymised), never deleted."""
    pk = registration.pk
    if registration.substituted_by_id is not None or Registration.objects.filter(substituted_by=pk).exists():
        return True
    for model in (OutgoingMail, Invoice, Payment, WorkshopBooking, GroupMembership):
        if model.objects.filter(registration_id=pk).exists():
            return True
    return Registration.history.filter(id=pk).count() > 1

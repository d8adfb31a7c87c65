"""The registrations app's data, one module per concern; everything is importable from here."""

from .attendance import Attendance
from .bank import BankStatementImport, BankTransaction
from .circulars import Circular, CircularRecipient
from .completions import FormSubmission, PendingCompletion
from .consent import ConsentText
from .group_registrations import GroupRegistration
from .groups import DiscussionGroup, GroupAssignment, GroupMembership
from .invitations import InvitationContact
from .invoices import Invoice, InvoiceLine, InvoiceSequence, PaymentReminder
from .members import Member
from .outbox import OutgoingMail, OutgoingMailAttachment
from .payments import Payment
from .registration import Registration, RegistrationQuerySet, claims_place, new_checkin_token, new_token
from .workshops import WorkshopBooking

__all__ = [
    "Attendance",
    "BankStatementImport",
    "BankTransaction",
    "Circular",
    "CircularRecipient",
    "ConsentText",
    "DiscussionGroup",
    "FormSubmission",
    "GroupAssignment",
    "GroupMembership",
    "GroupRegistration",
    "InvitationContact",
    "Invoice",
    "InvoiceLine",
    "InvoiceSequence",
    "Member",
    "OutgoingMail",
    "OutgoingMailAttachment",
    "Payment",
    "PendingCompletion",
    "PaymentReminder",
    "Registration",
    "RegistrationQuerySet",
    "WorkshopBooking",
    "claims_place",
    "new_checkin_token",
    "new_token",
]

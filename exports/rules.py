"""The exports' own rules: who may export participant data, and which lists exist only as PDF.

Pure functions and constants, no queries: the form, the export services and the
dashboard tag all ask here instead of restating the rule.
"""

from .models import ExportFormat, ExportKind

PERMISSION = "exports.export_participants"

# Lists that only exist as printed pages.
PDF_ONLY = {ExportKind.SIGN_IN, ExportKind.BADGES, ExportKind.CERTIFICATES}


MONEY_PERMISSION = "registrations.view_invoice"


def can_read_money_lists(user):
    """The treasurer's lists (invoice journal, open items): staff who may see invoices (office, organisers)."""
    return bool(user.is_active and user.is_staff and user.has_perm(MONEY_PERMISSION))


def can_export(user):
    return bool(user.is_active and user.is_staff and user.has_perm(PERMISSION))


def only_as_pdf(kind, format):
    """True if `kind` is a printed-only list and another format than PDF was asked for."""
    return kind in PDF_ONLY and format != ExportFormat.PDF

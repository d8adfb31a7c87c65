"""The exports' own rules: who may export participant data, and which lists exist only as PDF.

Pure functions and constants, no queries: the form, the export services and the
dashboard tag all ask here instead of restating the rule.
"""

from django.utils.translation import gettext as _

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


# What a saved layout's filters may hold, and of which type (exports.queries.lists.filter_registrations).
LAYOUT_FILTERS = {
    "status": list,
    "stage": str,
    "paid": str,
    "member": str,
    "workshop": int,
    "group": int,
    "list_consent": bool,
}


def layout_errors(columns, filters):
    """What is wrong with a layout's stored JSON (a list of column keys, a dict of known filters); [] if fine.

    The admin refuses such a layout, and the export page ignores one stored before this check.
    """
    errors = []
    if not isinstance(columns, list) or not all(isinstance(key, str) for key in columns):
        errors.append(_('Die Spalten müssen eine Liste von Spaltennamen sein, z. B. ["last_name", "email"].'))
    if not isinstance(filters, dict):
        errors.append(_('Die Filter müssen ein Objekt sein, z. B. {"status": ["holds_place"]}.'))
        return errors
    for key, value in filters.items():
        expected = LAYOUT_FILTERS.get(key)
        if expected is None:
            errors.append(_("Unbekannter Filter „%(key)s“.") % {"key": key})
        elif not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            errors.append(_("Der Filter „%(key)s“ hat einen ungültigen Wert.") % {"key": key})
        elif expected is list and not all(isinstance(item, str) for item in value):
            errors.append(_("Der Filter „%(key)s“ hat einen ungültigen Wert.") % {"key": key})
    return errors

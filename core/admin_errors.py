"""Hostile query strings in the admin get an answer, not a 500 (issue 14, finding 6)."""

import logging

from django.contrib import messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import BadRequest, FieldError, ValidationError
from django.db import DataError, OperationalError, transaction
from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.template import loader
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# What a staff member's typed filter can make the database or a lookup refuse: a NUL
# byte (ValueError from the driver), a bad regular expression (DataError on
# PostgreSQL, OperationalError from SQLite's regexp function), a year out of range,
# a page number beyond any integer, a malformed object id, a lookup the admin does not know.
REFUSED = (
    ValueError,
    OverflowError,
    DataError,
    OperationalError,
    ValidationError,
    FieldError,
    IncorrectLookupParameters,
)


def _is_filtered_admin_list(request):
    return (
        request.method in ("GET", "HEAD")
        and request.GET
        and request.path.startswith("/admin/")
        and request.path.endswith("/")
    )


class AdminBadQueryMiddleware:
    """Turns a refused admin filter into the unfiltered list with a German message, or a 400.

    Only for logged-in staff under the admin: elsewhere these errors are real bugs
    and must stay 500s (and be reported). A changelist with a query string goes back
    to the list without it; any other admin page answers 400.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _is_filtered_admin_list(request):
            return self.get_response(request)
        # A filter the database refuses aborts the transaction (PostgreSQL); running the page
        # in its own (read-only) block lets process_exception roll back just that block.
        with transaction.atomic():
            return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, REFUSED) or isinstance(exception, BadRequest):
            return None
        if isinstance(exception, OperationalError) and not request.GET:
            return None  # not a typed filter: the database itself is in trouble
        if not request.path.startswith("/admin/") or not getattr(request, "user", None):
            return None
        if not request.user.is_authenticated or not request.user.is_staff:
            return None
        logger.info("Admin query refused: %s %s", type(exception).__name__, request.path)
        if _is_filtered_admin_list(request):
            transaction.set_rollback(True)
            messages.error(
                request,
                _(
                    "Dieser Filter enthält einen ungültigen Wert und wurde nicht angewendet: Sie sehen die ungefilterte Liste."
                ),
            )
            return HttpResponseRedirect(request.path)
        return HttpResponseBadRequest(loader.get_template("400.html").render())

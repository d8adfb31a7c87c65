"""Security helpers of the project: the login lockout page and personal-link redaction in logs.

The client address (for the lockout and the form rate limit) and the trusted proxies are in core/http.py.
"""

import logging

from django.conf import settings

from core.redaction import redact_personal_links


def lockout_response(request, original_response=None, credentials=None):
    """django-axes: the German page shown while a staff login is locked."""
    from django.shortcuts import render

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60) if settings.AXES_COOLOFF_TIME else None
    return render(
        request,
        "admin/locked_out.html",
        {"failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes},
        status=429,
    )


class RedactPersonalLinks(logging.Filter):
    """Log lines never carry the secret of a personal link (Django logs the path of 4xx/5xx responses)."""

    def filter(self, record):
        message = record.getMessage()
        redacted = redact_personal_links(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True

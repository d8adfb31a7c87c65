"""Versioned consent texts: what exactly a person agreed to, and when."""

from django.db import transaction
from django.db.models import Max

from programme.models import SitePage

from ..models import ConsentText

PRIVACY_PAGE_SLUG = "datenschutz"


def current_consent_text(*, kind, conference=None, body):
    """Return the newest version of a consent text, creating a new version when `body` changed."""
    with transaction.atomic():
        latest = (
            ConsentText.objects.select_for_update()
            .filter(kind=kind, conference=conference)
            .order_by("-version")
            .first()
        )
        if latest is not None and latest.body == body:
            return latest
        version = (
            ConsentText.objects.filter(kind=kind, conference=conference).aggregate(v=Max("version"))["v"] or 0
        ) + 1
        return ConsentText.objects.create(kind=kind, conference=conference, version=version, body=body)


def current_privacy_text():
    """The privacy notice as the office currently publishes it on the privacy page."""
    page = SitePage.objects.filter(slug=PRIVACY_PAGE_SLUG).first()
    body = page.body if page else ""
    return current_consent_text(kind=ConsentText.Kind.PRIVACY, body=body)

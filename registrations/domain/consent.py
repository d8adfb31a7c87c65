"""Versioned consent texts: what exactly a person agreed to, and when."""

from django.db import IntegrityError, transaction
from django.template.loader import render_to_string

from programme.models import SitePage

from ..models import ConsentText

PRIVACY_PAGE_SLUG = "datenschutz"


def current_consent_text(*, kind, conference=None, body):
    """Return the newest version of a consent text, creating a new version when `body` changed.

    Every form page asks for it, so the usual case (the text is unchanged) only reads.
    Creating a version locks the newest one; when there is none yet, two requests may
    both try to create version 1: the unique constraints let one win, and the other
    reads the winner's row.
    """
    latest = _latest(kind, conference)
    if latest is not None and latest.body == body:
        return latest
    for attempt in range(3):
        try:
            with transaction.atomic():
                latest = _latest(kind, conference, lock=True)
                if latest is not None and latest.body == body:
                    return latest
                version = (latest.version if latest is not None else 0) + 1
                return ConsentText.objects.create(
                    kind=kind, conference=conference, version=version, body=body
                )
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def _latest(kind, conference, *, lock=False):
    texts = ConsentText.objects.filter(kind=kind, conference=conference).order_by("-version")
    if lock:
        texts = texts.select_for_update()
    return texts.first()


def current_privacy_text():
    """The privacy notice as the office currently publishes it on the privacy page."""
    page = SitePage.objects.filter(slug=PRIVACY_PAGE_SLUG).first()
    body = page.body if page else ""
    return current_consent_text(kind=ConsentText.Kind.PRIVACY, body=body)


def terms_body(conference):
    """The payment agreement and conditions as shown in the form: the office's text, or the default."""
    text = conference.payment_terms.strip()
    if text:
        return text
    return render_to_string("registrations/default_payment_terms.txt", {"conference": conference}).strip()


def current_terms(conference):
    """The current version of the conference's terms (a new version when the text changed)."""
    return current_consent_text(
        kind=ConsentText.Kind.TERMS, conference=conference, body=terms_body(conference)
    )

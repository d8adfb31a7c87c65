"""Versioned consent texts: what exactly a person agreed to, and when.

Every form page and every form POST asks for the current version, so the newest row of each
text is kept in the shared cache (a version is never changed, only followed by a new one;
`forget_consent_text` drops the entry whenever a row is saved or deleted). What is served
from the cache is used only when its text is the one the caller shows: a changed text is
read from the database and becomes a new version there, as without the cache. The entry is
written only after the transaction that read or created the row has committed.
"""

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string

from programme.models import SitePage

from ..models import ConsentText

PRIVACY_PAGE_SLUG = "datenschutz"
CACHE_SECONDS = 60 * 60


def _cache_key(kind, conference_id):
    return f"consent-text:{kind}:{conference_id or '-'}"


def _remember(text):
    """Keep `text` as the newest version of its text once this transaction commits."""
    key = _cache_key(text.kind, text.conference_id)
    transaction.on_commit(lambda: cache.set(key, text, CACHE_SECONDS))


def forget_consent_text(sender, instance, **kwargs):
    """Drop the cached newest version of `instance`'s text, now and once the transaction commits
    (connected to ConsentText's post_save and post_delete in registrations/signals.py)."""
    key = _cache_key(instance.kind, instance.conference_id)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


def current_consent_text(*, kind, conference=None, body):
    """Return the newest version of a consent text, creating a new version when `body` changed.

    Every form page asks for it, so the usual case (the text is unchanged) reads the
    newest version from the cache (see the module docstring), or from the database.
    Creating a version locks the newest one; when there is none yet, two requests may
    both try to create version 1: the unique constraints let one win, and the other
    reads the winner's row.
    """
    conference_id = conference.pk if conference is not None else None
    latest = cache.get(_cache_key(kind, conference_id))
    if latest is not None and latest.body == body:
        return latest
    latest = _latest(kind, conference)
    if latest is not None and latest.body == body:
        _remember(latest)
        return latest
    for attempt in range(3):
        try:
            with transaction.atomic():
                latest = _latest(kind, conference, lock=True)
                if latest is None or latest.body != body:
                    version = (latest.version if latest is not None else 0) + 1
                    latest = ConsentText.objects.create(
                        kind=kind, conference=conference, version=version, body=body
                    )
            _remember(latest)
            return latest
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


def accepted_terms(registration):
    """The version of the terms the registration accepted (None before the binding registration).

    Usually the conference's current version, which the cache holds (a version never changes,
    so the cached row with the same key is that row); otherwise read from the database.
    """
    if registration.terms_consent_id is None:
        return None
    cached = cache.get(_cache_key(ConsentText.Kind.TERMS, registration.conference_id))
    if cached is not None and cached.pk == registration.terms_consent_id:
        return cached
    return registration.terms_consent


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

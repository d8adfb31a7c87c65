"""The public pages, rendered once and served to every anonymous visitor from the shared cache.

A public page (home, archive, conference page with its pre-registration form, programme,
legal pages) is the same for every anonymous visitor except for two per-request parts:
the CSRF token of its forms and the messages of the visitor's last action. So the page
is rendered with a placeholder where the token goes (the `csrf_token` of `context()`),
stored, and each request gets the stored HTML with its own token put in (which also sets
the CSRF cookie, as `{% csrf_token %}` would). Whoever has a pending message, is logged
in, or asks with a query string gets the page rendered as usual.

Freshness, without a query on a cache hit:
- One version for all public pages (VERSION_KEY). The apps call `invalidate_public_pages()`
  when something a public page shows changes (programme/caching.py and
  registrations/public/conference.py connect it to their models' signals): the version
  changes at once and again after the commit, so a page rendered from data read before
  the commit is never served afterwards. A stored page carries the version it was rendered
  under and is used only while that is still the current version; both come in one
  cache round trip.
- Some things change with time alone: a hold lapses unconfirmed, a deadline day ends, a
  conference begins. The `page_valid_until` signal asks the apps, when a page is stored,
  until when what they show stays true; the page is stored no longer than that.
"""

import datetime as dt
import functools
import uuid

from django.contrib import messages
from django.core.cache import cache
from django.db import transaction
from django.dispatch import Signal
from django.http import HttpResponse
from django.utils import timezone, translation

from .csrf import get_token
from .forms.submission import SUBMISSION_TOKEN_PLACEHOLDER, new_submission_token

VERSION_KEY = "public-pages:version"
PAGE_CACHE_SECONDS = 24 * 60 * 60
# Stands where the CSRF token goes while a page is rendered for the cache; only letters and
# digits, so escaping leaves it alone, and nothing a visitor types can produce it in a public page.
CSRF_PLACEHOLDER = "vsopCsrfTokenPlaceholder7f3c9a1e"
_PLACEHOLDER_BYTES = CSRF_PLACEHOLDER.encode()
_SUBMISSION_PLACEHOLDER_BYTES = SUBMISSION_TOKEN_PLACEHOLDER.encode()
_RENDERING_ATTR = "_rendering_for_page_cache"

page_valid_until = Signal()
"""Sent (sender=None, now=) when a public page is stored. Receivers return an aware datetime
until which what they show on public pages stays true without a database change (the next
hold lapse, the next deadline), or None. The page is stored no longer than the earliest."""


def _new_version():
    version = uuid.uuid4().hex
    cache.set(VERSION_KEY, version, None)
    return version


def invalidate_public_pages(**kwargs):
    """Mark every cached public page as outdated: now, and again once the transaction commits.

    Accepts (and ignores) signal arguments, so it can be connected to post_save and friends.
    """
    _new_version()
    connection = transaction.get_connection()
    if connection.in_atomic_block and not any(
        callback is _new_version for _sids, callback, _robust in connection.run_on_commit
    ):
        transaction.on_commit(_new_version)


def context(request):
    """Template context processor: the CSRF placeholder while a page is rendered for the cache,
    and the one for a form's submission token (core/forms/submission.py)."""
    if getattr(request, _RENDERING_ATTR, False):
        return {"csrf_token": CSRF_PLACEHOLDER, "submission_token_placeholder": SUBMISSION_TOKEN_PLACEHOLDER}
    return {}


def _page_key(request):
    return ":".join(
        ("public-page", translation.get_language(), timezone.get_current_timezone_name(), request.path)
    )


def may_use_cache(request):
    """Whether this request may get (and fill) the shared page: an anonymous GET without a
    query string and without a pending message."""
    return (
        request.method in ("GET", "HEAD")
        and not request.GET
        and not request.user.is_authenticated
        and not len(messages.get_messages(request))
    )


def _is_storable(request, response):
    cache_control = response.get("Cache-Control", "")
    session = getattr(request, "session", None)
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in cache_control
        and "no-store" not in cache_control
        and not (session is not None and session.modified)
        and not getattr(messages.get_messages(request), "added_new", False)
    )


def _seconds_to_keep():
    now = timezone.now()
    until = now + dt.timedelta(seconds=PAGE_CACHE_SECONDS)
    for _receiver, valid_until in page_valid_until.send(sender=None, now=now):
        if valid_until is not None:
            until = min(until, valid_until)
    return int((until - now).total_seconds())


def _with_token(request, content):
    """The stored HTML with this visit's CSRF token (core/csrf.py: Django's token, drawn faster)
    and a submission token of its own. No query, no cache write, nothing signed: a cached hit
    costs the page lookup, these two tokens and the CSRF cookie (tests/project/test_page_cache.py)."""
    if _SUBMISSION_PLACEHOLDER_BYTES in content:  # a form's token of its own for every visit
        content = content.replace(_SUBMISSION_PLACEHOLDER_BYTES, new_submission_token().encode())
    if _PLACEHOLDER_BYTES not in content:
        return content
    return content.replace(_PLACEHOLDER_BYTES, get_token(request).encode())


def cached_public_page(view):
    """Serve this public view's page from the shared cache to anonymous visitors (see module doc).

    The view renders as usual; what it renders for the cache must not depend on the
    visitor (only on the path, language and time zone that make up the key).
    """

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not may_use_cache(request):
            return view(request, *args, **kwargs)
        key = _page_key(request)
        found = cache.get_many([VERSION_KEY, key])
        version = found.get(VERSION_KEY)
        stored = found.get(key)
        if version is not None and stored is not None and stored[0] == version:
            _version, content, content_type = stored
            return HttpResponse(_with_token(request, content), content_type=content_type)
        if version is None:
            cache.add(VERSION_KEY, uuid.uuid4().hex, None)
            version = cache.get(VERSION_KEY)
        setattr(request, _RENDERING_ATTR, True)
        try:
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
        finally:
            setattr(request, _RENDERING_ATTR, False)
        if _is_storable(request, response) and (seconds := _seconds_to_keep()) >= 1:
            cache.set(key, (version, response.content, response["Content-Type"]), seconds)
        if not response.streaming:
            response.content = _with_token(request, response.content)
        return response

    return wrapper

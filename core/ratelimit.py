"""Limits on POSTs and downloads, counted in the shared cache (Redis in production).

Every worker process counts in the same cache (CACHE_URL), so a limit holds in
total, not per gunicorn worker. A public form counts per client address
(generous: a Kommune's whole department may come through one outgoing proxy)
and per e-mail address (strict: that is where throw-away registrations and
probing happen); a post that fails validation costs only a quarter, so someone
correcting typos does not run out. Downloads behind a personal link count per link.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache

from .http import client_ip

# Costs are counted in quarters, so that the cache only ever holds integers.
_UNITS = 4


def is_rate_limited_key(key, limit, window, *, cost=1.0):
    """Count `cost` for `key`; True when what `key` used within `window` seconds exceeds `limit`.

    The one counter behind every limit here (and the other helpers' download limits).
    The window starts with the first count and is not extended by later ones.
    """
    units = max(1, round(cost * _UNITS))
    key = f"ratelimit:{key}"
    if cache.add(key, units, timeout=window):
        count = units
    else:
        try:
            count = cache.incr(key, units)
        except ValueError:  # expired between add and incr
            cache.add(key, units, timeout=window)
            count = units
    return count > limit * _UNITS


def is_rate_limited(request, scope, *, cost=1.0):
    """Count this POST for the client address; True when it exceeded RATE_LIMIT_POSTS per window."""
    return is_rate_limited_key(
        f"{scope}:ip:{client_ip(request)}", settings.RATE_LIMIT_POSTS, settings.RATE_LIMIT_WINDOW, cost=cost
    )


def _hashed(value):
    """Keys hold no personal data: an e-mail address or a token is hashed first."""
    return hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]


def is_form_post_limited(request, scope, *, email=None, is_valid=True):
    """Count a public form's POST per client address and, when it names one, per e-mail address.

    A valid post costs 1, one that failed validation RATE_LIMIT_FAILED_COST (a quarter).
    True when either limit is exceeded.
    """
    cost = 1.0 if is_valid else settings.RATE_LIMIT_FAILED_COST
    limited = is_rate_limited(request, scope, cost=cost)
    if email:
        limited |= is_rate_limited_key(
            f"{scope}:email:{_hashed(email)}",
            settings.RATE_LIMIT_EMAIL_POSTS,
            settings.RATE_LIMIT_WINDOW,
            cost=cost,
        )
    return limited


def is_download_limited(token):
    """Count a download behind a personal link; True beyond DOWNLOAD_LIMIT per link and window.

    Rendering a PDF costs tens of milliseconds; one link fetching them in a loop slowed every
    visitor. A person downloads a handful, so the limit per link is low and per link rather than
    per address (colleagues behind one proxy do not share it); all documents of a link share it.
    The key holds a hash of the secret.
    """
    return is_rate_limited_key(
        f"download:{_hashed(token)}", settings.DOWNLOAD_LIMIT, settings.DOWNLOAD_LIMIT_WINDOW
    )

"""A small cache-based limit on POSTs per client address for the public forms."""

from django.conf import settings
from django.core.cache import cache

from .http import client_ip


def is_rate_limited(request, scope):
    """Count this POST; True when the client exceeded the limit for the current window."""
    key = f"ratelimit:{scope}:{client_ip(request)}"
    window = settings.RATE_LIMIT_WINDOW
    if cache.add(key, 1, timeout=window):
        return False
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window)
        return False
    return count > settings.RATE_LIMIT_POSTS

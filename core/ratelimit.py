"""The client's address and a small cache-based limit on POSTs per address for the public forms."""

from django.conf import settings
from django.core.cache import cache


def client_ip(request, *args, **kwargs):
    """The client's address. Behind our reverse proxy, the last X-Forwarded-For entry is the
    one the proxy added (earlier entries are whatever the client sent); without a proxy it is
    REMOTE_ADDR. Extra arguments: django-axes passes the credentials along."""
    if getattr(settings, "BEHIND_PROXY", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return request.META.get("REMOTE_ADDR") or "unknown"


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

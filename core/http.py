"""Who is asking: the client's address behind our reverse proxies, and which proxies we trust."""

import functools
import ipaddress

from django.conf import settings


@functools.cache
def _networks(entries):
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def trusted_networks():
    """settings.TRUSTED_PROXIES as networks; a bare address is a /32 (or /128)."""
    return _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))


def _is_trusted(address, networks):
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def is_trusted_proxy(request):
    """True when the peer that opened the connection is one of our reverse proxies.

    Only such a peer may tell us the client's address (X-Forwarded-For) or that the
    client used HTTPS (X-Forwarded-Proto); anyone else could claim any address."""
    if not getattr(settings, "BEHIND_PROXY", False):
        return False
    return _is_trusted(request.META.get("REMOTE_ADDR", ""), trusted_networks())


def client_ip(request, *args, **kwargs):
    """The client's address, for the form rate limit and the staff login lockout.

    REMOTE_ADDR, unless that is a trusted proxy (BEHIND_PROXY and TRUSTED_PROXIES): then
    the right-most X-Forwarded-For entry that is not itself a trusted proxy. Entries left
    of it are whatever the client sent and are never believed. Extra arguments: django-axes
    passes the credentials along."""
    remote = request.META.get("REMOTE_ADDR") or "unknown"
    if not is_trusted_proxy(request):
        return remote
    networks = trusted_networks()
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _is_trusted(hop, networks):
            return hop
    return hops[0] if hops else remote


class TrustedProxyMiddleware:
    """Drop X-Forwarded-Proto unless a trusted proxy sent it.

    SECURE_PROXY_SSL_HEADER makes Django believe the header from anyone; a client that
    reaches gunicorn directly could claim HTTPS (secure-cookie and redirect decisions).
    Runs first, before SecurityMiddleware reads the header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "HTTP_X_FORWARDED_PROTO" in request.META and not is_trusted_proxy(request):
            del request.META["HTTP_X_FORWARDED_PROTO"]
        return self.get_response(request)

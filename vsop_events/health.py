"""GET /health/: is this process able to serve? Used by the docker compose health checks
and by a load balancer in front of several web containers.

Checks what every page needs, the database and the shared cache, and nothing else
(no mail server: an SMTP outage is retried from the outbox and must not take the site
down). Answers without session, CSRF or redirect to HTTPS, and is never cached."""

import logging
import secrets

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def _cache():
    key, value = f"health:{secrets.token_hex(8)}", secrets.token_hex(8)
    cache.set(key, value, timeout=10)
    try:
        return cache.get(key) == value
    finally:
        cache.delete(key)


CHECKS = {"database": _database, "cache": _cache}


@csrf_exempt
@require_safe
@never_cache
def health(request):
    results = {}
    for name, check in CHECKS.items():
        try:
            results[name] = "ok" if check() else "failed"
        except Exception as error:  # whatever breaks, the answer is 503, not a 500 page
            logger.warning("Health check %s failed: %s", name, type(error).__name__)
            results[name] = "failed"
    healthy = all(result == "ok" for result in results.values())
    return JsonResponse(results, status=200 if healthy else 503)

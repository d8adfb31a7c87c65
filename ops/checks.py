"""Deployment checks (`manage.py check --deploy`): settings that look fine alone but fail
as soon as the site runs behind a proxy or in more than one process."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def proxy_without_trusted_addresses(app_configs, **kwargs):
    if settings.DEBUG or not settings.BEHIND_PROXY or settings.TRUSTED_PROXIES:
        return []
    return [
        checks.Warning(
            "BEHIND_PROXY is on but TRUSTED_PROXIES is empty: X-Forwarded-For and "
            "X-Forwarded-Proto are ignored from everyone, so every visitor has the proxy's "
            "address (one shared rate limit) and HTTPS is not recognised.",
            hint="Set TRUSTED_PROXIES to the reverse proxy's address or network, "
            "e.g. TRUSTED_PROXIES=172.16.0.0/12 for a proxy reaching the Docker network.",
            id="ops.W001",
        )
    ]


@checks.register(checks.Tags.caches, deploy=True)
def cache_shared_by_all_processes(app_configs, **kwargs):
    backend = settings.CACHES["default"]["BACKEND"]
    if settings.DEBUG or not backend.endswith(("locmem.LocMemCache", "dummy.DummyCache")):
        return []
    return [
        checks.Warning(
            "The cache lives in each process: the form rate limit and the login lockout "
            "count per gunicorn worker, not in total.",
            hint="Set CACHE_URL to a shared cache, e.g. redis://redis:6379/1 (docker compose) "
            "or dbcache://vsop_cache.",
            id="ops.W002",
        )
    ]

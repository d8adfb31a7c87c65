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


# The demo's association values (settings.py defaults, .env.example): they feed the Impressum,
# the privacy notice, invoices and every mail's footer, so a site must not go live with them.
DEMO_ASSOCIATION = {"street": "Musterstraße 1", "postcode": "12345", "city": "Musterstadt"}


@checks.register(checks.Tags.security, deploy=True)
def association_details_for_the_legal_texts(app_configs, **kwargs):
    if settings.DEBUG:
        return []
    association = settings.ASSOCIATION
    missing = [
        f"ASSOCIATION_{key.upper()}"
        for key in ("street", "postcode", "city", "email", "register")
        if not association.get(key) or association.get(key) == DEMO_ASSOCIATION.get(key)
    ]
    if not missing:
        return []
    return [
        checks.Warning(
            "The association's address, register entry or contact is missing or still the demo's: "
            + ", ".join(missing)
            + ". The Impressum, the privacy notice, invoices and mails show these values.",
            hint="Set them in the environment (.env.example), then finish the pages Datenschutz and "
            "Impressum in the admin; the dashboard lists the placeholders left in them.",
            id="ops.W003",
        )
    ]

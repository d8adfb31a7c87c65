"""Settings for VSOP Events, read from the environment (django-environ).

Every value that differs between a laptop and production comes from an
environment variable (or a `.env` file beside manage.py); see README.md for the
table of variables. Defaults are safe for production, `make run` switches on
DEBUG for development.
"""

import datetime as dt
import ipaddress
import os
import sys
from email.utils import formataddr, parseaddr
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from .release import code_fingerprint
from .site_url import runserver_site_url

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# openpyxl writes through lxml once lxml is installed (drafthorse needs it for the
# e-invoices); the spreadsheet exports keep the standard-library writer they are tested with.
os.environ.setdefault("OPENPYXL_LXML", "False")

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (see README.md, Konfiguration).")
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "vsop_events.apps.OfficeAdminConfig",  # Django's admin with an optional second factor
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",  # django-bootstrap-static: Bootstrap 5 CSS/JS served locally
    "vsop_events.apps.TasksConfig",  # django_tasks_db, German name in the admin
    "simple_history",  # audit trail: who changed what and when
    "vsop_events.apps.LoginProtectionConfig",  # django-axes: staff login lockout after repeated failures
    "django_otp",  # optional second factor for staff (STAFF_OTP_REQUIRED)
    "vsop_events.apps.TotpConfig",  # django_otp.plugins.otp_totp
    "vsop_events.apps.StaticCodesConfig",  # django_otp.plugins.otp_static
    "core",
    "programme",
    "registrations",
    "exports",
    "ops",  # operations: the schedule (django-crontask) and deployment checks
    "crontask",
]

MIDDLEWARE = [
    "core.http.TrustedProxyMiddleware",  # before anything reads X-Forwarded-Proto
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "vsop_events.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.admin_errors.AdminBadQueryMiddleware",  # a refused admin filter: a message, not a 500
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

ROOT_URLCONF = "vsop_events.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "vsop_events.context_processors.association",
                "core.pagecache.context",  # the CSRF placeholder of pages rendered for the cache
            ],
        },
    },
]

WSGI_APPLICATION = "vsop_events.wsgi.application"

# SQLite by default; IMMEDIATE transactions make concurrent writers queue for
# the write lock instead of failing with "database is locked".
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update({"transaction_mode": "IMMEDIATE", "timeout": 20})
# CONN_MAX_AGE > 0 keeps a connection per worker thread; the health check before each
# request's first query replaces one the server closed meanwhile (restart, idle timeout).
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", env.bool("CONN_HEALTH_CHECKS", default=True))
# PostgreSQL: parameters bound by the server, and a statement run five times on a connection
# is prepared there, so PostgreSQL no longer parses and plans it for every request (about half
# of PostgreSQL's CPU in the registration burst, bench/LOAD.md). Prepared statements live in
# the connection: they need connections that are kept (CONN_MAX_AGE) and no pooler in
# transaction mode (PgBouncer) between; DATABASE_PREPARED_STATEMENTS=False turns both off.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env.bool(
    "DATABASE_PREPARED_STATEMENTS", default=True
):
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"server_side_binding": True, "prepare_threshold": 5}
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation: German first, English through i18n.
LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("Deutsch")), ("en", _("Englisch"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "media/"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

LOGIN_URL = "admin:login"

# One cache for every process: the POST limit, the login lockout and the page caches
# only hold in total when all gunicorn workers and containers share it (Redis in
# docker compose). redis:// always means Django's own RedisCache (django-environ would
# pick django-redis if it happened to be installed), here with one client per process
# instead of one per call (core/cache.py).
_CACHE_URL = env("CACHE_URL", default="locmemcache://vsop-events")
CACHES = {
    "default": env.cache_url_config(
        _CACHE_URL,
        backend="core.cache.RedisCache" if _CACHE_URL.startswith(("redis://", "rediss://")) else None,
    ),
}
# Cached HTML belongs to the release that rendered it (vsop_events/release.py).
CACHES["default"].setdefault("KEY_PREFIX", env("CACHE_KEY_PREFIX", default="") or code_fingerprint(BASE_DIR))

# Mail (Django 6.1 MAILERS). EMAIL_URL uses django-environ's syntax, e.g.
# smtp+tls://user:password@mail.example.org:587; development prints mails to
# the console. email_url() returns the old EMAIL_* dict, mapped here.
_EMAIL_BACKENDS = {
    "django.core.mail.backends.smtp.EmailBackend": {
        "EMAIL_HOST": "host",
        "EMAIL_PORT": "port",
        "EMAIL_HOST_USER": "username",
        "EMAIL_HOST_PASSWORD": "password",
        "EMAIL_USE_TLS": "use_tls",
        "EMAIL_USE_SSL": "use_ssl",
        "EMAIL_TIMEOUT": "timeout",
    },
}


def _mailer_from_url(url):
    config = env.email_url_config(url)
    backend = config.pop("EMAIL_BACKEND")
    mapping = _EMAIL_BACKENDS.get(backend, {})
    options = {option: config[key] for key, option in mapping.items() if config.get(key) not in (None, "")}
    if backend == "django.core.mail.backends.filebased.EmailBackend":
        options["file_path"] = config.get("EMAIL_FILE_PATH")
    if backend == "django.core.mail.backends.smtp.EmailBackend":
        options.setdefault("timeout", 20)
    return {"BACKEND": backend, "OPTIONS": options}


MAILERS = {
    "default": _mailer_from_url(
        env("EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25")
    )
}


def _address(value):
    """Quote the display name where needed ('VSOP e.V.' contains a period)."""
    name, address = parseaddr(value)
    return formataddr((name, address)) if name else address


DEFAULT_FROM_EMAIL = _address(
    env("DEFAULT_FROM_EMAIL", default="VSOP e.V. Geschäftsstelle <geschaeftsstelle@vsop.de>")
)
SERVER_EMAIL = _address(env("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL))

# Background tasks (Django's tasks framework). Development runs tasks right
# away; production stores them in the database for `manage.py db_worker`.
TASKS = {
    "default": {
        "BACKEND": env(
            "TASKS_BACKEND",
            default="django.tasks.backends.immediate.ImmediateBackend"
            if DEBUG
            else "django_tasks_db.DatabaseBackend",
        ),
    }
}

# Exports with more rows than this run as a background task (exports.ExportJob).
EXPORTS_BACKGROUND_THRESHOLD = env.int("EXPORTS_BACKGROUND_THRESHOLD", default=300)
# Long PDFs are laid out in chunks on this many processes at once (core/pdf.py); 1: in-process.
PDF_PROCESSES = env.int("PDF_PROCESSES", default=min(2, os.cpu_count() or 1))

# The association's details used in mails, invoices and documents.
ASSOCIATION = {
    "name": env("ASSOCIATION_NAME", default="Verein für Sozialplanung e.V. (VSOP)"),
    "short_name": env("ASSOCIATION_SHORT_NAME", default="VSOP e.V."),
    "street": env("ASSOCIATION_STREET", default="Musterstraße 1"),
    "postcode": env("ASSOCIATION_POSTCODE", default="12345"),
    "city": env("ASSOCIATION_CITY", default="Musterstadt"),
    "email": env("ASSOCIATION_EMAIL", default="geschaeftsstelle@vsop.de"),
    "phone": env("ASSOCIATION_PHONE", default=""),
    "website": env("ASSOCIATION_WEBSITE", default="https://www.vsop.de"),
    "bank_name": env("ASSOCIATION_BANK_NAME", default="Musterbank"),
    "iban": env("ASSOCIATION_IBAN", default="DE02120300000000202051"),
    "bic": env("ASSOCIATION_BIC", default="BYLADEM1001"),
    "tax_number": env("ASSOCIATION_TAX_NUMBER", default=""),
    "vat_note": env(
        "ASSOCIATION_VAT_NOTE",
        default="Steuerfrei nach § 4 Nr. 22 a UStG (Veranstaltung wissenschaftlicher oder belehrender Art).",
    ),
    "register": env("ASSOCIATION_REGISTER", default=""),
}

# Security behind a TLS-terminating proxy (README: Betrieb & Datenschutz).
# BEHIND_PROXY: the proxy sets X-Forwarded-Proto and X-Forwarded-For and the
# app is reachable only through it. Never switch it on without such a proxy:
# clients could then claim HTTPS or any address.
BEHIND_PROXY = env.bool("BEHIND_PROXY", default=not DEBUG)
# The proxies' own addresses or networks (comma-separated, e.g. 172.16.0.0/12 for the
# Docker networks, 127.0.0.1 for a proxy on the same host). X-Forwarded-For and
# X-Forwarded-Proto count only from these; empty: from nobody (check --deploy warns).
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as error:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: {_proxy!r} is no IP address or network.") from error
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# The compose health check asks over plain HTTP from inside the container.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
# Personal links carry a secret: no page sends its URL to another site.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content Security Policy (Django's built-in CSP): only our own files, no
# inline scripts or styles anywhere. Bootstrap draws some icons as data: SVGs.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Staff login (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one
# user name from one address, that pair is locked for AXES_COOLOFF_TIME.
# Unlock early: `python manage.py axes_reset_username <name>` (README).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = dt.timedelta(hours=env.float("AXES_COOLOFF_HOURS", default=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "vsop_events.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "core.http.client_ip"
AXES_VERBOSE = False

# Second factor for staff (django-otp): with STAFF_OTP_REQUIRED only staff
# with a confirmed TOTP device (authenticator app) or static codes get into
# the admin. Set up devices first (README), then switch it on.
STAFF_OTP_REQUIRED = env.bool("STAFF_OTP_REQUIRED", default=False)
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="VSOP Tagungen")

# Data protection (DSGVO): personal data of participants is anonymised this
# many months after their conference ended; invoices keep the recipient for
# INVOICE_RETENTION_YEARS after the end of the year they were issued in
# (German retention of accounting records, § 147 AO). See manage.py
# anonymise_registrations and registrations/domain/retention.py.
RETENTION_MONTHS = env.int("RETENTION_MONTHS", default=12)
INVOICE_RETENTION_YEARS = env.int("INVOICE_RETENTION_YEARS", default=8)

# The audit trail is for reading: a revert would bypass the services' rules.
SIMPLE_HISTORY_REVERT_DISABLED = True

# Documents behind a personal link (invoice and confirmation PDFs, the data copy) per link and window:
# a person downloads a handful; one link fetching 20 PDFs a second slowed everyone (core/ratelimit.py is_download_limited).
DOWNLOAD_LIMIT = env.int("DOWNLOAD_LIMIT", default=30)
DOWNLOAD_LIMIT_WINDOW = env.int("DOWNLOAD_LIMIT_WINDOW", default=60)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Personal-link secrets are cut out of every log line (vsop_events/security.py).
    "filters": {"redact_personal_links": {"()": "vsop_events.security.RedactPersonalLinks"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact_personal_links"]}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # WeasyPrint reports every step of every PDF at INFO ("Step 1 - Fetching HTML", …).
    # APScheduler (the scheduler service) reports every lock refresh, every 5 s, at INFO.
    "loggers": {"weasyprint.progress": {"level": "WARNING"}, "apscheduler": {"level": "WARNING"}},
}

# Absolute base URL for links in mails and documents (no trailing slash). In development
# without SITE_URL, the address runserver was started on (vsop_events/site_url.py).
SITE_URL = env(
    "SITE_URL", default=(DEBUG and runserver_site_url(sys.argv)) or "http://127.0.0.1:8000"
).rstrip("/")

# How long a registration made on a public form holds its place before its address is confirmed
# (minutes; a conference may set its own). 60 minutes: long enough for a mail to get through an
# authority's greylisting and virus gateway and for someone between two meetings to click the
# link; short enough that throw-away addresses hold places for one hour at most.
REGISTRATION_HOLD_MINUTES = env.int("REGISTRATION_HOLD_MINUTES", default=60)

# How long what a registered person typed into a public form again waits for them to apply it
# from the mailed link (hours; domain/completions.py). 72 hours: a form sent on Friday can still
# be applied on Monday; after that the typed data is not kept any longer than needed.
PENDING_COMPLETION_HOURS = env.int("PENDING_COMPLETION_HOURS", default=72)

# Public forms (core/ratelimit.py), counted in the shared cache, per window (seconds):
# per client IP generous (a Kommune's whole department may share one outgoing proxy; the
# address confirmation guards the places), per e-mail address strict. A post that fails
# validation costs RATE_LIMIT_FAILED_COST of a successful one.
RATE_LIMIT_WINDOW = env.int("RATE_LIMIT_WINDOW", default=600)
RATE_LIMIT_POSTS = env.int("RATE_LIMIT_POSTS", default=200)
RATE_LIMIT_EMAIL_POSTS = env.int("RATE_LIMIT_EMAIL_POSTS", default=5)
RATE_LIMIT_FAILED_COST = env.float("RATE_LIMIT_FAILED_COST", default=0.25)

# The schedule (ops/tasks.py) is enqueued by exactly one process, `manage.py crontask`
# (docker compose: the service "scheduler"). With Redis it holds a lock there, so a
# second scheduler started by mistake waits instead of enqueueing everything twice.
CRONTASK = {"REDIS_URL": _CACHE_URL if _CACHE_URL.startswith(("redis://", "rediss://")) else None}

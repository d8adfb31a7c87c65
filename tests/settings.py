"""Settings for the test suite: production settings plus test-only speed-ups.

The environment decides the database (DATABASE_URL), exactly as in production,
so CI runs the same suite on SQLite and PostgreSQL.
"""

import os

os.environ.setdefault("SECRET_KEY", "test-only-not-a-secret")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from vsop_events.settings import *  # noqa: E402,F403
from vsop_events.settings import STORAGES  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
SECURE_SSL_REDIRECT = False
LANGUAGE_CODE = "de"
# The login lockout would count every test's failed logins; tests that check it switch it on.
AXES_ENABLED = False

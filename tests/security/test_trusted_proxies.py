"""X-Forwarded-For and X-Forwarded-Proto count only from the proxies in TRUSTED_PROXIES.

Trust issue, finding 3: with BEHIND_PROXY and no proxy in front, rotating X-Forwarded-For
lifted the form limit and the staff login lockout."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from core.http import client_ip
from core.ratelimit import is_rate_limited
from tests.project.test_legal_texts import FINISHED_ASSOCIATION

BASE_DIR = Path(__file__).resolve().parents[2]
PROXY = "172.18.0.1"


@pytest.fixture
def behind_proxy(settings):
    settings.BEHIND_PROXY = True
    settings.TRUSTED_PROXIES = ["127.0.0.1", "172.16.0.0/12"]
    return settings


def test_forwarded_for_from_an_untrusted_address_is_ignored(rf, behind_proxy):
    seen = {
        client_ip(rf.get("/", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}"))
        for n in range(20)
    }
    assert seen == {"203.0.113.7"}


def test_forwarded_for_from_a_trusted_proxy_names_the_client(rf, behind_proxy):
    seen = {
        client_ip(rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")) for n in range(20)
    }
    assert seen == {f"198.51.100.{n}" for n in range(20)}


def test_the_right_most_address_that_is_no_proxy_wins(rf, behind_proxy):
    # The client claims 6.6.6.6; the outer proxy (127.0.0.1) added the real client,
    # the inner one (172.18.0.1, REMOTE_ADDR) added the outer proxy.
    request = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7, 127.0.0.1")
    assert client_ip(request) == "203.0.113.7"


def test_without_a_list_nobody_is_trusted(rf, settings):
    settings.BEHIND_PROXY = True
    settings.TRUSTED_PROXIES = []
    request = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert client_ip(request) == PROXY


def test_without_behind_proxy_the_list_is_not_used(rf, settings):
    settings.BEHIND_PROXY = False
    settings.TRUSTED_PROXIES = ["172.16.0.0/12"]
    request = rf.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert client_ip(request) == PROXY


def test_rotating_forwarded_for_does_not_lift_the_form_limit(rf, behind_proxy):
    behind_proxy.RATE_LIMIT_POSTS = 3
    results = [
        is_rate_limited(
            rf.post("/", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}"), "probe"
        )
        for n in range(6)
    ]
    assert results == [False, False, False, True, True, True]


@pytest.mark.django_db
def test_rotating_forwarded_for_does_not_lift_the_login_lockout(client, behind_proxy):
    behind_proxy.AXES_ENABLED = True
    get_user_model().objects.create_user("buero", password="richtiges-passwort-2025", is_staff=True)

    def login(password, n):
        return client.post(
            reverse("admin:login"),
            {"username": "buero", "password": password, "next": "/admin/"},
            REMOTE_ADDR="203.0.113.7",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        )

    for n in range(5):
        login("falsch", n)
    assert login("richtiges-passwort-2025", 99).status_code == 429


@pytest.mark.django_db
def test_forwarded_proto_counts_only_from_a_trusted_proxy(client, behind_proxy):
    behind_proxy.SECURE_SSL_REDIRECT = True
    url = "/"
    untrusted = client.get(url, REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_PROTO="https")
    assert untrusted.status_code == 301
    assert untrusted["Location"].startswith("https://")
    trusted = client.get(url, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_PROTO="https")
    assert trusted.status_code == 200


def _deploy_check(**extra):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(
            (
                "DJANGO_",
                "DEBUG",
                "SECRET_KEY",
                "SECURE_",
                "SESSION_",
                "CSRF_",
                "TRUSTED_",
                "CACHE_",
                "BEHIND_",
                "ASSOCIATION_",
            )
        )
    }
    env.update(
        {
            "DEBUG": "0",
            "SECRET_KEY": "ci-only-5c7Jq8yZr2Lw0Vb9Xn4Tm6Pd1Gs3Hk7Fa8Ue0Io2Yq",
            "ALLOWED_HOSTS": "tagung.example.org",
            **FINISHED_ASSOCIATION,
            "DJANGO_SETTINGS_MODULE": "vsop_events.settings",
            # the invoice data that registrations/checks.py requires in production (as .ci/run)
            "ASSOCIATION_TAX_NUMBER": "151/123/45678",
            "ASSOCIATION_PHONE": "+49 361 1234560",
            "ASSOCIATION_REGISTER": "Amtsgericht Erfurt VR 1234",
            "ASSOCIATION_IBAN": "DE89370400440532013000",
            "ASSOCIATION_BIC": "COBADEFFXXX",
            **extra,
        }
    )
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_warns_behind_a_proxy_without_trusted_addresses_and_with_a_local_cache():
    result = _deploy_check()
    assert result.returncode != 0
    assert "ops.W001" in result.stderr
    assert "ops.W002" in result.stderr
    fixed = _deploy_check(TRUSTED_PROXIES="172.16.0.0/12", CACHE_URL="redis://redis:6379/1")
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr


def test_a_malformed_trusted_proxy_stops_the_start():
    result = _deploy_check(TRUSTED_PROXIES="proxy.example.org", CACHE_URL="redis://redis:6379/1")
    assert result.returncode != 0
    assert "TRUSTED_PROXIES" in result.stderr

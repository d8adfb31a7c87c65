"""Production settings, security headers, staff login lockout and the optional second factor."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice

from tests.factories import ConferenceFactory, StaffFactory
from tests.project.test_legal_texts import FINISHED_ASSOCIATION

BASE_DIR = Path(__file__).resolve().parents[2]


def test_check_deploy_passes_with_debug_off_and_a_real_secret():
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(
            ("DJANGO_", "DEBUG", "SECRET_KEY", "SECURE_", "SESSION_", "CSRF_", "ASSOCIATION_")
        )
    }
    env.update(
        {
            "DEBUG": "0",
            "SECRET_KEY": "ci-only-5c7Jq8yZr2Lw0Vb9Xn4Tm6Pd1Gs3Hk7Fa8Ue0Io2Yq",
            "ALLOWED_HOSTS": "tagung.example.org",
            "TRUSTED_PROXIES": "172.16.0.0/12",
            "CACHE_URL": "redis://redis:6379/1",
            **FINISHED_ASSOCIATION,
            "DJANGO_SETTINGS_MODULE": "vsop_events.settings",
            # the invoice data that registrations/checks.py requires in production (as .ci/run)
            "ASSOCIATION_TAX_NUMBER": "151/123/45678",
            "ASSOCIATION_PHONE": "+49 361 1234560",
            "ASSOCIATION_REGISTER": "Amtsgericht Erfurt VR 1234",
            "ASSOCIATION_IBAN": "DE89370400440532013000",
            "ASSOCIATION_BIC": "COBADEFFXXX",
        }
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
def test_pages_send_csp_referrer_policy_and_nosniff(client):
    conference = ConferenceFactory()
    response = client.get(reverse("registrations:pre_register", kwargs={"slug": conference.slug}))
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "style-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


def test_no_page_template_has_inline_script_or_style():
    """Mails and PDF documents may style inline (no CSP there); pages may not."""
    offenders = []
    for path in (BASE_DIR / "templates").rglob("*.html"):
        relative = path.relative_to(BASE_DIR / "templates").as_posix()
        if relative.startswith(("registrations/mails/", "documents/")) or "/documents/" in relative:
            continue
        text = path.read_text()
        for needle in (
            "<style",
            "style=",
            " onclick=",
            " onload=",
            " onchange=",
            " onsubmit=",
            "javascript:",
        ):
            if needle in text:
                offenders.append(f"{relative}: {needle}")
        for line in text.splitlines():
            if "<script" in line and "src=" not in line:
                offenders.append(f"{relative}: inline <script>")
    assert offenders == []


@pytest.fixture
def staff_user(db):
    return StaffFactory(username="buero", password="richtiges-passwort-2025", is_superuser=True)


def login(client, password, username="buero"):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR="203.0.113.7",
    )


def test_staff_login_is_locked_after_five_failures_with_a_german_message(client, staff_user, settings):
    settings.AXES_ENABLED = True
    for _ in range(4):
        assert login(client, "falsch").status_code == 200
    locked = login(client, "falsch")
    assert locked.status_code == 429
    assert "Anmeldung vorübergehend gesperrt" in locked.content.decode()
    assert "60 Minuten" in locked.content.decode()
    # Even the right password is refused while locked.
    assert login(client, "richtiges-passwort-2025").status_code == 429


def test_lockout_is_per_address_and_the_reset_command_lifts_it(client, staff_user, settings):
    from django.core.management import call_command

    settings.AXES_ENABLED = True
    for _ in range(5):
        login(client, "falsch")
    assert login(client, "richtiges-passwort-2025").status_code == 429
    other = client.post(
        reverse("admin:login"),
        {"username": "buero", "password": "richtiges-passwort-2025", "next": "/admin/"},
        REMOTE_ADDR="198.51.100.9",
    )
    assert other.status_code == 302
    client.logout()
    call_command("axes_reset_username", "buero", stdout=io.StringIO())
    assert login(client, "richtiges-passwort-2025").status_code == 302


def test_behind_the_proxy_the_address_is_the_one_the_proxy_added(rf, settings):
    from core.http import client_ip

    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7", REMOTE_ADDR="10.0.0.2")
    settings.BEHIND_PROXY = True
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    assert client_ip(request) == "203.0.113.7"
    settings.BEHIND_PROXY = False
    assert client_ip(request) == "10.0.0.2"


def test_without_second_factor_a_password_is_enough(client, staff_user, settings):
    settings.STAFF_OTP_REQUIRED = False
    assert login(client, "richtiges-passwort-2025").status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_with_second_factor_required_the_password_alone_is_refused(client, staff_user, settings):
    settings.STAFF_OTP_REQUIRED = True
    response = login(client, "richtiges-passwort-2025")
    assert response.status_code == 200  # the form again, with the OTP field
    assert 'name="otp_token"' in response.content.decode()
    assert client.get(reverse("admin:index")).status_code == 302


def test_with_second_factor_required_a_static_code_lets_staff_in(client, staff_user, settings):
    settings.STAFF_OTP_REQUIRED = True
    device = StaticDevice.objects.create(user=staff_user, name="Notfallcodes")
    device.token_set.create(token="ab12cd34")
    response = client.post(
        reverse("admin:login"),
        {
            "username": "buero",
            "password": "richtiges-passwort-2025",
            "otp_device": device.persistent_id,
            "otp_token": "ab12cd34",
            "next": "/admin/",
        },
    )
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200
    # A static code works once.
    assert device.token_set.count() == 0

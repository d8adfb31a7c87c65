"""Personal-link secrets never reach a log: Django's request log and gunicorn's access log."""

import io
import logging
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.urls import reverse

from tests.factories import RegistrationFactory
from vsop_events.security import RedactPersonalLinks, redact_personal_links

BASE_DIR = Path(__file__).resolve().parents[2]


def test_redaction_cuts_the_token_out_of_paths_and_urls():
    token = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcd"
    assert (
        redact_personal_links(f"Not Found: /anmeldung/{token}/daten/") == "Not Found: /anmeldung/[…]/daten/"
    )
    assert token not in redact_personal_links(f'"GET https://tagung.example.org/anmeldung/{token}/ HTTP/1.1"')


@pytest.fixture
def console_log():
    handlers = [
        handler
        for handler in logging.getLogger().handlers
        if any(isinstance(f, RedactPersonalLinks) for f in handler.filters)
    ]
    assert handlers, "the console handler of settings.LOGGING has lost its redaction filter"
    stream = io.StringIO()
    old = handlers[0].setStream(stream)
    yield stream
    handlers[0].setStream(old)


@pytest.mark.django_db
def test_django_request_log_shows_no_token(client, console_log):
    registration = RegistrationFactory()
    response = client.put(reverse("registrations:personal_edit", kwargs={"token": registration.token}))
    assert response.status_code == 405
    logged = console_log.getvalue()
    assert "Method Not Allowed (PUT): /anmeldung/[…]/daten/" in logged
    assert registration.token not in logged


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_gunicorn_access_log_shows_no_token(tmp_path):
    port = free_port()
    access_log = tmp_path / "access.log"
    token = "Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2Rr1Qq0Pp_-Oo9Nn8Mm7"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DJANGO_SETTINGS_MODULE": "vsop_events.settings",
        "DEBUG": "0",
        "SECRET_KEY": "test-only-gunicorn-log-check-0123456789abcdefghijklmnop",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "vsop_events.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--access-logfile",
            str(access_log),
            "--error-logfile",
            str(tmp_path / "error.log"),
            "--no-control-socket",
            "--logger-class",
            "vsop_events.gunicorn_logging.RedactingLogger",
        ],
        cwd=BASE_DIR,
        env=env,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                assert server.poll() is None, (tmp_path / "error.log").read_text()
                time.sleep(0.2)
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/anmeldung/{token}/", timeout=10)  # noqa: S310
        except urllib.error.HTTPError as error:
            error.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    logged = access_log.read_text()
    assert "GET /anmeldung/[…]/ HTTP/1.1" in logged
    assert token not in logged
    assert token not in (tmp_path / "error.log").read_text()

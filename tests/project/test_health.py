"""GET /health/: database and cache reachable, for the compose health checks."""

import importlib.util
from pathlib import Path

import pytest
from django.db import connection

from vsop_events import health

BASE_DIR = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_health_answers_ok_as_json_without_cookie_and_never_cached(client):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok"}
    assert not response.cookies
    assert "no-cache" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_health_is_not_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/").status_code == 301
    assert client.get("/health/").status_code == 200


@pytest.mark.django_db
def test_health_says_503_and_what_failed_when_the_cache_is_down(client, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(health.cache, "set", broken)
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "cache": "failed"}


@pytest.mark.django_db
def test_health_says_503_when_the_database_is_down(client, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("PostgreSQL is down")

    monkeypatch.setattr(connection, "cursor", broken)
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json() == {"database": "failed", "cache": "ok"}


@pytest.mark.django_db
def test_health_refuses_a_post(client):
    assert client.post("/health/").status_code == 405


def _healthcheck_script():
    spec = importlib.util.spec_from_file_location("healthcheck", BASE_DIR / "docker" / "healthcheck.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("allowed_hosts", "host"),
    [
        ("tagung.vsop.de,www.vsop.de", "tagung.vsop.de"),
        (".vsop.de", "vsop.de"),
        ("*", "localhost"),
        ("", "localhost"),
    ],
)
def test_the_container_health_check_sends_an_allowed_host(monkeypatch, allowed_hosts, host):
    monkeypatch.setenv("ALLOWED_HOSTS", allowed_hosts)
    assert _healthcheck_script().host_name() == host

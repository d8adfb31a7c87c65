"""Mail links follow the address the development server listens on (issue 15, defect 12)."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from vsop_events.site_url import runserver_site_url

BASE_DIR = Path(settings.BASE_DIR)


def test_runserver_address_becomes_the_site_url():
    assert runserver_site_url(["manage.py", "runserver", "127.0.0.1:8001"]) == "http://127.0.0.1:8001"
    assert runserver_site_url(["manage.py", "runserver", "8002"]) == "http://127.0.0.1:8002"
    assert runserver_site_url(["manage.py", "runserver", "--noreload", "0.0.0.0:8003"]) == (
        "http://127.0.0.1:8003"
    )
    assert runserver_site_url(["manage.py", "runserver"]) == "http://127.0.0.1:8000"
    assert runserver_site_url(["manage.py", "migrate"]) is None


def settings_site_url(argv, **env):
    code = (
        "import sys, django; from django.conf import settings; "
        f"sys.argv = {argv!r}; django.setup(); print(settings.SITE_URL)"
    )
    environment = {
        key: value for key, value in os.environ.items() if key not in ("SITE_URL", "DJANGO_SETTINGS_MODULE")
    }
    environment.update({"DJANGO_SETTINGS_MODULE": "vsop_events.settings", **env})
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_development_server_on_another_port_links_to_that_port():
    assert (
        settings_site_url(["manage.py", "runserver", "127.0.0.1:8001"], DEBUG="1") == "http://127.0.0.1:8001"
    )


def test_configured_site_url_wins():
    assert (
        settings_site_url(
            ["manage.py", "runserver", "127.0.0.1:8001"], DEBUG="1", SITE_URL="https://tagung.example/"
        )
        == "https://tagung.example"
    )


def test_make_run_passes_its_port_to_the_server_and_the_worker():
    for target in ("run", "worker"):
        result = subprocess.run(
            ["make", "-n", target, "PORT=8001", "HOST=127.0.0.1"],
            cwd=BASE_DIR,
            capture_output=True,
            text=True,
            check=True,
        )
        assert "SITE_URL=${SITE_URL:-http://127.0.0.1:8001}" in result.stdout

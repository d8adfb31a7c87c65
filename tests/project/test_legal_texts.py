"""Public texts the office can finish (issue 15, defect 10): placeholders are reported, not published silently."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from programme.demo.loader import impressum_text, privacy_notice_text
from programme.legal import OFFICE_NOTE, placeholders_in, unfinished_legal_pages
from programme.models import SitePage
from tests.factories import StaffFactory

BASE_DIR = Path(__file__).resolve().parents[2]

# A deployment's own association values: check --deploy is quiet about them (ops.W003).
FINISHED_ASSOCIATION = {
    "ASSOCIATION_STREET": "Am Stadtgarten 3",
    "ASSOCIATION_POSTCODE": "50672",
    "ASSOCIATION_CITY": "Köln",
    "ASSOCIATION_EMAIL": "geschaeftsstelle@vsop.de",
    "ASSOCIATION_REGISTER": "Amtsgericht Köln, VR 4711",
}


def test_the_demo_texts_are_recognised_as_unfinished():
    privacy = placeholders_in(privacy_notice_text())
    assert privacy[0] == OFFICE_NOTE
    assert "[Dienstleister bitte ergänzen.]" in privacy
    assert "[Datum ergänzen]" in privacy
    assert "[Name und Anschrift]" in placeholders_in(impressum_text())


def test_a_finished_text_has_no_placeholders():
    assert (
        placeholders_in("1. Verantwortlicher\nVSOP e.V., Am Markt 1, 50667 Köln\n\nStand: 1. Dezember 2026")
        == []
    )


@pytest.mark.django_db
def test_dashboard_says_in_red_which_pages_are_unfinished(client):
    privacy = SitePage.objects.create(
        slug="datenschutz", title="Datenschutzerklärung", body=privacy_notice_text()
    )
    SitePage.objects.create(slug="impressum", title="Impressum", body="VSOP e.V.\nAm Markt 1\n50667 Köln")
    client.force_login(StaffFactory())
    html = client.get(reverse("admin:index")).content.decode()
    assert 'id="unfinished-pages"' in html
    assert "Öffentliche Texte noch nicht fertig" in html
    assert reverse("admin:programme_sitepage_change", args=[privacy.pk]) in html
    assert "„[Datum ergänzen]“" in html
    assert "programme-admin.css" in html
    assert [page.slug for page in unfinished_legal_pages()] == ["datenschutz"]

    privacy.body = "Verantwortlich ist der VSOP e.V.\n\nStand: 1. Dezember 2026"
    privacy.save()
    assert 'id="unfinished-pages"' not in client.get(reverse("admin:index")).content.decode()


def deploy_check(**extra):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DEBUG", "SECRET_KEY", "ASSOCIATION_"))
    }
    env.update(
        {
            "DEBUG": "0",
            "SECRET_KEY": "ci-only-5c7Jq8yZr2Lw0Vb9Xn4Tm6Pd1Gs3Hk7Fa8Ue0Io2Yq",
            "ALLOWED_HOSTS": "tagung.example.org",
            "DJANGO_SETTINGS_MODULE": "vsop_events.settings",
            **extra,
        }
    )
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_warns_while_the_association_details_are_the_demos():
    demo = deploy_check()
    assert "ops.W003" in demo.stderr
    assert "ASSOCIATION_STREET" in demo.stderr
    assert "ASSOCIATION_REGISTER" in demo.stderr
    assert "ops.W003" not in deploy_check(**FINISHED_ASSOCIATION).stderr

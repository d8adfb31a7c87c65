import datetime as dt
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from programme.models import Conference, SitePage

pytestmark = pytest.mark.django_db


def load_demo():
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def counts():
    return {model.__name__: model.objects.count() for model in apps.get_app_config("programme").get_models()}


def test_loading_twice_changes_nothing():
    load_demo()
    first = counts()
    updated_at = dict(Conference.objects.values_list("slug", "updated_at"))
    output = load_demo()
    assert counts() == first
    assert dict(Conference.objects.values_list("slug", "updated_at")) == updated_at
    assert "Tagungen: 3 insgesamt, 0 neu, 0 geändert" in output


def test_loading_fills_every_programme_model():
    load_demo()
    assert all(count > 0 for count in counts().values()), counts()


def test_loading_repairs_a_changed_historic_fact():
    load_demo()
    Conference.objects.filter(slug="jahrestagung-2022-leipzig").update(city="Halle")
    output = load_demo()
    assert Conference.objects.get(slug="jahrestagung-2022-leipzig").city == "Leipzig"
    assert "Tagungen: 3 insgesamt, 0 neu, 1 geändert" in output


def test_demo_conference_keeps_its_dates_on_the_next_run(time_machine):
    load_demo()
    demo = Conference.objects.get(slug="demo-jahrestagung")
    before = counts()
    time_machine.move_to(timezone.now() + dt.timedelta(days=7))
    load_demo()
    assert Conference.objects.get(slug="demo-jahrestagung").starts_at == demo.starts_at
    assert counts() == before


def test_site_pages_are_created_but_never_overwritten():
    load_demo()
    privacy = SitePage.objects.get(slug="datenschutz")
    assert privacy.title == "Datenschutzerklärung"
    assert "Art. 6 Abs. 1 lit. b DSGVO" in privacy.body
    assert "Vorlage" in privacy.body
    impressum = SitePage.objects.get(slug="impressum")
    assert "geschaeftsstelle@vsop.de" in impressum.body
    SitePage.objects.filter(slug="impressum").update(body="Vom Büro geändert")
    load_demo()
    assert SitePage.objects.get(slug="impressum").body == "Vom Büro geändert"


def test_impressum_uses_the_association_settings(settings):
    settings.ASSOCIATION = {**settings.ASSOCIATION, "name": "Verein für Sozialplanung e.V.", "city": "Speyer"}
    load_demo()
    body = SitePage.objects.get(slug="impressum").body
    assert "Verein für Sozialplanung e.V." in body
    assert "Speyer" in body


def test_office_account_is_created_with_debug(settings):
    settings.DEBUG = True
    output = load_demo()
    user = get_user_model().objects.get(username="geschaeftsstelle")
    assert user.is_staff is True
    assert user.check_password("demo-passwort-2025")
    assert "Demo-Zugang für /admin/: Benutzer geschaeftsstelle Passwort demo-passwort-2025" in output


def test_office_account_keeps_a_changed_password(settings):
    settings.DEBUG = True
    load_demo()
    user = get_user_model().objects.get(username="geschaeftsstelle")
    user.set_password("vom-buero-geaendert")
    user.save()
    output = load_demo()
    user.refresh_from_db()
    assert user.check_password("vom-buero-geaendert")
    assert "demo-passwort-2025" not in output


def test_no_office_account_without_debug(settings):
    settings.DEBUG = False
    output = load_demo()
    assert not get_user_model().objects.filter(username="geschaeftsstelle").exists()
    assert "Demo-Zugang" not in output

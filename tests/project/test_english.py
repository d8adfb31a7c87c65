"""The English site: pages render in English once the visitor chose it, and the catalogue is complete.

The catalogue tests fail as soon as someone adds a German UI string that has no
English translation yet (or leaves a fuzzy entry, or forgets compilemessages).
That is intended: run `makemessages -l en` (see README), translate the new
entries in locale/en/LC_MESSAGES/django.po, compile and commit the .po and .mo.
"""

import gettext
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from tests.factories import ConferenceFactory

PO_FILE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO_FILE = PO_FILE.with_suffix(".mo")
# What makemessages should not scan (the same as the documented command) plus what a copy does not need.
NOT_SOURCE = (".git", ".venv", "bench", "tests", "locale", "static", "staticfiles", "media", "test-artifacts")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}|<[^>]+>")


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status
    return response.content.decode()


@pytest.mark.django_db
def test_home_page_in_english(english):
    conference = ConferenceFactory(title="Annual Conference Test", places=3)
    html = page(english, "/")
    assert '<html lang="en">' in html
    assert "Next conference" in html
    assert "What you can do now" in html
    assert "To the conference" in html
    assert "3 places left" in html
    assert "Skip to content" in html
    assert "Legal notice" in html
    assert conference.title in html
    for german in (
        "Nächste Tagung",
        "Was Sie jetzt tun können",
        "Zur Tagung",
        "Plätze frei",
        "Impressum",
        "Sprache",
    ):
        assert german not in html


@pytest.mark.django_db
def test_conference_page_in_english(english):
    conference = ConferenceFactory(places=1)
    html = page(english, conference.get_absolute_url())
    assert "At a glance" in html
    assert "Participation fee" in html
    assert "250,00\u00a0€ for members" in html  # money keeps the German notation on purpose
    assert "Binding registration until" in html
    assert "1 place left" in html
    assert "Pre-register (non-binding)" in html
    for german in (
        "Auf einen Blick",
        "Teilnahmegebühr",
        "für Mitglieder",
        "Verbindliche Anmeldung",
        " Uhr",
        "Platz frei",
    ):
        assert german not in html


@pytest.mark.django_db
def test_pre_registration_form_labels_and_errors_in_english(english):
    conference = ConferenceFactory()
    url = reverse("registrations:pre_register", kwargs={"slug": conference.slug})
    html = page(english, url)
    assert "<h1>Pre-registration: " in html
    for label in (
        "First name",
        "Last name",
        "I am a member of VSOP e.V.",
        "Position / job title",
        "Note (optional)",
    ):
        assert label in html
    assert (
        "I have read the privacy notice and agree to my details being processed for the conference." in html
    )
    for german in (
        "Vorname",
        "Nachname",
        "Ich bin Mitglied",
        "Datenschutzhinweis",
        "Unverbindlich voranmelden",
        " Uhr",
    ):
        assert german not in html

    response = english.post(url, {"first_name": "Ada", "email": "not-an-address", "website": ""})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Please enter a valid email address." in html
    assert "Please fill in this field." in html
    assert "Please agree to the privacy notice." in html
    for german in ("Bitte geben Sie", "Bitte füllen Sie", "Bitte stimmen Sie"):
        assert german not in html


@pytest.mark.django_db
def test_admin_login_in_english(english):
    html = page(english, reverse("admin:login"))
    assert '<html lang="en"' in html
    assert "Username" in html
    assert "Log in" in html
    assert "VSOP e.V. – Conference management" in html
    for german in ("Benutzername", "Passwort", "Anmelden", "Tagungsverwaltung"):
        assert german not in html


@pytest.mark.django_db
def test_german_stays_the_default(client):
    conference = ConferenceFactory()
    html = page(client, reverse("registrations:pre_register", kwargs={"slug": conference.slug}))
    assert "Vorname" in html
    assert "First name" not in html


def test_plural_forms_follow_the_number():
    with translation.override("en"):
        assert translation.ngettext("Noch %(left)s Platz frei", "Noch %(left)s Plätze frei", 1) % {
            "left": 1
        } == ("1 place left")
        assert translation.ngettext("Noch %(left)s Platz frei", "Noch %(left)s Plätze frei", 2) % {
            "left": 2
        } == ("2 places left")


def catalogue():
    return polib.pofile(str(PO_FILE))


def test_every_message_has_an_english_translation():
    """A new German string without a translation fails here on purpose: translate it in django.po."""
    po = catalogue()
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    obsolete = [entry.msgid for entry in po.obsolete_entries()]
    assert untranslated == []
    assert fuzzy == []
    assert obsolete == []
    assert len(po.translated_entries()) > 300


def test_translations_keep_placeholders_and_markup():
    mismatched = []
    for entry in catalogue().translated_entries():
        pairs = (
            [(entry.msgid, entry.msgstr_plural[0]), (entry.msgid_plural, entry.msgstr_plural[1])]
            if entry.msgid_plural
            else [(entry.msgid, entry.msgstr)]
        )
        for source, target in pairs:
            if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(target)):
                mismatched.append(source)
    assert mismatched == []


def test_compiled_catalogue_matches_the_po_file():
    """The .mo is committed so a fresh machine needs no gettext tools; it must be compiled from the current .po."""
    with MO_FILE.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = []
    for entry in catalogue().translated_entries():
        if entry.msgid_plural:
            if compiled.ngettext(entry.msgid, entry.msgid_plural, 2) != entry.msgstr_plural[1]:
                stale.append(entry.msgid)
        elif (
            compiled.pgettext(entry.msgctxt, entry.msgid) if entry.msgctxt else compiled.gettext(entry.msgid)
        ) != (entry.msgstr):
            stale.append(entry.msgid)
    assert stale == []


@pytest.mark.skipif(
    shutil.which("xgettext") is None,
    reason="needs GNU gettext (apt-get install gettext); .ci/run installs it",
)
def test_every_marked_string_is_in_the_catalogue(tmp_path):
    """Run makemessages on a copy of the source: a German string marked since the last update fails here.

    Fix: `DEBUG=1 .venv/bin/python manage.py makemessages -l en --ignore=.venv --ignore=bench
    --ignore=tests --no-obsolete`, translate the new entries, compilemessages, commit .po and .mo.
    """
    source = tmp_path / "source"
    shutil.copytree(
        settings.BASE_DIR,
        source,
        ignore=shutil.ignore_patterns(*NOT_SOURCE, "__pycache__", ".*_cache", ".hypothesis", "*.sqlite3*"),
    )
    (source / "locale").mkdir()
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "vsop_events.settings", "DEBUG": "1"}
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "en", "--no-obsolete", "-v", "0"],
        cwd=source,
        env=environment,
        check=True,
        capture_output=True,
    )
    extracted = polib.pofile(str(source / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    known = {(entry.msgctxt, entry.msgid) for entry in catalogue()}
    new = sorted(entry.msgid for entry in extracted if (entry.msgctxt, entry.msgid) not in known)
    assert len(extracted) > 300
    assert new == []

"""The office works in a German admin, through and through (issue 17).

The crawl visits every admin page the office can open (the site's, every ModelAdmin's changelist,
add, change, delete and history pages, the custom views) and every action's answer (the
intermediate pages), for a world like the demo's: people holding places, waiting, moved up and
cancelled, invoices, payments, mails of every kind. It fails on English that Django or a
third-party app left in (a list of strings seen in the office), on raw choice values
(`holds_place`, `registration_waiting`), on ISO datetimes from the database
(`2026-12-01 20:24:24.081967+00:00`) and on amounts in English notation (`300.00 €`).
A control shows the scan sees each kind of mistake.
"""

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import models, transaction
from django.urls import reverse

from registrations.domain import lifecycle, outbox
from registrations.domain.payments import record_payment
from registrations.models import Registration
from registrations.models.outbox import MAIL_KINDS
from registrations.office.roles import OFFICE
from tests.factories import StaffFactory, binding_data
from tests.security.test_admin_walk import PAYLOAD, admin_urls, build_world

pytestmark = pytest.mark.django_db

# English the office met in its admin: Django's and third-party strings without a German catalogue
# entry, and simple-history's columns. Whole words or phrases, matched case-sensitively.
ENGLISH = [
    "Run",
    "Select an option",
    "Filter by",
    "View history",
    "Change history",
    "Changes",
    "CHANGES",
    "None",
    "Password-based authentication",
    "Enabled",
    "Disabled",
    "Set password",
    "Reset password",
    "Task Result",
    "Task Results",
    "enqueued at",
    "task path",
    "TOTP device",
    "TOTP devices",
    "Static device",
    "Static devices",
    "Otp_Totp",
    "Identity",
    "Timestamps",
    "Configuration",
    "Throttling",
    "Can add",
    "Can change",
    "Can delete",
    "Can view",
    "Search by",
    "Search",
    "Pagination",
    "entries",
    "entry",
    "Object",
    "Date/time",
    "Comment",
    "Changed by",
    "Change reason",
    "Unknown",
    "True",
    "False",
    "Yes",
    "No",
    "Add",
    "Save",
    "Delete",
    "History",
    "Home",
    "Show counts",
    "Clear all filters",
]
ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)?")
ENGLISH_AMOUNT = re.compile(r"\d\.\d{2}\s?€|\d,\d{3}\.\d{2}")
SKIPPED_TAGS = {"script", "style", "textarea", "pre", "code"}
# Image alternatives count: a screen reader reads them (Django's yes/no icons said alt="True").
VISIBLE_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}


class VisibleText(HTMLParser):
    """The text a person reads on the page: text nodes, button labels, tooltips, placeholders.

    Left out: scripts, styles, and what someone typed or a mail contains (textarea, pre)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in SKIPPED_TAGS:
            self.skipping += 1
        attrs = dict(attrs)
        for name in VISIBLE_ATTRIBUTES:
            if attrs.get(name):
                self.parts.append(attrs[name])
        if tag == "input" and attrs.get("type") in {"submit", "button", "reset"} and attrs.get("value"):
            self.parts.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag in SKIPPED_TAGS and self.skipping:
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping and data.strip():
            self.parts.append(" ".join(data.split()))


def visible_text(html):
    parser = VisibleText()
    parser.feed(html)
    return parser.parts


def raw_choice_values():
    """Every stored choice value that reads differently from its label (`holds_place`, `paid`, `frau`)."""
    values = set()
    for model in apps.get_models():
        if model._meta.app_label not in {"registrations", "programme", "exports"}:
            continue
        for field in model._meta.get_fields():
            if isinstance(field, models.Field) and field.choices and isinstance(field, models.CharField):
                for value, label in field.flatchoices:
                    value = str(value)
                    if re.search(r"[a-z]", value) and value.lower() != str(label).lower():
                        values.add(value)
    return values | set(MAIL_KINDS)


def findings_in(html, raw_values):
    """What an office person should not read on a German page: (kind, text)."""
    found = []
    english = re.compile(r"(?<![\w-])(" + "|".join(re.escape(s) for s in ENGLISH) + r")(?![\w-])")
    raw = re.compile(r"(?<![\w@./-])(" + "|".join(re.escape(v) for v in sorted(raw_values)) + r")(?![\w@-])")
    for text in visible_text(html):
        for match in english.finditer(text):
            found.append(("englisch", match.group(1), text[:120]))
        for match in raw.finditer(text):
            found.append(("Rohwert", match.group(1), text[:120]))
        for match in ISO_DATETIME.finditer(text):
            found.append(("ISO-Zeit", match.group(0), text[:120]))
        for match in ENGLISH_AMOUNT.finditer(text):
            found.append(("Betrag", match.group(0), text[:120]))
    return found


def demo_like_world():
    """The admin walk's world (one of everything) plus the life of a busy conference: a full
    conference with a waiting list, a cancellation that moves someone up, invoices, payments and
    mails of several kinds, so history pages show status, date and amount changes."""
    world = build_world()
    conference = world["conference"]
    waiting, _ = lifecycle.register_binding(conference=conference, data=binding_data(31))
    waiting = lifecycle.confirm_address(registration=waiting)
    assert waiting.status == Registration.Status.WAITING
    holder = Registration.objects.filter(conference=conference, status="holds_place").order_by("pk").first()
    lifecycle.cancel(registration=holder)
    moved_up = Registration.objects.get(conference=conference, moved_up_at__isnull=False)
    assert moved_up.status == Registration.Status.HOLDS_PLACE  # its history: waiting → holds place
    record_payment(
        registration=moved_up, amount=moved_up.fee, received_on=dt.date(2026, 11, 20), note="Überweisung"
    )
    outbox.queue_mail(registration=waiting, template="link_resent")
    return world


def office_pages(client, world):
    """(url, html) of every admin page that answers the office with a page."""
    pages = []
    for url, _model in admin_urls(world):
        response = client.get(url)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            pages.append((url, response.content.decode()))
    return pages


def action_pages(client):
    """(action, html) of every action's answer for all rows of its list; nothing is kept."""
    pages = []
    for model, model_admin in admin.site._registry.items():
        changelist = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        selected = [str(pk) for pk in model._default_manager.values_list("pk", flat=True)]
        for action in model_admin._get_base_actions():
            form = {key: value for key, value in PAYLOAD.items() if key not in {"_save", "post", "confirm"}}
            with transaction.atomic():
                response = client.post(
                    changelist,
                    {**form, "action": action.name, "_selected_action": selected, "index": "0"},
                    follow=True,
                )
                transaction.set_rollback(True)
            if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
                pages.append((f"{model._meta.label}: {action.name}", response.content.decode()))
    return pages


@pytest.fixture
def office_client(client):
    client.force_login(StaffFactory(username="buero", roles=[OFFICE]))
    return client


@pytest.fixture
def superuser_client(client):
    """The demo's office account is a superuser: it also sees users, second factors and tasks."""
    client.force_login(StaffFactory(username="geschaeftsstelle", is_superuser=True))
    return client


def _report(findings):
    return "\n".join(f"{where}: {kind} „{what}“ in „{text}“" for where, kind, what, text in findings)


@pytest.mark.parametrize("who", ["office_client", "superuser_client"])
def test_the_office_reads_no_english_and_no_raw_values_on_any_admin_page(request, who):
    client = request.getfixturevalue(who)
    world = demo_like_world()
    raw_values = raw_choice_values()
    pages = office_pages(client, world)
    assert len(pages) > 100  # the crawl went everywhere, not just to a login page
    findings = [(url, *finding) for url, html in pages for finding in findings_in(html, raw_values)]
    assert findings == [], _report(findings)


def test_the_actions_answer_the_office_in_german(office_client):
    demo_like_world()
    raw_values = raw_choice_values()
    pages = action_pages(office_client)
    assert len(pages) > 20
    findings = [(name, *finding) for name, html in pages for finding in findings_in(html, raw_values)]
    assert findings == [], _report(findings)


def test_the_scan_sees_english_raw_values_iso_times_and_english_amounts():
    """The control: each kind of mistake the office met is found, and German text passes."""
    html = (
        "<button>Run</button><option>- Select an option -</option><h1>View history: Anna</h1>"
        "<td>waiting → holds_place</td><td>2026-12-01 20:24:24.081967+00:00</td><li>300.00 €</li>"
        "<td>registration_waiting</td><script>var None = 1</script><textarea>Run</textarea>"
        '<img src="/static/admin/img/icon-yes.svg" alt="True">'
    )
    kinds = {(kind, what) for kind, what, _text in findings_in(html, raw_choice_values())}
    assert kinds == {
        ("englisch", "Run"),
        ("englisch", "Select an option"),
        ("englisch", "View history"),
        ("Rohwert", "waiting"),
        ("Rohwert", "holds_place"),
        ("ISO-Zeit", "2026-12-01 20:24:24.081967+00:00"),
        ("Betrag", "0.00 €"),
        ("Rohwert", "registration_waiting"),
        ("englisch", "True"),
    }
    german = "<p>Warteliste → Platz gesichert, 01.12.2026 21:24, 1.234,56 €, Verlauf: Anna</p>"
    assert findings_in(german, raw_choice_values()) == []


def test_the_yes_no_icons_say_ja_and_nein_wherever_the_admin_draws_them():
    """Change lists, read-only fields and display_for_field/value all draw Django's icon."""
    from django.contrib.admin.utils import display_for_field, display_for_value
    from django.db.models import BooleanField

    field = BooleanField(null=True)
    assert 'alt="ja"' in display_for_field(True, field, "–")
    assert 'alt="nein"' in display_for_field(False, field, "–")
    assert 'alt="unbekannt"' in display_for_field(None, field, "–")
    assert 'alt="ja"' in display_for_value(True, "–", boolean=True)
    assert "icon-yes.svg" in display_for_value(True, "–", boolean=True)

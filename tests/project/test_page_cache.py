"""The public pages come from the shared cache for anonymous visitors (core/pagecache.py),
with their own CSRF token and messages, and never stale.

Every public page is listed in PUBLIC_PAGES: a page that stops being cached (or a route
that goes away) fails here, whatever changes its view or template.
"""

import datetime as dt
import re

import pytest
from django.contrib import messages
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from core import pagecache
from core.forms.submission import SUBMISSION_TOKEN_PLACEHOLDER
from programme.models import SitePage
from registrations.models import (
    FormSubmission,
    InvoiceSequence,
    OutgoingMail,
    OutgoingMailAttachment,
    Registration,
)
from tests.factories import ConferenceFactory, ProgrammeItemFactory, RegistrationFactory, StaffFactory

pytestmark = pytest.mark.django_db

TOKEN_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
# What every visit gets of its own: the CSRF token and a form's submission token (core/forms/submission.py).
PER_VISIT_RE = re.compile(r'name="(?:csrfmiddlewaretoken|submission_token)" value="[^"]+"')


@pytest.fixture
def conference():
    conference = ConferenceFactory(title="Jahrestagung im Cache", places=50)
    ProgrammeItemFactory(conference=conference, title="Eröffnungsvortrag")
    SitePage.objects.update_or_create(slug="datenschutz", defaults={"title": "Datenschutz", "body": "Text"})
    SitePage.objects.update_or_create(slug="impressum", defaults={"title": "Impressum", "body": "Text"})
    return conference


def public_pages(conference):
    return {
        "home": reverse("programme:home"),
        "archive": reverse("programme:conferences"),
        "conference page": conference.get_absolute_url(),
        "programme": reverse("programme:programme", kwargs={"slug": conference.slug}),
        "privacy": reverse("programme:page", kwargs={"slug": "datenschutz"}),
        "imprint": reverse("programme:page", kwargs={"slug": "impressum"}),
    }


PUBLIC_PAGES = ["home", "archive", "conference page", "programme", "privacy", "imprint"]


def get(url, client=None):
    response = (client or Client()).get(url)
    assert response.status_code == 200, url
    return response


@pytest.mark.parametrize("page", PUBLIC_PAGES)
def test_a_public_page_comes_from_the_cache_without_a_query(page, conference, django_assert_num_queries):
    url = public_pages(conference)[page]
    first = get(url).content.decode()

    with django_assert_num_queries(0):
        second = get(url).content.decode()

    assert PER_VISIT_RE.sub("", second) == PER_VISIT_RE.sub("", first)
    for placeholder in (pagecache.CSRF_PLACEHOLDER, SUBMISSION_TOKEN_PLACEHOLDER):
        assert placeholder not in first
        assert placeholder not in second


@pytest.mark.parametrize("page", PUBLIC_PAGES)
def test_a_changed_conference_shows_on_every_public_page_at_once(page, conference):
    url = public_pages(conference)[page]
    get(url)
    before = cache.get(pagecache.VERSION_KEY)

    conference.title = "Umbenannte Jahrestagung"
    conference.save()

    assert cache.get(pagecache.VERSION_KEY) != before
    if page in ("home", "archive", "conference page", "programme"):
        assert "Umbenannte Jahrestagung" in get(url).content.decode()


def test_the_cached_conference_page_has_a_csrf_token_of_its_own_that_a_post_accepts(conference):
    url = conference.get_absolute_url()
    get(url)  # fills the cache

    visitor = Client(enforce_csrf_checks=True)
    page = get(url, visitor)
    tokens = TOKEN_RE.findall(page.content.decode())
    assert tokens, "the pre-registration form has a CSRF token"
    assert len(set(tokens)) == 1
    assert "csrftoken" in page.cookies  # the cookie the token belongs to
    other = TOKEN_RE.findall(get(url).content.decode())[0]
    assert other != tokens[0]

    response = visitor.post(
        reverse("registrations:pre_register", kwargs={"slug": conference.slug}),
        {
            "csrfmiddlewaretoken": tokens[0],
            "first_name": "Anna",
            "last_name": "Aus dem Cache",
            "email": "anna.cache@example.org",
            "organisation": "Stadt Köln",
            "privacy_consent": "on",
            "submit": "Unverbindlich voranmelden",
        },
    )

    assert response.status_code == 302
    assert Registration.objects.filter(email="anna.cache@example.org", conference=conference).exists()


class CacheCalls:
    """Wraps the cache core/pagecache.py uses and records which of its methods are called."""

    def __init__(self, real):
        self.real, self.calls = real, []

    def __getattr__(self, name):
        attribute = getattr(self.real, name)
        if callable(attribute):
            self.calls.append(name)
        return attribute


@pytest.mark.parametrize("page", PUBLIC_PAGES)
def test_a_cached_hit_reads_the_cache_once_and_writes_nothing(
    page, conference, monkeypatch, django_assert_num_queries
):
    """What a hit costs per request: one cache read, no query, no cache or session write."""
    url = public_pages(conference)[page]
    get(url)
    calls = CacheCalls(pagecache.cache)
    monkeypatch.setattr(pagecache, "cache", calls)

    with django_assert_num_queries(0):
        response = get(url)

    assert calls.calls == ["get_many"]
    assert "sessionid" not in response.cookies
    assert set(response.cookies) <= {"csrftoken"}  # a page with a form sets the CSRF cookie only


def test_a_visitor_with_a_csrf_cookie_keeps_it_and_posts_with_the_token_of_the_cached_page(conference):
    url = conference.get_absolute_url()
    get(url)
    visitor = Client(enforce_csrf_checks=True)
    first = get(url, visitor)
    cookie = first.cookies["csrftoken"].value

    second = get(url, visitor)
    token = TOKEN_RE.findall(second.content.decode())[0]

    assert second.cookies["csrftoken"].value == cookie  # renewed, not replaced
    assert token != TOKEN_RE.findall(first.content.decode())[0]  # masked anew
    response = visitor.post(
        reverse("registrations:pre_register", kwargs={"slug": conference.slug}),
        {
            "csrfmiddlewaretoken": token,
            "first_name": "Bernd",
            "last_name": "Mit Cookie",
            "email": "bernd.cookie@example.org",
            "organisation": "Stadt Bonn",
            "privacy_consent": "on",
            "submit": "Unverbindlich voranmelden",
        },
    )
    assert response.status_code == 302
    assert Registration.objects.filter(email="bernd.cookie@example.org", conference=conference).exists()


def test_a_post_with_the_token_of_the_stored_page_is_refused(conference):
    """The stored HTML holds a placeholder, never a real token that others could reuse."""
    url = conference.get_absolute_url()
    get(url)
    _version, content, _type = cache.get(pagecache._page_key(RequestFactory().get(url)))
    assert pagecache.CSRF_PLACEHOLDER.encode() in content
    visitor = Client(enforce_csrf_checks=True)
    get(url, visitor)

    response = visitor.post(
        reverse("registrations:pre_register", kwargs={"slug": conference.slug}),
        {"csrfmiddlewaretoken": pagecache.CSRF_PLACEHOLDER, "email": "x@example.org"},
    )

    assert response.status_code == 403


def message_cookie(text):
    """The cookie Django's message storage sets when a view adds a message before a redirect."""
    return CookieStorage(RequestFactory().get("/"))._encode([Message(messages.SUCCESS, text)])


def test_a_pending_message_is_shown_to_its_visitor_and_never_to_others(conference):
    url = conference.get_absolute_url()
    get(url)  # the page is in the cache
    visitor = Client()
    visitor.cookies[CookieStorage.cookie_name] = message_cookie("Nur für diese Person")

    assert "Nur für diese Person" in get(url, visitor).content.decode()

    assert "Nur für diese Person" not in get(url, visitor).content.decode()  # shown once
    assert "Nur für diese Person" not in get(url).content.decode()


def test_a_new_registration_changes_the_places_left_on_the_cached_pages(conference):
    urls = [public_pages(conference)["home"], conference.get_absolute_url()]
    for url in urls:
        assert "Noch 50 Plätze frei" in get(url).content.decode()

    RegistrationFactory(conference=conference)

    for url in urls:
        html = get(url).content.decode()
        assert "Noch 49 Plätze frei" in html
        assert "Noch 50 Plätze frei" not in html


def test_a_hold_that_lapses_frees_its_place_on_the_cached_page_without_any_write(conference, time_machine):
    now = timezone.now()
    time_machine.move_to(now, tick=False)
    RegistrationFactory(
        conference=conference, email_confirmed_at=None, hold_expires_at=now + dt.timedelta(minutes=30)
    )
    url = conference.get_absolute_url()
    assert "Noch 49 Plätze frei" in get(url).content.decode()
    assert "Noch 49 Plätze frei" in get(url).content.decode()  # from the cache

    time_machine.move_to(now + dt.timedelta(minutes=31), tick=False)

    assert "Noch 50 Plätze frei" in get(url).content.decode()


def test_a_page_is_stored_no_longer_than_until_the_next_hold_lapses(conference, time_machine):
    now = timezone.now()
    time_machine.move_to(now, tick=False)
    RegistrationFactory(
        conference=conference, email_confirmed_at=None, hold_expires_at=now + dt.timedelta(minutes=5)
    )

    assert pagecache._seconds_to_keep() == 5 * 60


def test_staff_get_the_page_rendered_for_them(conference, client, django_assert_max_num_queries):
    url = conference.get_absolute_url()
    get(url)
    staff = Client()
    staff.force_login(StaffFactory(is_superuser=True))

    with django_assert_max_num_queries(30) as queries:
        get(url, staff)
    assert len(queries) > 2  # rendered: session, user, conference, places …


def test_a_draft_previewed_by_staff_is_never_served_to_the_public(client):
    draft = ConferenceFactory(status="draft", title="Geheimer Entwurf")
    staff = Client()
    staff.force_login(StaffFactory(is_superuser=True))
    assert "Geheimer Entwurf" in get(draft.get_absolute_url(), staff).content.decode()

    assert client.get(draft.get_absolute_url()).status_code == 404


def test_a_url_with_a_query_string_is_rendered_fresh(conference, django_assert_max_num_queries):
    url = conference.get_absolute_url()
    get(url)

    with django_assert_max_num_queries(30) as queries:
        response = Client().get(url, {"next": "<b>x</b>"})
    assert response.status_code == 200
    assert len(queries) > 0


def test_a_change_inside_a_transaction_invalidates_again_on_commit(django_capture_on_commit_callbacks):
    before = cache.get(pagecache.VERSION_KEY)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        ConferenceFactory()
        during = cache.get(pagecache.VERSION_KEY)
        ConferenceFactory()
    assert callbacks.count(pagecache._new_version) == 1  # asked once per transaction

    assert during != before
    assert cache.get(pagecache.VERSION_KEY) not in (before, during)


def test_rows_no_public_page_shows_leave_the_cached_pages_alone(conference):
    """The audit trail, the outbox and the form receipts: a binding registration writes a dozen
    rows, and only those a public page can show change the version (one cache write each)."""
    registration = RegistrationFactory(conference=conference)
    before = cache.get(pagecache.VERSION_KEY)

    record = registration.history.first()
    record.history_id = None
    record.save()  # another row of the audit trail
    mail = OutgoingMail.objects.create(registration=registration, kind="test", to=registration.email)
    OutgoingMailAttachment.objects.create(mail=mail, filename="a.ics", mimetype="text/calendar", content=b"x")
    FormSubmission.objects.create(token="t" * 32, fingerprint="f" * 64, registration=registration)
    InvoiceSequence.objects.create(year=2099)
    assert cache.get(pagecache.VERSION_KEY) == before

    registration.save()
    assert cache.get(pagecache.VERSION_KEY) != before

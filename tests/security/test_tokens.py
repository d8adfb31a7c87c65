"""Personal links: long random secrets, and the same 404 for every wrong one on every page."""

import re

import pytest
from django.urls import get_resolver, reverse

from registrations.models import new_token
from tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db


def token_url_names():
    names = []
    for pattern in get_resolver().url_patterns:
        if getattr(pattern, "namespace", None) != "registrations":
            continue
        for entry in pattern.url_patterns:
            if "token" in entry.pattern.converters:
                others = {name: "1" for name in entry.pattern.converters if name != "token"}
                names.append((entry.name, others))
    return names


def test_a_token_has_at_least_128_random_bits():
    tokens = {new_token() for _ in range(200)}
    assert len(tokens) == 200
    # token_urlsafe(32): 32 random bytes in 43 base64url characters (6 bits each).
    assert all(len(token) >= 43 for token in tokens)


def test_every_personal_page_answers_wrong_tokens_with_the_same_404(client):
    registration = RegistrationFactory(last_name="Geheim", organisation="Stadt Geheim")
    wrong_last = registration.token[:-1] + ("A" if registration.token[-1] != "A" else "B")
    candidates = {
        "unknown": new_token(),
        "one character off": wrong_last,
        "prefix": registration.token[:20],
        "malformed": "<script>",
    }
    names = token_url_names()
    assert {"personal", "personal_edit", "personal_cancel", "personal_data_export"} <= {n for n, _ in names}
    for name, others in names:
        bodies = set()
        for token in candidates.values():
            response = client.get(reverse(f"registrations:{name}", kwargs={"token": token, **others}))
            assert response.status_code == 404, (name, token)
            content = response.content.decode()
            assert "Geheim" not in content
            # Only the page's own address (language switch) and the CSRF mask differ.
            content = re.sub(r'(name="(?:next|csrfmiddlewaretoken)"[^>]*value=")[^"]*"', r'\1"', content)
            bodies.add(content)
        assert len(bodies) == 1, name
        if others:
            continue  # e.g. an invoice number: the right token alone does not open it
        # The right token opens the page (following a redirect also shows any message it left);
        # the group page's is a group registration's (its contact's link).
        right = group_token(registration) if name.startswith("group") else registration.token
        assert (
            client.get(reverse(f"registrations:{name}", kwargs={"token": right}), follow=True).status_code
            == 200
        )


def group_token(registration):
    from registrations.models import GroupRegistration

    return GroupRegistration.objects.create(
        conference=registration.conference,
        contact_first_name="Sabine",
        contact_last_name="Sekretär",
        contact_email="sekretariat@example.org",
        organisation="Stadt",
        billing_organisation="Stadt",
        billing_street="Weg 1",
        billing_postcode="50667",
        billing_city="Köln",
    ).token

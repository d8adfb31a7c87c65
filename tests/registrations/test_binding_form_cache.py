"""The binding form keeps the crispy HTML of fields without personal data; the page stays the same."""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from core.forms import cached as forms_binding
from programme.models import ProgrammeItem
from registrations.domain import workshops
from tests.factories import (
    ConferenceFactory,
    ProgrammeItemFactory,
    RegistrationFactory,
    WorkshopFactory,
    WorkshopPhaseFactory,
    pre_registered,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_field_cache():
    forms_binding._FIELD_HTML.clear()
    yield
    forms_binding._FIELD_HTML.clear()


@pytest.fixture
def fresh_renders(monkeypatch):
    """The fields crispy renders through its templates (not taken from the cache)."""
    names = []
    real = forms_binding.render_field

    def counting(field, *args, **kwargs):
        names.append(field)
        return real(field, *args, **kwargs)

    monkeypatch.setattr(forms_binding, "render_field", counting)
    return names


@pytest.fixture
def conference():
    conference = ConferenceFactory(places=10, payment_terms="Zahlbar binnen 14 Tagen.")
    phase = WorkshopPhaseFactory(conference=conference, number=1, title="Praxis")
    WorkshopFactory(phase=phase, title="Quartier", seat_limit=10)
    WorkshopFactory(phase=phase, title="Sozialraum", seat_limit=1)
    ProgrammeItemFactory(
        conference=conference, kind=ProgrammeItem.Kind.EVENING, title="Empfang", requires_signup=True
    )
    ProgrammeItemFactory(
        conference=conference,
        kind=ProgrammeItem.Kind.EVENING,
        title="Mitgliederabend",
        members_only=True,
        requires_signup=True,
    )
    return conference


def binding_url(registration):
    return reverse("registrations:binding_personal", kwargs={"token": registration.token})


def direct_url(conference):
    return reverse("registrations:binding_register", kwargs={"slug": conference.slug})


def the_form(client, url):
    response = client.get(url)
    assert response.status_code == 200
    form = re.search(r'<form method="post"[^>]*>(.*?)</form>', response.content.decode(), re.S).group(1)
    form = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", form)
    # A new submission token on every rendering (core/forms/submission.py): the rest must match.
    return re.sub(r'name="submission_token" value="[^"]+"', 'name="submission_token"', form)


def test_fields_from_the_cache_look_exactly_like_freshly_rendered_ones(conference, fresh_renders):
    people = [
        pre_registered(conference, 1, is_member=True),
        pre_registered(
            conference,
            2,
            is_member=False,
            salutation="frau",
            academic_title="Dr.",
            last_name="O'Brien-Weiß",
            organisation='Amt für "Jugend" & <Soziales>',
        ),
        pre_registered(
            conference, 3, is_member=True, member_number="4711", position="Sozialplanung", note="Komme später"
        ),
    ]
    english = Client()
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    pages = [(Client(), binding_url(person)) for person in people]
    pages += [
        (english, binding_url(people[0])),
        (Client(), direct_url(conference)),
        (english, direct_url(conference)),
    ]
    fresh = []
    for client, url in pages:
        forms_binding._FIELD_HTML.clear()
        fresh.append(the_form(client, url))
    assert "Komme später" in fresh[2] and "Sozialplanung" in fresh[2]
    assert 'value="O&#x27;Brien-Weiß"' in fresh[1]
    assert 'value="Amt für &quot;Jugend&quot; &amp; &lt;Soziales&gt;"' in fresh[1]
    assert "Abendveranstaltungen" in fresh[0] and "Evening events" not in fresh[0]

    forms_binding._FIELD_HTML.clear()
    for _round in range(2):
        fresh_renders.clear()
        for (client, url), expected in zip(pages, fresh, strict=True):
            assert the_form(client, url) == expected
    # In the second round only the note (a textarea with text) and the hidden terms
    # version were rendered again; typed text in inputs was put into cached HTML.
    assert sorted(set(fresh_renders)) == ["note", "terms_version"]
    assert len(fresh_renders) == 1 + 6


def test_personal_data_never_enters_the_field_cache(client, conference):
    person = pre_registered(
        conference,
        7,
        is_member=True,
        first_name="Xaverine",
        last_name="Quendelbaum",
        organisation="Amt Zwergenhausen",
        position="Leitung Quartiersarbeit",
        member_number="M-99117",
        academic_title="Dr. h. c. mult.",
    )
    form = the_form(client, binding_url(person))
    secrets = (
        "Xaverine",
        "Quendelbaum",
        person.email,
        "Zwergenhausen",
        "Quartiersarbeit",
        "M-99117",
        "Dr. h. c. mult.",
    )
    for secret in secrets:
        assert secret in form
    assert len(forms_binding._FIELD_HTML) > 15
    cached = "".join(forms_binding._FIELD_HTML.values())
    for secret in secrets:
        assert secret not in cached
    assert forms_binding._TYPED_VALUE in cached  # the inputs are kept, with a placeholder


def test_a_workshop_filling_up_shows_in_the_next_form(client, conference):
    full = conference.workshop_phases.get().workshops.get(title="Sozialraum")
    assert "ausgebucht" not in the_form(client, direct_url(conference))
    workshops.choose_workshops(
        registration=RegistrationFactory(conference=conference), choices={full.phase_id: full.pk}
    )
    form = the_form(client, direct_url(conference))
    assert "Sozialraum – ausgebucht" in form
    radio = form[form.index(f'value="{full.pk}"') - 200 : form.index(f'value="{full.pk}"') + 100]
    assert "disabled" in radio


def test_a_form_with_errors_is_rendered_fresh(client, conference, fresh_renders):
    person = pre_registered(conference, 1, is_member=True)
    the_form(client, binding_url(person))
    fresh_renders.clear()
    response = client.post(binding_url(person), {"first_name": "Ada", "billing_recipient": "employer"})
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()
    assert "billing_street" in fresh_renders and "terms_accepted" in fresh_renders


def test_binding_form_of_a_pre_registered_person_runs_seven_queries(
    client, conference, django_assert_num_queries
):
    person = pre_registered(conference, 1, is_member=True)
    client.get(binding_url(person))  # the first visit records version 1 of the terms
    # registration with conference, choose phases, workshops with seat counts, moderators,
    # offered evening events, current terms, the person's evening events
    with django_assert_num_queries(7):
        assert client.get(binding_url(person)).status_code == 200
    for number in (2, 3):
        WorkshopFactory(phase=WorkshopPhaseFactory(conference=conference, number=number))
    ProgrammeItemFactory(conference=conference, kind=ProgrammeItem.Kind.EVENING, requires_signup=True)
    with django_assert_num_queries(7):
        assert client.get(binding_url(person)).status_code == 200

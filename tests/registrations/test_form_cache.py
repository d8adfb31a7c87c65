"""The empty pre-registration form is rendered once per language and then taken from the cache."""

import re

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from core.templatetags import vsop_forms
from tests.factories import ConferenceFactory

from .test_views import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def crispy_renders(monkeypatch):
    calls = []
    real = vsop_forms.render_crispy_form

    def counting(form, *args, **kwargs):
        calls.append(form.is_bound)
        return real(form, *args, **kwargs)

    monkeypatch.setattr(vsop_forms, "render_crispy_form", counting)
    return calls


def form_url(conference):
    return reverse("registrations:pre_register", kwargs={"slug": conference.slug})


def the_form(html):
    """The fields between the page's <form> and </form>, without the per-visitor tokens."""
    form = re.search(r'<form method="post"[^>]*>(.*?)</form>', html, re.S).group(1)
    form = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", form)
    # A new submission token per visit too (core/forms/submission.py), outside the cached HTML.
    form = re.sub(r'name="submission_token" value="[^"]+"', 'name="submission_token"', form)
    return " ".join(form.split())  # the two pages indent the form differently


def test_the_empty_form_is_rendered_once_and_then_served_from_the_cache(crispy_renders):
    conference = ConferenceFactory()
    first = Client().get(form_url(conference)).content.decode()
    second = Client().get(form_url(conference)).content.decode()
    conference_page = Client().get(conference.get_absolute_url()).content.decode()

    assert crispy_renders == [False]
    assert the_form(second) == the_form(first)
    assert the_form(conference_page) == the_form(first)
    assert 'name="first_name"' in the_form(first)
    assert "Unverbindlich voranmelden" in the_form(first)


def test_the_cached_form_is_what_crispy_renders(crispy_renders):
    conference = ConferenceFactory()
    Client().get(form_url(conference))
    cached = the_form(Client().get(form_url(conference)).content.decode())
    cache.clear()

    fresh = the_form(Client().get(form_url(conference)).content.decode())

    assert cached == fresh
    assert crispy_renders == [False, False]


def test_a_form_with_errors_is_rendered_fresh_and_its_input_never_reaches_others(crispy_renders):
    conference = ConferenceFactory()
    Client().get(form_url(conference))

    response = Client().post(form_url(conference), form_data(email="kein-at-zeichen", first_name="Geheim"))
    html = response.content.decode()
    assert "Bitte geben Sie eine gültige E-Mail-Adresse ein." in html
    assert 'value="Geheim"' in html
    assert crispy_renders == [False, True]

    other = Client().get(form_url(conference)).content.decode()
    assert "Geheim" not in other
    assert "gültige E-Mail-Adresse" not in other
    assert crispy_renders == [False, True]


def test_german_and_english_are_cached_separately():
    conference = ConferenceFactory()
    german = the_form(Client().get(form_url(conference)).content.decode())
    english_client = Client()
    english_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = the_form(english_client.get(form_url(conference)).content.decode())

    assert "Vorname" in german
    assert "Vorname" not in english
    assert "First name" in english
    assert "Vorname" in the_form(Client().get(form_url(conference)).content.decode())

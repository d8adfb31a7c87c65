"""The programme is cached per conference and language and refreshed on every change.

Anonymous visitors get the whole page from the cache (core/pagecache.py, more in
tests/project/test_page_cache.py); staff, visitors with a pending message and a page
rendered after a change elsewhere on it get it rendered around the cached programme days.
"""

import pytest
from django.conf import settings
from django.contrib import messages
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import formats, timezone, translation

from core import pagecache
from programme import views
from tests.factories import (
    AppearanceFactory,
    ConferenceFactory,
    DiscussionGroupFactory,
    PersonFactory,
    ProgrammeItemFactory,
    WorkshopFactory,
    WorkshopModeratorFactory,
    WorkshopPhaseFactory,
)

pytestmark = pytest.mark.django_db


def programme_url(conference):
    return reverse("programme:programme", kwargs={"slug": conference.slug})


def page(client, conference):
    response = client.get(programme_url(conference))
    assert response.status_code == 200
    return response.content.decode()


def test_second_request_renders_the_days_from_the_cache(client, django_assert_num_queries):
    conference = ConferenceFactory()
    AppearanceFactory(item=ProgrammeItemFactory(conference=conference, title="Eröffnungsvortrag"))

    # conference, items, appearances with people (no workshop phase: nothing more to prefetch),
    # and what bounds how long the whole page is kept (conferences' dates, holds)
    with django_assert_num_queries(5):
        first = page(client, conference)
    # the whole page comes from the cache: nothing is read
    with django_assert_num_queries(0):
        assert page(client, conference) == first
    # the whole page is gone (the places changed, say): the days still come from their cache
    cache.delete(pagecache._page_key(RequestFactory().get(programme_url(conference))))
    with django_assert_num_queries(3):
        second = page(client, conference)

    assert "Eröffnungsvortrag" in second
    assert second == first
    assert "csrfmiddlewaretoken" not in second


def test_anonymous_visitors_get_the_whole_page_from_the_cache(client, monkeypatch):
    conference = ConferenceFactory()
    ProgrammeItemFactory(conference=conference, title="Eröffnungsvortrag")
    first = page(client, conference)

    monkeypatch.setattr(views, "render", fail_to_render)
    assert page(Client(), conference) == first


def fail_to_render(*args, **kwargs):
    raise AssertionError("the page was rendered, not taken from the cache")


def test_staff_never_get_the_cached_page(client, admin_client, monkeypatch):
    conference = ConferenceFactory()
    ProgrammeItemFactory(conference=conference, title="Eröffnungsvortrag")
    page(client, conference)
    rendered = []
    real_render = views.render
    monkeypatch.setattr(views, "render", lambda *a, **kw: rendered.append(1) or real_render(*a, **kw))

    staff_html = page(admin_client, conference)

    assert rendered == [1]
    assert "Eröffnungsvortrag" in staff_html


def test_a_pending_message_is_shown_and_never_cached(client, monkeypatch):
    conference = ConferenceFactory()
    ProgrammeItemFactory(conference=conference, title="Eröffnungsvortrag")
    page(client, conference)

    with_message = Client()
    with_message.cookies[CookieStorage.cookie_name] = CookieStorage(RequestFactory().get("/"))._encode(
        [Message(messages.INFO, "Nur für diese Person")]
    )
    html = page(with_message, conference)
    assert "Nur für diese Person" in html
    assert "Eröffnungsvortrag" in html

    monkeypatch.setattr(views, "render", fail_to_render)
    assert "Nur für diese Person" not in page(Client(), conference)


def test_a_url_with_a_query_string_is_rendered_fresh(client, monkeypatch):
    conference = ConferenceFactory()
    page(client, conference)
    rendered = []
    real_render = views.render
    monkeypatch.setattr(views, "render", lambda *a, **kw: rendered.append(1) or real_render(*a, **kw))

    response = client.get(programme_url(conference), {"next": "<b>x</b>"})

    assert response.status_code == 200
    assert rendered == [1]


def test_a_changed_programme_item_shows_on_the_next_request(client):
    conference = ConferenceFactory()
    item = ProgrammeItemFactory(conference=conference, title="Alter Titel")
    assert "Alter Titel" in page(client, conference)

    item.title = "Neuer Titel"
    item.save()

    html = page(client, conference)
    assert "Neuer Titel" in html
    assert "Alter Titel" not in html


def test_a_deleted_programme_item_disappears(client):
    conference = ConferenceFactory()
    ProgrammeItemFactory(conference=conference, title="Bleibt")
    gone = ProgrammeItemFactory(conference=conference, title="Fällt aus")
    assert "Fällt aus" in page(client, conference)

    gone.delete()

    html = page(client, conference)
    assert "Fällt aus" not in html
    assert "Bleibt" in html


def test_a_renamed_speaker_shows_on_the_next_request(client):
    conference = ConferenceFactory()
    person = PersonFactory(first_name="Erika", last_name="Muster")
    AppearanceFactory(item=ProgrammeItemFactory(conference=conference), person=person)
    assert "Erika Muster" in page(client, conference)

    person.last_name = "Beispiel"
    person.save()

    assert "Erika Beispiel" in page(client, conference)


def test_a_new_workshop_moderator_shows_on_the_next_request(client):
    conference = ConferenceFactory()
    phase = WorkshopPhaseFactory(conference=conference)
    ProgrammeItemFactory(conference=conference, workshop_phase=phase)
    workshop = WorkshopFactory(phase=phase, title="Workshop Quartier")
    assert "Workshop Quartier" in page(client, conference)

    WorkshopModeratorFactory(
        workshop=workshop, person=PersonFactory(first_name="Moritz", last_name="Moderator")
    )

    assert "Moritz Moderator" in page(client, conference)


def test_a_discussion_group_moderator_added_in_the_admin_shows_on_the_next_request(client):
    conference = ConferenceFactory()
    group = DiscussionGroupFactory(phase__conference=conference, name="Gruppe Nord")
    group.moderators.add(PersonFactory(first_name="Greta", last_name="Gruppe"))
    ProgrammeItemFactory(conference=conference, workshop_phase=group.phase)
    assert "Greta Gruppe" in page(client, conference)

    group.moderators.add(PersonFactory(first_name="Hanna", last_name="Hinzu"))

    assert "Hanna Hinzu" in page(client, conference)


def test_english_and_german_are_cached_separately(client):
    conference = ConferenceFactory()
    item = ProgrammeItemFactory(conference=conference)
    day = timezone.localdate(item.starts_at)
    with translation.override("de"):
        german_day = formats.date_format(day, "l")
    with translation.override("en"):
        english_day = formats.date_format(day, "l")
    assert german_day != english_day

    assert german_day in page(client, conference)
    english = Client()
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english_html = page(english, conference)
    assert english_day in english_html
    assert german_day not in english_html
    assert german_day in page(client, conference)


def test_a_staff_preview_of_an_unpublished_programme_is_not_served_to_the_public(client, admin_client):
    conference = ConferenceFactory(programme_published=False)
    ProgrammeItemFactory(conference=conference, title="Noch geheim")

    assert "Noch geheim" in page(admin_client, conference)
    assert "Noch geheim" in page(admin_client, conference)

    public = page(client, conference)
    assert "Noch geheim" not in public
    assert "Das ausführliche Programm ist noch nicht veröffentlicht." in public

    conference.programme_published = True
    conference.save()
    assert "Noch geheim" in page(client, conference)


def test_a_staff_preview_is_never_stored(admin_client, django_assert_num_queries):
    conference = ConferenceFactory(programme_published=False)
    ProgrammeItemFactory(conference=conference, title="Entwurf")
    page(admin_client, conference)

    # session, user, conference, then items and appearances again: nothing came from the cache
    with django_assert_num_queries(5):
        assert "Entwurf" in page(admin_client, conference)

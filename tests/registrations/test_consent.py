"""Versioned consent texts: one row per version, also when many forms ask for it at once."""

import pytest
from django.core.cache import cache
from django.db import IntegrityError, transaction

from registrations.domain import consent
from registrations.domain.consent import accepted_terms, current_privacy_text, current_terms
from registrations.models import ConsentText, Registration
from tests.factories import ConferenceFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def test_an_unchanged_text_is_read_with_one_query_and_no_lock(django_assert_num_queries):
    conference = ConferenceFactory()
    first = current_terms(conference)  # its transaction (the test's) never commits: nothing cached

    with django_assert_num_queries(1) as captured:
        again = current_terms(conference)

    assert again == first
    assert "FOR UPDATE" not in captured.captured_queries[0]["sql"]


def test_once_committed_an_unchanged_text_comes_from_the_cache_without_a_query(
    django_assert_num_queries, django_capture_on_commit_callbacks
):
    conference = ConferenceFactory()
    with django_capture_on_commit_callbacks(execute=True):
        first = current_terms(conference)

    with django_assert_num_queries(0):
        again = current_terms(conference)

    assert (again.pk, again.version, again.body) == (first.pk, 1, first.body)


def test_a_changed_text_is_not_served_from_the_cache_and_its_new_version_replaces_it(
    django_assert_num_queries, django_capture_on_commit_callbacks
):
    conference = ConferenceFactory()
    with django_capture_on_commit_callbacks(execute=True):
        current_terms(conference)

    conference.payment_terms = "Neue Bedingungen"
    with django_capture_on_commit_callbacks(execute=True):
        second = current_terms(conference)
    with django_assert_num_queries(0):
        again = current_terms(conference)

    assert (second.version, again.pk, again.body) == (2, second.pk, "Neue Bedingungen")


def test_a_version_created_in_a_transaction_that_rolls_back_is_never_cached(
    django_capture_on_commit_callbacks,
):
    conference = ConferenceFactory()
    conference.payment_terms = "Nie gültig"
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            current_terms(conference)
            raise RuntimeError
    assert callbacks == []
    assert not ConsentText.objects.filter(conference=conference).exists()
    # Nothing of the rolled-back row reached the cache: the next reader creates and stores its own.
    assert cache.get(consent._cache_key(ConsentText.Kind.TERMS, conference.pk)) is None

    again = current_terms(conference)
    assert again.version == 1
    assert ConsentText.objects.filter(pk=again.pk).exists()


def test_a_deleted_text_leaves_the_cache(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = current_privacy_text()
    ConsentText.objects.filter(pk=first.pk).delete()  # e.g. removed in the admin

    again = current_privacy_text()

    assert again.pk != first.pk
    assert ConsentText.objects.filter(pk=again.pk).exists()


def test_a_changed_text_becomes_the_next_version_and_the_old_one_stays(django_assert_num_queries):
    conference = ConferenceFactory()
    first = current_terms(conference)

    conference.payment_terms = "Neue Bedingungen"
    conference.save()
    second = current_terms(conference)

    assert (first.version, second.version) == (1, 2)
    assert second.body == "Neue Bedingungen"
    assert ConsentText.objects.filter(conference=conference).count() == 2


def test_a_text_for_all_conferences_cannot_have_a_version_twice():
    ConsentText.objects.create(kind=ConsentText.Kind.PRIVACY, version=1, body="A")
    with pytest.raises(IntegrityError), transaction.atomic():
        ConsentText.objects.create(kind=ConsentText.Kind.PRIVACY, version=1, body="B")


def test_the_accepted_terms_come_from_the_cache_while_they_are_the_current_version(
    django_assert_num_queries, django_capture_on_commit_callbacks
):
    conference = ConferenceFactory()
    with django_capture_on_commit_callbacks(execute=True):
        terms = current_terms(conference)
    registration = RegistrationFactory(conference=conference, terms_consent=terms)
    registration = Registration.objects.get(pk=registration.pk)

    with django_assert_num_queries(0):
        assert accepted_terms(registration) == terms


def test_earlier_accepted_terms_are_read_from_the_database(
    django_assert_num_queries, django_capture_on_commit_callbacks
):
    conference = ConferenceFactory()
    first = current_terms(conference)
    registration = RegistrationFactory(conference=conference, terms_consent=first)
    conference.payment_terms = "Neue Bedingungen"
    with django_capture_on_commit_callbacks(execute=True):
        current_terms(conference)
    registration = Registration.objects.get(pk=registration.pk)

    with django_assert_num_queries(1):
        accepted = accepted_terms(registration)

    assert (accepted.pk, accepted.version) == (first.pk, 1)

"""Versioned consent texts: one row per version, also when many forms ask for it at once."""

import pytest
from django.db import IntegrityError, transaction

from registrations.domain.consent import current_terms
from registrations.models import ConsentText
from tests.factories import ConferenceFactory

pytestmark = pytest.mark.django_db


def test_an_unchanged_text_is_read_with_one_query_and_no_lock(django_assert_num_queries):
    conference = ConferenceFactory()
    first = current_terms(conference)

    with django_assert_num_queries(1) as captured:
        again = current_terms(conference)

    assert again == first
    assert "FOR UPDATE" not in captured.captured_queries[0]["sql"]


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

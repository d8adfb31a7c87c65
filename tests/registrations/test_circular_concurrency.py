"""A Rundschreiben confirmed twice at the same moment (a double click, two tabs): one record, one mail each."""

from registrations.domain import circulars
from registrations.models import Circular, OutgoingMail, Registration
from tests.factories import ConferenceFactory, RegistrationFactory

from .race import POSTGRES_RACE, at_once

pytestmark = POSTGRES_RACE


def _send(conference, key):
    return circulars.send_circular(
        conference=conference,
        subject="Raumänderung",
        body="{{ anrede }}\n\nRaum 4",
        registrations=Registration.objects.filter(conference=conference),
        author=None,
        submission_key=key,
    )


def test_the_same_confirmation_posted_four_times_at_once_sends_once():
    conference = ConferenceFactory()
    RegistrationFactory.create_batch(3, conference=conference)

    results, errors = at_once(lambda key: _send(conference, key), ["same"] * 4)

    assert errors == []
    assert sorted(created for _circular, created in results) == [False, False, False, True]
    assert Circular.objects.count() == 1
    assert OutgoingMail.objects.filter(kind="circular").count() == 3


def test_control_without_the_one_time_key_the_same_text_goes_out_twice():
    """What the key prevents: two confirmations with keys of their own are two Rundschreiben."""
    conference = ConferenceFactory()
    RegistrationFactory.create_batch(3, conference=conference)

    results, errors = at_once(lambda key: _send(conference, key), ["first", "second"])

    assert errors == []
    assert Circular.objects.count() == 2
    assert OutgoingMail.objects.filter(kind="circular").count() == 6

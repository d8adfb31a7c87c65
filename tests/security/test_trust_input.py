"""Issue 14, findings 5–7: office texts escaped, subjects plain, no 500 from odd bodies or long values."""

import io

import pytest
from django.core import mail
from django.test import Client

from registrations.domain import lifecycle, outbox
from registrations.domain.membership import MemberImportError, parse_member_list
from registrations.models import OutgoingMail
from tests.factories import (
    ConferenceFactory,
    WorkshopFactory,
    WorkshopPhaseFactory,
    pre_registered,
)
from tests.guards import url_or_fail

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("leitfrage")</script>'


@pytest.fixture
def conference():
    conference = ConferenceFactory(title="Stadt & Land <gemeinsam>")
    phase = WorkshopPhaseFactory(conference=conference, number=1, guiding_question=SCRIPT)
    WorkshopFactory(phase=phase, title="Beteiligung")
    return conference


def test_the_guiding_question_is_escaped_on_the_binding_form(client, conference):
    page = client.get(url_or_fail("registrations:binding_register", slug=conference.slug)).content.decode()
    assert SCRIPT not in page
    assert "&lt;script&gt;alert(&quot;leitfrage&quot;)&lt;/script&gt;" in page


def test_the_guiding_question_is_escaped_on_the_workshop_page(client, conference):
    registration = pre_registered(conference)
    registration = lifecycle.register_binding(
        conference=conference, registration=registration, data=_binding_data()
    )[0]
    url = url_or_fail("registrations:personal_workshops", token=registration.token)
    page = client.get(url).content.decode()
    assert SCRIPT not in page
    assert "&lt;script&gt;alert(&quot;leitfrage&quot;)&lt;/script&gt;" in page


def _binding_data(n=1):
    from tests.factories import binding_data

    return binding_data(n)


def test_mail_subjects_are_plain_text(conference):
    registration = pre_registered(conference)
    sent = OutgoingMail.objects.filter(registration=registration).get()
    assert "Stadt & Land <gemeinsam>" in sent.subject
    assert "&amp;" not in sent.subject


def test_a_subject_longer_than_its_column_is_cut_at_a_word():
    subject = outbox.fit_subject("Nachgerückt: " + "Sehr langer Workshoptitel " * 30)
    assert len(subject) <= OutgoingMail._meta.get_field("subject").max_length
    assert subject.endswith("Workshoptitel…")


def test_moving_up_into_a_workshop_with_a_very_long_title_sends_its_mail(conference):
    from registrations.domain import workshops

    phase = conference.workshop_phases.get()
    workshop = phase.workshops.get()
    workshop.title = ("Beteiligung " + "und Teilhabe " * 25)[:300]  # the longest title the field takes
    workshop.seat_limit = 1
    workshop.save()
    first = lifecycle.register_binding(
        conference=conference, registration=pre_registered(conference, 1), data=_binding_data()
    )[0]
    second = lifecycle.register_binding(
        conference=conference, registration=pre_registered(conference, 2), data=_binding_data(2)
    )[0]
    workshops.choose_workshops(registration=first, choices={phase.pk: workshop.pk})
    workshops.choose_workshops(registration=second, choices={phase.pk: workshop.pk}, join_waiting_list=True)
    mail.outbox.clear()
    lifecycle.cancel(registration=first)
    assert second.workshop_bookings.get(phase=phase).workshop == workshop
    moved = OutgoingMail.objects.filter(registration=second, kind="workshop_moved_up").get()
    assert len(moved.subject) <= 300


@pytest.mark.parametrize("charset", ["latin-1", "utf-16"])
def test_a_post_in_an_undecodable_charset_is_a_400_not_a_500(conference, charset):
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    url = url_or_fail("registrations:pre_register", slug=conference.slug)
    client.get(url)  # the CSRF cookie: with it the CSRF check reads the body
    response = client.generic(
        "POST",
        url,
        data=b"first_name=J\xf6rg&email=\xff\xfe&x=\xd8\x00",
        content_type=f"application/x-www-form-urlencoded; charset={charset}",
    )
    assert response.status_code in {400, 403}
    assert "Ein Fehler ist aufgetreten" not in response.content.decode("utf-8", "replace")


def test_a_member_list_row_with_an_overlong_e_mail_is_refused_by_line():
    email = "a" * 64 + "@" + ".".join(["b" * 60] * 4) + ".de"
    assert 255 <= len(email) <= 320
    content = f"Mitgliedsnummer;Name;E-Mail\n1;Anna Beispiel;{email}\n".encode()
    with pytest.raises(MemberImportError) as refused:
        parse_member_list(io.BytesIO(content))
    assert refused.value.errors == ["Zeile 2: E-Mail-Adresse ist länger als 254 Zeichen."]

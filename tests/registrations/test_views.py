import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from registrations.domain import lifecycle
from registrations.models import Registration
from tests.factories import ConferenceFactory, pre_registration_data

pytestmark = pytest.mark.django_db


def form_data(**extra):
    return {
        "salutation": "frau",
        "academic_title": "Prof. Dr.",
        "first_name": "Zoë",
        "last_name": "D'Alembert-Özdemir",
        "email": "zoe@example.org",
        "organisation": "Landkreis Göttingen",
        "position": "Sozialplanung",
        "is_member": "on",
        "member_number": "77",
        "note": "Vegetarisch.\nDanke!",
        "privacy_consent": "on",
        "website": "",
        **extra,
    }


def url(conference):
    return reverse("registrations:pre_register", kwargs={"slug": conference.slug})


def test_pre_registration_form_stores_and_redirects_to_thanks(client, django_capture_on_commit_callbacks):
    conference = ConferenceFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(conference), form_data())
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "registrations:pre_register_done", kwargs={"slug": conference.slug}
    )
    registration = Registration.objects.get()
    assert registration.last_name == "D'Alembert-Özdemir"
    assert registration.first_name == "Zoë"
    assert registration.member_number == "77"
    page = client.get(response["Location"])
    assert "Wir haben Ihnen eine E-Mail geschickt" in page.content.decode()  # the same for every address
    page = client.get(registration.get_absolute_url())  # the place shows behind the mailed link
    assert "ein Platz ist für Sie reserviert" in page.content.decode()
    assert len(mail.outbox) == 1


def test_thanks_page_shows_the_waiting_list_position(client):
    conference = ConferenceFactory(places=1)
    lifecycle.pre_register(conference=conference, data=pre_registration_data())
    response = client.post(url(conference), form_data(), follow=True)
    assert "Wir haben Ihnen eine E-Mail geschickt" in response.content.decode()  # the same for every address
    response = client.get(Registration.objects.get(email="zoe@example.org").get_absolute_url())
    assert "Warteliste auf Platz 1" in response.content.decode()


def test_repeat_pre_registration_says_the_link_was_sent_again_and_reveals_nothing(
    client, django_capture_on_commit_callbacks
):
    conference = ConferenceFactory()
    client.post(url(conference), form_data())
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url(conference),
            form_data(first_name="ZOË", organisation="Anderswo", email="ZOE@example.org"),
            follow=True,
        )
    content = response.content.decode()
    assert "Wir haben Ihnen eine E-Mail geschickt" in content  # exactly what a new address gets
    assert "bereits Ihre Anmeldung" in mail.outbox[0].body  # what differs is in the mail
    assert "Landkreis Göttingen" not in content
    assert "Anderswo" not in content
    assert Registration.objects.count() == 1
    assert mail.outbox[0].to == ["zoe@example.org"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "keine-adresse", "gültige E-Mail-Adresse"),
        ("last_name", "x" * 101, "höchstens 100 Zeichen"),
        ("first_name", "Anna\x00", "Steuerzeichen"),
        ("organisation", "Stadt\r\nBcc: x@y.z", "Steuerzeichen"),
        ("first_name", "", "Bitte füllen Sie dieses Feld aus."),
        ("privacy_consent", "", "Datenschutzhinweis zu"),
        ("last_name", "<script>alert(1)</script>", "nur Buchstaben"),
    ],
)
def test_bad_input_gets_a_german_error_and_stores_nothing(client, field, value, message):
    conference = ConferenceFactory()
    response = client.post(url(conference), form_data(**{field: value}))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Registration.objects.count() == 0


def test_markup_typed_into_a_free_text_field_is_escaped(client):
    conference = ConferenceFactory()
    client.post(url(conference), form_data(organisation="<b>Stadt</b> & Co"))
    registration = Registration.objects.get()
    page = client.get(registration.get_absolute_url())
    content = page.content.decode()
    assert "&lt;b&gt;Stadt&lt;/b&gt; &amp; Co" in content
    assert "<b>Stadt</b>" not in content


def test_honeypot_blocks_bots(client):
    conference = ConferenceFactory()
    response = client.post(url(conference), form_data(website="http://spam.example"))
    assert response.status_code == 400
    assert Registration.objects.count() == 0


def test_too_many_posts_from_one_address_get_429(client, settings):
    settings.RATE_LIMIT_POSTS = 3
    conference = ConferenceFactory()
    statuses = [
        client.post(url(conference), form_data(email=f"p{n}@example.org")).status_code for n in range(4)
    ]
    assert statuses == [302, 302, 302, 429]
    assert Registration.objects.count() == 3


def test_form_is_closed_after_the_deadline_with_reason_and_contact(client):
    conference = ConferenceFactory(pre_registration_deadline=timezone.localdate() - dt.timedelta(days=2))
    response = client.get(url(conference))
    content = response.content.decode()
    assert "abgelaufen" in content
    assert conference.contact in content
    response = client.post(url(conference), form_data())
    assert response.status_code == 409
    assert Registration.objects.count() == 0


def test_draft_conference_form_is_404_for_the_public(client):
    conference = ConferenceFactory(status="draft")
    assert client.get(url(conference)).status_code == 404


def make_registration(**kwargs):
    conference = kwargs.pop("conference", None) or ConferenceFactory()
    registration, _ = lifecycle.pre_register(
        conference=conference,
        data=pre_registration_data(
            **{"first_name": "Ina", "email": "ina@example.org", "organisation": "Stadt Köln", **kwargs}
        ),
    )
    return registration


def test_personal_page_shows_status_to_the_token_holder(client):
    registration = make_registration()
    response = client.get(registration.get_absolute_url())
    assert response.status_code == 200
    assert "ein Platz ist für Sie reserviert" in response.content.decode()
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.parametrize("suffix", ["", "daten/", "stornieren/", "bestaetigung.pdf"])
def test_wrong_or_unknown_token_gets_the_same_404(client, suffix):
    registration = make_registration()
    wrong = registration.token[:-1] + ("A" if registration.token[-1] != "A" else "B")
    for token in (wrong, "x" * 43, "short", str(registration.pk)):
        assert client.get(f"/anmeldung/{token}/{suffix}").status_code == 404


def test_tokens_are_long_and_random():
    first = make_registration()
    second = make_registration(email="other@example.org")
    assert len(first.token) >= 43  # 32 bytes = 256 bits
    assert first.token != second.token


def test_person_corrects_their_data(client):
    registration = make_registration()
    response = client.post(
        reverse("registrations:personal_edit", kwargs={"token": registration.token}),
        {
            "salutation": "herr",
            "first_name": "Ingo",
            "last_name": "Beispiel",
            "email": "ingo@example.org",
            "organisation": "Stadt Köln",
            "position": "Leitung",
        },
    )
    assert response.status_code == 302
    registration.refresh_from_db()
    assert (registration.first_name, registration.email, registration.position) == (
        "Ingo",
        "ingo@example.org",
        "Leitung",
    )


def test_person_cancels_and_the_waiting_list_moves_up(client, django_capture_on_commit_callbacks):
    conference = ConferenceFactory(places=1)
    registration = make_registration(conference=conference)
    waiting, _ = lifecycle.pre_register(
        conference=conference, data=pre_registration_data(2, email="w@example.org")
    )
    cancel_url = reverse("registrations:personal_cancel", kwargs={"token": registration.token})
    assert client.post(cancel_url, {}).status_code == 200  # confirmation required
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(cancel_url, {"confirm": "on"})
    assert response.status_code == 302
    registration.refresh_from_db()
    waiting.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED
    assert waiting.status == Registration.Status.HOLDS_PLACE
    assert {m.to[0] for m in mail.outbox} >= {"ina@example.org", "w@example.org"}


def test_confirmation_pdf_for_the_travel_approval(client):
    registration = make_registration()
    response = client.get(
        reverse("registrations:personal_confirmation_pdf", kwargs={"token": registration.token})
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")

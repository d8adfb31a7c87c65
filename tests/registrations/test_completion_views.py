"""The wiring of the rule for a registered address (issue 15, defect 1) and of the double submit
(defect 4): the public pages, the mailed link that applies what was typed, the hidden token."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from core.redaction import redact_personal_links
from registrations.domain import lifecycle
from registrations.models import Invoice, OutgoingMail, PendingCompletion, Registration
from tests.factories import ConferenceFactory
from tests.registrations.test_binding_views import direct_url, personal_binding_url, pre
from tests.registrations.test_binding_views import form_data as binding_form
from tests.registrations.test_views import form_data as pre_form

pytestmark = pytest.mark.django_db

TOKEN_RE = re.compile(r'name="submission_token" value="([A-Za-z0-9_-]+)"')


@pytest.fixture
def conference():
    return ConferenceFactory(places=3, payment_terms="Zahlbar binnen 14 Tagen nach Rechnungsdatum.")


def ada_binding_form(**extra):
    """The binding form as Ada, pre-registered already, fills it in again on the conference page."""
    return binding_form(first_name="Ada", last_name="Vorab", email="ada1@example.org", **extra)


def answer(data, url):
    """What a visitor with a fresh browser sees after posting: status, where it leads, that page."""
    client = Client()
    response = client.post(url, data)
    page = client.get(response["Location"]) if response.status_code == 302 else response
    return response.status_code, response.get("Location"), page.status_code, page.content.decode()


def completion_url(completion):
    return reverse("registrations:completion", kwargs={"completion_token": completion.token})


def token_of(page):
    return TOKEN_RE.search(page).group(1)


# ---------------------------------------------------------------- the public pages


def test_known_and_unknown_addresses_get_the_same_page_from_the_binding_form(conference):
    lifecycle.confirm_address(registration=pre(conference))
    known = answer(ada_binding_form(), direct_url(conference))
    unknown = answer(binding_form(email="neu@example.org", first_name="Nora"), direct_url(conference))
    assert known == unknown
    status, _location, _page_status, page = known
    assert status == 302
    assert "Bitte prüfen Sie Ihr Postfach" in page
    assert "Vielen Dank" not in page
    assert "Ada" not in page and "Nora" not in page
    assert PendingCompletion.objects.count() == 1  # the known address's input is kept


def test_known_and_unknown_addresses_get_the_same_page_from_the_pre_registration_form(conference):
    pre_url = reverse("registrations:pre_register", kwargs={"slug": conference.slug})
    answer(pre_form(), pre_url)
    known = answer(pre_form(organisation="Kreis Lippe"), pre_url)
    unknown = answer(pre_form(email="neu@example.org", first_name="Nora"), pre_url)
    assert known == unknown
    assert "Bitte prüfen Sie Ihr Postfach" in known[3]
    assert PendingCompletion.objects.get().data["organisation"] == "Kreis Lippe"


def test_the_binding_form_of_a_known_address_mails_the_owner_a_link_to_apply_it(
    conference, django_capture_on_commit_callbacks
):
    lifecycle.confirm_address(registration=pre(conference))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(direct_url(conference), ada_binding_form())
    completion = PendingCompletion.objects.get()
    assert [m.to for m in mail.outbox] == [["ada1@example.org"]]
    message = mail.outbox[0]
    assert message.subject.startswith("Bitte bestätigen: Ihre Angaben zur Anmeldung")
    assert (
        f"http://testserver{completion_url(completion)}" in message.body
        or completion_url(completion) in message.body
    )
    assert completion.token not in redact_personal_links(message.body)  # the office sees it masked


# ---------------------------------------------------------------- the mailed link


def test_the_link_shows_what_changes_and_a_get_applies_nothing(client, conference):
    registration = lifecycle.confirm_address(registration=pre(conference))
    Client().post(direct_url(conference), ada_binding_form())
    response = client.get(completion_url(PendingCompletion.objects.get()))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Sie melden sich damit verbindlich an." in page
    assert "250,00\xa0€" in page  # Ada is a member
    assert "Amt für Soziales" in page
    assert "Übernehmen und verbindlich anmelden" in page
    assert '<meta name="robots" content="noindex, nofollow">' in page
    registration.refresh_from_db()
    assert registration.stage == Registration.Stage.PRE


def test_one_click_applies_the_typed_data_as_a_binding_registration(
    client, conference, django_capture_on_commit_callbacks
):
    registration = lifecycle.confirm_address(registration=pre(conference))
    Client().post(direct_url(conference), ada_binding_form())
    completion = PendingCompletion.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(completion_url(completion))
    assert response.status_code == 302
    assert response["Location"] == registration.get_absolute_url()
    registration.refresh_from_db()
    assert registration.is_binding and registration.holds_place
    assert registration.billing_department == "Amt für Soziales"
    assert registration.billing_street == "Willy-Brandt-Platz 2"
    assert Invoice.objects.filter(registration=registration).count() == 1
    page = client.get(response["Location"]).content.decode()
    assert "Ihre Angaben wurden übernommen: Sie sind verbindlich angemeldet." in page


def test_an_applied_link_answers_that_it_was_applied(client, conference):
    lifecycle.confirm_address(registration=pre(conference))
    Client().post(direct_url(conference), ada_binding_form())
    url = completion_url(PendingCompletion.objects.get())
    client.post(url)
    again = client.post(url)
    assert again.status_code == 410
    assert "Diese Angaben haben Sie bereits übernommen." in again.content.decode()
    assert Invoice.objects.count() == 1


def test_an_expired_link_answers_that_it_expired(client, conference, time_machine):
    registration = lifecycle.confirm_address(registration=pre(conference))
    Client().post(direct_url(conference), ada_binding_form())
    completion = PendingCompletion.objects.get()
    time_machine.move_to(completion.expires_at + dt.timedelta(minutes=1))
    response = client.get(completion_url(completion))
    assert response.status_code == 410
    assert "Dieser Link ist abgelaufen" in response.content.decode()
    assert client.post(completion_url(completion)).status_code == 410
    registration.refresh_from_db()
    assert registration.stage == Registration.Stage.PRE


def test_an_unknown_link_is_a_404(client):
    for token in ("x" * 43, "<script>", "kurz"):
        url = reverse("registrations:completion", kwargs={"completion_token": token})
        assert client.get(url).status_code == 404


def test_an_english_owner_gets_the_mail_in_english(conference, django_capture_on_commit_callbacks):
    registration = lifecycle.confirm_address(registration=pre(conference))
    Registration.objects.filter(pk=registration.pk).update(language="en")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(direct_url(conference), ada_binding_form())
    message = mail.outbox[0]
    assert message.subject.startswith("Please confirm: your details for the registration")
    assert "only you do that, with one click" in message.body
    assert "Billing" in message.body or "Invoice" in message.body or "Department" in message.body


# ---------------------------------------------------------------- a double-clicked submit


def test_two_posts_of_one_binding_form_make_one_registration_and_one_set_of_mails(
    conference, django_capture_on_commit_callbacks
):
    client = Client()
    data = binding_form(submission_token=token_of(client.get(direct_url(conference)).content.decode()))
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(direct_url(conference), data)
    sent = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        second = client.post(direct_url(conference), data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Registration.objects.count() == 1
    assert PendingCompletion.objects.count() == 0
    assert sent == 1
    assert len(mail.outbox) == 1


def test_two_posts_of_the_personal_binding_form_answer_the_same(
    conference, django_capture_on_commit_callbacks
):
    registration = lifecycle.confirm_address(registration=pre(conference))
    client = Client()
    page = client.get(personal_binding_url(registration)).content.decode()
    data = ada_binding_form(submission_token=token_of(page))
    del data["privacy_consent"]
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(personal_binding_url(registration), data, follow=True)
        second = client.post(personal_binding_url(registration), data, follow=True)
    for response in (first, second):
        page = response.content.decode()
        assert "Vielen Dank! Sie sind verbindlich angemeldet." in page
        assert "bereits verbindlich angemeldet" not in page
    assert Invoice.objects.count() == 1
    assert OutgoingMail.objects.filter(kind="registration_confirmed").count() == 1


def test_two_posts_for_a_known_address_keep_one_completion_and_send_one_mail(
    conference, django_capture_on_commit_callbacks
):
    lifecycle.confirm_address(registration=pre(conference))
    client = Client()
    data = ada_binding_form(submission_token=token_of(client.get(direct_url(conference)).content.decode()))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(direct_url(conference), data)
        client.post(direct_url(conference), data)
    assert PendingCompletion.objects.count() == 1
    assert len(mail.outbox) == 1


def test_the_forms_disable_their_button_on_submit_and_carry_a_new_token_each_visit(client, conference):
    urls = (
        direct_url(conference),
        reverse("registrations:pre_register", kwargs={"slug": conference.slug}),
        conference.get_absolute_url(),  # the pre-registration box
    )
    for url in urls:
        first, second = (client.get(url).content.decode() for _visit in range(2))
        assert "js/submit_once.js" in first
        assert re.search(r'<form method="post"[^>]*class="[^"]*submit-once', first)
        assert token_of(first) != token_of(second)  # the cached form HTML does not freeze it


def test_the_cached_conference_page_gives_every_visit_its_own_submission_token(conference):
    from core.forms.submission import SUBMISSION_TOKEN_PLACEHOLDER

    pages = [Client().get(conference.get_absolute_url()).content.decode() for _visit in range(3)]
    tokens = {token_of(page) for page in pages}
    assert len(tokens) == 3
    assert SUBMISSION_TOKEN_PLACEHOLDER not in "".join(pages)


def test_the_placeholder_is_never_accepted_as_a_token():
    from core.forms.submission import SUBMISSION_TOKEN_PLACEHOLDER, valid_token

    assert valid_token(SUBMISSION_TOKEN_PLACEHOLDER) == ""
    assert valid_token("a" * 32) == "a" * 32

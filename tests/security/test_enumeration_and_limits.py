"""No enumeration and limits that hold (issue 14, findings 3 and 4)."""

import pytest
from django.core import mail
from django.test import Client, RequestFactory
from django.urls import reverse

from core.ratelimit import is_form_post_limited, is_rate_limited_key
from registrations.models import Registration
from tests.factories import ConferenceFactory
from tests.registrations.test_binding_views import form_data as binding_form
from tests.registrations.test_views import form_data as pre_form

pytestmark = pytest.mark.django_db

FORMS = {
    "pre_register": pre_form,
    "binding_register": binding_form,
}


def answer(conference, name, data):
    """What a visitor sees after posting: status, where it leads, and that page's HTML."""
    client = Client()
    response = client.post(reverse(f"registrations:{name}", kwargs={"slug": conference.slug}), data)
    page = client.get(response["Location"]) if response.status_code == 302 else response
    return response.status_code, response.get("Location"), page.status_code, page.content


@pytest.mark.parametrize("name", list(FORMS))
def test_a_known_address_gets_exactly_the_answer_a_new_one_gets(name, django_capture_on_commit_callbacks):
    conference = ConferenceFactory(payment_terms="AGB")
    make = FORMS[name]
    new = answer(conference, name, make(email="neu@example.org"))
    with django_capture_on_commit_callbacks(execute=True):
        # The same person (issue 15: address and name, rules.personal.person_key), typed differently.
        known = answer(conference, name, make(email="NEU@example.org", organisation="Eve & Co"))
    assert new == known
    assert new[0] == 302
    assert "Wir haben Ihnen eine E-Mail geschickt" in new[3].decode()
    assert "Vielen Dank" not in new[3].decode()
    assert Registration.objects.count() == 1
    assert [m.to for m in mail.outbox] == [["neu@example.org"]]
    assert (
        "Für diese Adresse besteht bereits Ihre Anmeldung" in mail.outbox[0].body
    )  # what differs is in the mail


def test_the_owner_of_a_known_address_learns_that_the_binding_form_was_sent(
    django_capture_on_commit_callbacks,
):
    conference = ConferenceFactory(payment_terms="AGB")
    answer(
        conference,
        "pre_register",
        pre_form(email="joerg@example.org", first_name="Jörg", last_name="O'Brien-Weiß"),
    )
    with django_capture_on_commit_callbacks(execute=True):
        answer(conference, "binding_register", binding_form())
    body = mail.outbox[-1].body
    assert "das Formular „Verbindliche Anmeldung“ abgeschickt" in body
    assert "aufbewahrt, aber noch nicht übernommen" in body
    assert Registration.objects.get().stage == Registration.Stage.PRE  # until the owner applies it


def test_one_address_is_limited_strictly(client, settings):
    conference = ConferenceFactory()
    url = reverse("registrations:pre_register", kwargs={"slug": conference.slug})
    statuses = [client.post(url, pre_form(email="ZOE@example.org")).status_code for _ in range(6)]
    assert statuses == [302] * settings.RATE_LIMIT_EMAIL_POSTS + [429]


def test_a_department_behind_one_proxy_can_register(client):
    conference = ConferenceFactory(places=100)
    url = reverse("registrations:pre_register", kwargs={"slug": conference.slug})
    statuses = {client.post(url, pre_form(email=f"kollegin{n}@kreis.example")).status_code for n in range(40)}
    assert statuses == {302}
    assert Registration.objects.count() == 40


def test_a_429_shows_the_form_again_with_what_was_typed(client, settings):
    settings.RATE_LIMIT_EMAIL_POSTS = 1
    conference = ConferenceFactory()
    url = reverse("registrations:pre_register", kwargs={"slug": conference.slug})
    client.post(url, pre_form())
    response = client.post(url, pre_form(first_name="Zoë-Marie"))
    page = response.content.decode()
    assert response.status_code == 429
    assert 'value="Zoë-Marie"' in page
    assert "Ihre Eingaben sind erhalten" in page


def test_failed_validations_use_up_a_quarter_of_the_budget(settings):
    settings.RATE_LIMIT_EMAIL_POSTS = 5
    request = RequestFactory().post("/", REMOTE_ADDR="203.0.113.9")
    failed = [
        is_form_post_limited(request, "probe", email="a@example.org", is_valid=False) for _ in range(16)
    ]
    assert not any(failed)
    assert not is_form_post_limited(request, "probe", email="a@example.org")  # 16 × ¼ + 1 = 5
    assert is_form_post_limited(request, "probe", email="a@example.org", is_valid=False)


def test_the_shared_counter_counts_per_key():
    assert [is_rate_limited_key("k", 2, 60) for _ in range(3)] == [False, False, True]
    assert is_rate_limited_key("other", 2, 60) is False


def test_downloads_behind_a_personal_link_are_limited_per_link(client, settings):
    from tests.factories import pre_registered

    settings.DOWNLOAD_LIMIT = 2
    conference = ConferenceFactory()
    first, second = pre_registered(conference, 1), pre_registered(conference, 2)
    data = reverse("registrations:personal_data_export", kwargs={"token": first.token})
    assert [client.get(data).status_code for _ in range(3)] == [200, 200, 429]
    pdf = reverse("registrations:personal_confirmation_pdf", kwargs={"token": first.token})
    assert client.get(pdf).status_code == 429  # all downloads of one link share its budget
    other = reverse("registrations:personal_data_export", kwargs={"token": second.token})
    assert client.get(other).status_code == 200

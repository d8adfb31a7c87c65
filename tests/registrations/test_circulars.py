"""Rundschreiben (issue 17, "Write to people"): placeholders, one mail per person, once, in the outbox."""

import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registrations.domain import circulars
from registrations.models import Circular, CircularRecipient, OutgoingMail, Registration
from registrations.office.roles import OFFICE, ORGANISATION
from registrations.rules.circulars import fill_placeholders, placeholder_errors
from tests.factories import (
    BindingRegistrationFactory,
    ConferenceFactory,
    RegistrationFactory,
    StaffFactory,
    WorkshopBookingFactory,
    WorkshopFactory,
    WorkshopPhaseFactory,
)

pytestmark = pytest.mark.django_db

BODY = (
    "{{ anrede }}\n\nder Raum für {{ tagung }} ändert sich.\nIhre Anmeldung: {{ persoenlicher_link }}\n\nGruß"
)


# ---------------------------------------------------------------- rules


def test_known_placeholders_pass_and_are_filled_whatever_their_spacing():
    text = "{{anrede}} {{ Name }} {{  tagung }} {{ Persönlicher Link }}"
    assert placeholder_errors(text) == []
    values = {"anrede": "A,", "name": "N", "tagung": "T", "persoenlicher_link": "L"}
    assert fill_placeholders(text, values) == "A, N T L"


def test_an_unknown_placeholder_is_a_german_error_naming_it():
    errors = placeholder_errors("Hallo {{ vorname }}")
    assert errors == [
        "Unbekannter Platzhalter {{ vorname }}. Möglich sind: {{ anrede }}, {{ name }}, {{ tagung }}, "
        "{{ persoenlicher_link }}."
    ]


def test_template_syntax_and_open_braces_are_refused_not_left_in_the_mail():
    assert placeholder_errors("{{ registration.token }}")[0].startswith("Unbekannter Platzhalter")
    assert placeholder_errors("Hallo {{ name")[0].startswith("Ein Platzhalter ist nicht geschlossen")
    assert placeholder_errors("{% if x %}")[0].startswith("„{%“ und „%}“")


def test_the_personal_link_is_not_possible_in_the_subject():
    errors = circulars.text_errors(subject="Link: {{ persoenlicher_link }}", body="x")
    assert errors == {"subject": ["Der Platzhalter {{ persoenlicher_link }} ist hier nicht möglich."]}


# ---------------------------------------------------------------- domain


def _people(conference, n, **extra):
    return [
        RegistrationFactory(
            conference=conference, salutation="frau", last_name=f"Muster{i}", first_name="Erika", **extra
        )
        for i in range(n)
    ]


def test_each_person_gets_one_mail_of_their_own_at_their_own_address(django_capture_on_commit_callbacks):
    conference = ConferenceFactory(title="Jahrestagung 2026")
    people = _people(conference, 2)
    office = StaffFactory(roles=[OFFICE])
    with django_capture_on_commit_callbacks(execute=True):
        circular, created = circulars.send_circular(
            conference=conference,
            subject="Raumänderung {{ tagung }}",
            body=BODY,
            registrations=Registration.objects.filter(pk__in=[p.pk for p in people]),
            author=office,
            submission_key="k1",
            source="Anmeldungen",
        )
    assert created
    assert (circular.author, circular.queued_at is not None) == (office, True)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)
    first = next(m for m in mail.outbox if m.to == [people[0].email])
    assert first.subject == "Raumänderung Jahrestagung 2026"
    assert first.body.startswith("Sehr geehrte Frau Muster0,\n\nder Raum für Jahrestagung 2026 ändert sich.")
    assert people[0].get_absolute_url() in first.body
    assert people[1].get_absolute_url() not in first.body
    assert first.cc == []
    assert OutgoingMail.objects.filter(kind="circular", status="sent").count() == 2
    assert sorted(circular.recipients.values_list("registration", flat=True)) == sorted(p.pk for p in people)


def test_the_personal_link_never_goes_to_an_accounts_office():
    """Even a registration billed to its employer gets the Rundschreiben only at its own address."""
    conference = ConferenceFactory()
    person = BindingRegistrationFactory(conference=conference, email="anna@example.org")
    circulars.send_circular(
        conference=conference,
        subject="Hinweis",
        body=BODY,
        registrations=Registration.objects.filter(pk=person.pk),
        author=None,
        submission_key="k",
    )
    queued = OutgoingMail.objects.get(kind="circular")
    assert (queued.to, queued.cc) == ("anna@example.org", "")
    assert person.billing_email not in (queued.to, queued.cc)


def test_sending_twice_with_the_same_key_sends_once():
    conference = ConferenceFactory()
    people = Registration.objects.filter(pk__in=[p.pk for p in _people(conference, 3)])
    arguments = {
        "conference": conference,
        "subject": "S",
        "body": "B",
        "registrations": people,
        "author": None,
    }
    first, created = circulars.send_circular(**arguments, submission_key="same")
    again, created_again = circulars.send_circular(**arguments, submission_key="same")
    assert (created, created_again, again) == (True, False, first)
    assert OutgoingMail.objects.filter(kind="circular").count() == 3
    assert Circular.objects.count() == 1


def test_an_english_participant_gets_english_salutation_and_footer_and_the_text_as_typed():
    conference = ConferenceFactory()
    person = RegistrationFactory(conference=conference, salutation="herr", last_name="Smith", language="en")
    rendered = circulars.render_circular_mail(
        subject="Hotel", body="{{ anrede }}\n\nDas Hotel ist ausgebucht.", registration=person
    )
    assert rendered.text.startswith("Dear Mr Smith,\n\nDas Hotel ist ausgebucht.")
    assert "· Office" in rendered.text
    assert "Geschäftsstelle" not in rendered.text


def test_anonymised_people_are_left_out_and_other_conferences_refused():
    conference = ConferenceFactory()
    kept, gone = _people(conference, 2)
    Registration.objects.filter(pk=gone.pk).update(email="", anonymised_at="2026-01-01T00:00:00Z")
    selection = Registration.objects.filter(pk__in=[kept.pk, gone.pk])
    assert circulars.circular_recipients(selection) == [kept]
    other = RegistrationFactory()
    with pytest.raises(circulars.CircularError, match="einer einzigen Tagung"):
        circulars.send_circular(
            conference=conference,
            subject="S",
            body="B",
            registrations=Registration.objects.filter(pk__in=[kept.pk, other.pk]),
            author=None,
            submission_key="x",
        )
    assert not OutgoingMail.objects.filter(kind="circular").exists()


def test_an_html_part_escapes_names_and_links_the_personal_url():
    conference = ConferenceFactory(title="Stadt & Land")
    person = RegistrationFactory(conference=conference, first_name="<b>Eve</b>", salutation="")
    rendered = circulars.render_circular_mail(
        subject="{{ tagung }}", body="{{ anrede }}\n\n{{ persoenlicher_link }}", registration=person
    )
    assert rendered.subject == "Stadt & Land"
    assert "<b>Eve</b>" not in rendered.html and "&lt;b&gt;Eve&lt;/b&gt;" in rendered.html
    assert f'href="{person.get_absolute_url()}' in rendered.html or person.get_absolute_url() in rendered.html


# ---------------------------------------------------------------- the office's pages


def _workshop_world():
    conference = ConferenceFactory(title="Jahrestagung 2026")
    phase = WorkshopPhaseFactory(conference=conference, number=2)
    chosen, other = WorkshopFactory(phase=phase, title="AP 2.3"), WorkshopFactory(phase=phase, title="AP 2.4")
    inside = [
        WorkshopBookingFactory(
            workshop=chosen, registration__conference=conference, registration__salutation="frau"
        )
        for _ in range(3)
    ]
    outside = WorkshopBookingFactory(workshop=other, registration__conference=conference)
    return conference, chosen, inside, outside


def _post(client, url, data):
    return client.post(url, data, follow=False)


def test_the_office_writes_previews_confirms_and_queues_for_the_ticked_bookings(
    client, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    conference, workshop, inside, outside = _workshop_world()
    client.force_login(StaffFactory(roles=[OFFICE]))
    url = reverse("admin:registrations_workshopbooking_changelist") + f"?workshop__id__exact={workshop.pk}"
    selection = {"action": "write_circular_action", "_selected_action": [b.pk for b in inside]}

    with django_assert_max_num_queries(20):
        page = _post(client, url, {**selection, "index": "0"})
    content = page.content.decode()
    assert "An 3 Personen (Jahrestagung 2026)." in content
    assert "{{ persoenlicher_link }}" in content  # the placeholders are explained on the form

    text = {"subject": "Raum {{ tagung }}", "body": BODY}
    wrong = _post(client, url, {**selection, **text, "body": "{{ vorname }}", "circular_step": "preview"})
    assert "Unbekannter Platzhalter {{ vorname }}" in wrong.content.decode()
    assert "{{ vorname }}</textarea>" in wrong.content.decode()  # nothing typed is lost

    with django_assert_max_num_queries(20):
        preview = _post(client, url, {**selection, **text, "circular_step": "preview"})
    content = preview.content.decode()
    first = sorted((b.registration for b in inside), key=lambda r: (r.last_name, r.first_name, r.pk))[0]
    assert f"an {first.full_name}" in content
    assert "Raum Jahrestagung 2026" in content
    assert first.token not in content  # the office never sees a personal link
    assert "/anmeldung/[…]" in content

    with django_assert_max_num_queries(20):
        confirm = _post(client, url, {**selection, **text, "circular_step": "confirm"})
    content = confirm.content.decode()
    assert "3 E-Mails gehen in den Postausgang" in content
    key = re.search(r'name="submission_key" value="([^"]+)"', content).group(1)
    assert not OutgoingMail.objects.filter(kind="circular").exists()

    send = {**selection, **text, "circular_step": "send", "submission_key": key, "apply": "1"}
    with django_capture_on_commit_callbacks(execute=True):
        done = _post(client, url, send)
        again = _post(client, url, send)  # a double click
    circular = Circular.objects.get()
    assert done.url == again.url == reverse("admin:registrations_circular_change", args=[circular.pk])
    assert sorted(OutgoingMail.objects.filter(kind="circular").values_list("to", flat=True)) == sorted(
        b.registration.email for b in inside
    )
    assert outside.registration.email not in [m.to[0] for m in mail.outbox]
    assert (circular.source, circular.body) == ("Workshop-Buchungen", BODY)
    messages = [str(m) for m in client.get(done.url).context["messages"]]
    assert any("3 E-Mails in die Warteschlange gestellt; sie werden versendet." in m for m in messages)
    assert any("nicht noch einmal verschickt" in m for m in messages)
    assert not any("gesendet" in m for m in messages)


def test_all_filtered_rows_are_written_to_with_select_across(client):
    conference, workshop, inside, outside = _workshop_world()
    client.force_login(StaffFactory(roles=[OFFICE]))
    url = reverse("admin:registrations_workshopbooking_changelist") + f"?workshop__id__exact={workshop.pk}"
    page = client.post(
        url,
        {
            "action": "write_circular_action",
            "_selected_action": [inside[0].pk],
            "select_across": "1",
            "index": "0",
        },
    )
    content = page.content.decode()
    assert "An 3 Personen" in content
    assert outside.registration.email not in content


def test_registrations_group_members_and_invoices_offer_the_action(client):
    client.force_login(StaffFactory(roles=[OFFICE]))
    for name in ("registration", "workshopbooking", "groupmembership", "invoice"):
        response = client.get(reverse(f"admin:registrations_{name}_changelist"))
        choices = [value for value, _label in response.context["action_form"].fields["action"].choices]
        assert "write_circular_action" in choices, name


def test_organisers_may_read_rundschreiben_but_not_write_them(client):
    conference, workshop, inside, _outside = _workshop_world()
    circulars.send_circular(
        conference=conference,
        subject="S",
        body="B",
        registrations=Registration.objects.filter(pk=inside[0].registration_id),
        author=None,
        submission_key="k",
    )
    client.force_login(StaffFactory(roles=[ORGANISATION]))
    for name in ("registration", "workshopbooking", "groupmembership", "invoice"):
        form = client.get(reverse(f"admin:registrations_{name}_changelist")).context["action_form"]
        choices = [value for value, _label in form.fields["action"].choices] if form else []
        assert "write_circular_action" not in choices, name
    page = client.get(reverse("admin:registrations_circular_change", args=[Circular.objects.get().pk]))
    assert page.status_code == 200


def test_the_rundschreiben_page_lists_recipients_with_delivery_in_constant_queries(
    client, django_assert_max_num_queries
):
    conference = ConferenceFactory()
    client.force_login(StaffFactory(roles=[OFFICE]))

    def page_for(count, key):
        people = _people(conference, count)
        circular, _ = circulars.send_circular(
            conference=conference,
            subject="S",
            body="B",
            registrations=Registration.objects.filter(pk__in=[p.pk for p in people]),
            author=None,
            submission_key=key,
        )
        return reverse("admin:registrations_circular_change", args=[circular.pk]), people

    one, _ = page_for(1, "one")
    client.get(one)  # warm the session and content types
    with CaptureQueriesContext(connection) as small:
        client.get(one)
    many, people = page_for(5, "many")
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(many)
    content = response.content.decode()
    assert all(p.full_name in content for p in people)
    assert "wartet auf Versand" in content or "versendet" in content
    assert len(small.captured_queries) <= 15
    with django_assert_max_num_queries(12):
        client.get(reverse("admin:registrations_circular_changelist"))


def test_the_outbox_filters_to_one_rundschreiben(client):
    conference = ConferenceFactory()
    people = _people(conference, 2)
    circular, _ = circulars.send_circular(
        conference=conference,
        subject="S",
        body="B",
        registrations=Registration.objects.filter(pk=people[0].pk),
        author=None,
        submission_key="k",
    )
    RegistrationFactory(conference=conference, email="other@example.org")
    client.force_login(StaffFactory(roles=[OFFICE]))
    response = client.get(
        reverse("admin:registrations_outgoingmail_changelist") + f"?rundschreiben={circular.pk}"
    )
    content = response.content.decode()
    assert people[0].email in content and people[1].email not in content
    assert CircularRecipient.objects.get().mail.to == people[0].email

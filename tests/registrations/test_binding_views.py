import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from registrations.domain import confirmations, lifecycle
from registrations.domain.lifecycle import register_binding
from registrations.models import Invoice, OutgoingMail, Registration
from registrations.rules.leitweg import leitweg_check_digits_valid, validate_leitweg_id
from tests.factories import (
    ConferenceFactory,
    ProgrammeItemFactory,
    WorkshopFactory,
    WorkshopPhaseFactory,
    pre_registered,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def conference():
    conference = ConferenceFactory(places=3, payment_terms="Zahlbar binnen 14 Tagen nach Rechnungsdatum.")
    return conference


def form_data(**extra):
    data = {
        "salutation": "herr",
        "academic_title": "",
        "first_name": "Jörg",
        "last_name": "O'Brien-Weiß",
        "email": "joerg@example.org",
        "organisation": "Stadt Köln",
        "position": "Sozialplanung",
        "is_member": "on",
        "member_number": "42",
        "note": "",
        "billing_recipient": "employer",
        "billing_organisation": "Stadt Köln",
        "billing_department": "Amt für Soziales",
        "billing_street": "Willy-Brandt-Platz 2",
        "billing_postcode": "50679",
        "billing_city": "Köln",
        "billing_email": "",
        "order_number": "",
        "cost_centre": "",
        "leitweg_id": "05315000-1234-xx",
        "dietary_needs": "",
        "accessibility_needs": "",
        "list_consent": "on",
        "privacy_consent": "on",
        "terms_version": "1",
        "terms_accepted": "on",
        "website": "",
    }
    data["leitweg_id"] = ""
    data.update(extra)
    return {key: value for key, value in data.items() if value is not None}


def direct_url(conference):
    return reverse("registrations:binding_register", kwargs={"slug": conference.slug})


def personal_binding_url(registration):
    return reverse("registrations:binding_personal", kwargs={"token": registration.token})


def pre(conference, n=1, **extra):
    """Ada, a member, pre-registered: the binding forms below are posted in her name."""
    return pre_registered(
        conference,
        n,
        **{
            "first_name": "Ada",
            "last_name": "Vorab",
            "email": f"ada{n}@example.org",
            "is_member": True,
            **extra,
        },
    )


# ---------------------------------------------------------------- Leitweg-ID


@pytest.mark.parametrize("value", ["04011000-1234512345-06", "991-33333TEST-33"])
def test_known_valid_leitweg_ids_pass(value):
    assert leitweg_check_digits_valid(value) is True
    validate_leitweg_id(value)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("04011000-1234512345-07", "leitweg_check"),
        ("991-12345-67", "leitweg_check"),
        ("1-12345-06", "leitweg_format"),
        ("0401100012345-06", "leitweg_format"),
        ("04011000-12345_12345-06", "leitweg_format"),
        ("04011000-" + "A" * 31 + "-06", "leitweg_format"),
        ("04011000-1234512345-6", "leitweg_format"),
    ],
)
def test_bad_leitweg_ids_are_refused(value, code):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        validate_leitweg_id(value)
    assert error.value.code == code


def test_leitweg_id_is_stored_upper_case_and_bad_one_shown_as_error(client, conference):
    response = client.post(direct_url(conference), form_data(leitweg_id="04011000-1234512345-07"))
    assert response.status_code == 200
    assert "Die Prüfziffer der Leitweg-ID stimmt nicht" in response.content.decode()
    assert Registration.objects.count() == 0
    response = client.post(direct_url(conference), form_data(leitweg_id="991-33333test-33"))
    assert response.status_code == 302
    assert Registration.objects.get().leitweg_id == "991-33333TEST-33"


# ---------------------------------------------------------------- direct registration


def test_direct_form_shows_fee_terms_and_full_workshops_disabled(
    client, conference, django_assert_max_num_queries
):
    phase = WorkshopPhaseFactory(conference=conference, number=1, title="Praxis")
    full = WorkshopFactory(phase=phase, title="Voller Workshop", seat_limit=1)
    free = WorkshopFactory(phase=phase, title="Freier Workshop", seat_limit=10)
    register_binding(
        conference=conference,
        data={
            **{k: v for k, v in form_data().items() if k not in {"is_member", "list_consent"}},
            "email": "other@example.org",
            "is_member": False,
            "terms_accepted": True,
            "workshop_choices": {phase.pk: full.pk},
        },
    )
    with django_assert_max_num_queries(12):
        response = client.get(direct_url(conference))
    html = response.content.decode()
    assert response.status_code == 200
    assert "250,00\xa0€ für Mitglieder des VSOP e.V., 300,00\xa0€ für Nicht-Mitglieder" in html
    assert "Zahlbar binnen 14 Tagen nach Rechnungsdatum." in html
    assert "Voller Workshop – ausgebucht" in html
    assert f'value="{full.pk}"' in html
    full_input = html[html.index(f'value="{full.pk}"') - 200 : html.index(f'value="{full.pk}"') + 100]
    assert "disabled" in full_input
    free_input = html[html.index(f'value="{free.pk}"') - 200 : html.index(f'value="{free.pk}"') + 100]
    assert "disabled" not in free_input


def test_direct_form_runs_a_constant_number_of_queries(client, conference, django_assert_num_queries):
    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(direct_url(conference)).status_code == 200
        return len(queries)

    phase = WorkshopPhaseFactory(conference=conference, number=1)
    WorkshopFactory(phase=phase)
    ProgrammeItemFactory(conference=conference, kind="evening", requires_signup=True)
    count()  # the first visit records version 1 of the terms
    small = count()
    for number in (2, 3):
        other = WorkshopPhaseFactory(conference=conference, number=number)
        WorkshopFactory.create_batch(3, phase=other)
    ProgrammeItemFactory.create_batch(3, conference=conference, kind="evening", requires_signup=True)
    assert count() == small


def test_direct_registration_stores_and_redirects_to_thanks(
    client, conference, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(direct_url(conference), form_data())
    assert response.status_code == 302
    assert response["Location"] == reverse("registrations:binding_done", kwargs={"slug": conference.slug})
    registration = Registration.objects.get()
    assert registration.stage == Registration.Stage.BINDING
    assert registration.last_name == "O'Brien-Weiß"
    assert registration.fee == Decimal("250.00")
    assert registration.list_consent is True
    assert registration.privacy_consent is not None
    assert registration.terms_consent.version == 1
    page = client.get(response["Location"]).content.decode()
    assert "Wir haben Ihnen eine E-Mail geschickt" in page  # the same for every address
    assert [m.subject for m in mail.outbox] == [f"Ihre verbindliche Anmeldung: {conference.title}"]
    assert {a[0] for a in mail.outbox[0].attachments} >= {f"{conference.slug}.ics"}


def test_double_submit_makes_one_registration(client, conference):
    first = client.post(direct_url(conference), form_data())
    second = client.post(direct_url(conference), form_data())
    assert (first.status_code, second.status_code) == (302, 302)
    assert Registration.objects.count() == 1
    client.get(Registration.objects.get().get_absolute_url())  # the mailed link confirms the address
    assert Invoice.objects.count() == 1
    page = client.get(second["Location"]).content.decode()
    assert "Wir haben Ihnen eine E-Mail geschickt" in page  # exactly what a new address gets


def test_direct_registration_when_full_goes_to_the_waiting_list(client):
    conference = ConferenceFactory(places=1, payment_terms="AGB")
    pre(conference)
    page = client.get(direct_url(conference)).content.decode()
    assert "Alle Plätze sind vergeben" in page
    response = client.post(direct_url(conference), form_data(), follow=True)
    assert "Wir haben Ihnen eine E-Mail geschickt" in response.content.decode()  # the same for every address
    response = client.get(Registration.objects.get(email="joerg@example.org").get_absolute_url())
    assert "Warteliste auf Platz 1" in response.content.decode()
    assert Registration.objects.get(email="joerg@example.org").status == Registration.Status.WAITING


def test_employer_billing_requires_the_address(client, conference):
    response = client.post(direct_url(conference), form_data(billing_organisation="", billing_city=""))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("Bitte für die Rechnung an Ihre Dienststelle ausfüllen.") == 2
    assert Registration.objects.count() == 0


def test_terms_and_privacy_must_be_accepted(client, conference):
    data = form_data()
    del data["terms_accepted"]
    del data["privacy_consent"]
    html = client.post(direct_url(conference), data).content.decode()
    assert "Bitte akzeptieren Sie die Zahlungsvereinbarung und die Teilnahmebedingungen." in html
    assert "Bitte stimmen Sie dem Datenschutzhinweis zu." in html
    assert Registration.objects.count() == 0


def test_members_only_evening_event_is_refused_for_non_members(client, conference):
    item = ProgrammeItemFactory(
        conference=conference,
        kind="evening",
        title="Mitgliederabend",
        members_only=True,
        requires_signup=True,
    )
    data = form_data(evening_events=str(item.pk))
    del data["is_member"]
    html = client.post(direct_url(conference), data).content.decode()
    assert "„Mitgliederabend“ ist nur für Mitglieder des VSOP e.V." in html
    assert Registration.objects.count() == 0


def test_choosing_a_full_workshop_is_refused(client, conference):
    phase = WorkshopPhaseFactory(conference=conference, number=1)
    full = WorkshopFactory(phase=phase, seat_limit=1)
    other = WorkshopFactory(phase=phase, seat_limit=5)
    client.post(direct_url(conference), form_data(email="a@example.org", **{f"workshop_{phase.pk}": full.pk}))
    response = client.post(direct_url(conference), form_data(**{f"workshop_{phase.pk}": full.pk}))
    assert response.status_code == 200
    assert Registration.objects.count() == 1
    response = client.post(direct_url(conference), form_data(**{f"workshop_{phase.pk}": other.pk}))
    assert response.status_code == 302
    assert Registration.objects.get(email="joerg@example.org").workshop_bookings.get().workshop == other


def test_changed_terms_between_display_and_submit_are_refused(client, conference):
    client.get(direct_url(conference))
    conference.payment_terms = "Neue Fassung."
    conference.save()
    html = client.post(direct_url(conference), form_data(terms_version="1")).content.decode()
    assert "Die Teilnahmebedingungen wurden inzwischen geändert" in html
    assert "Neue Fassung." in html


def test_form_is_closed_after_the_deadline(client, conference, time_machine):
    time_machine.move_to(
        timezone.make_aware(
            dt.datetime.combine(conference.registration_deadline + dt.timedelta(days=1), dt.time(8))
        ),
        tick=False,
    )
    page = client.get(direct_url(conference))
    assert page.status_code == 200
    assert "Die Frist für die verbindliche Anmeldung ist am" in page.content.decode()
    assert 'name="terms_accepted"' not in page.content.decode()
    response = client.post(direct_url(conference), form_data())
    assert response.status_code == 409
    assert Registration.objects.count() == 0


def test_honeypot_and_rate_limit(client, conference, settings):
    assert client.post(direct_url(conference), form_data(website="http://spam")).status_code == 400
    assert Registration.objects.count() == 0
    cache.clear()
    settings.RATE_LIMIT_POSTS = 2
    statuses = [
        client.post(direct_url(conference), form_data(email=f"x{n}@example.org")).status_code
        for n in range(3)
    ]
    assert statuses == [302, 302, 429]


@pytest.mark.parametrize(
    "hostile",
    [
        {"first_name": "A" * 5000},
        {"last_name": "Null\x00Byte"},
        {"email": "not-an-email"},
        {"billing_postcode": "<script>"},
        {"evening_events": ["abc", "999999"]},
        {"workshop_PHASE": "drop table"},
        {"terms_version": "x" * 100},
        {"billing_recipient": "nobody"},
        {"salutation": "König"},
        {"leitweg_id": "\u202e991-33333TEST-33"},
    ],
)
def test_hostile_input_never_gives_a_500(client, conference, hostile):
    phase = WorkshopPhaseFactory(conference=conference, number=1)
    workshop = WorkshopFactory(phase=phase)
    ProgrammeItemFactory(conference=conference, kind="evening", requires_signup=True)
    hostile = {key.replace("PHASE", str(phase.pk)): value for key, value in hostile.items()}
    valid = form_data(**{f"workshop_{phase.pk}": workshop.pk})
    response = client.post(direct_url(conference), {**valid, **hostile})
    assert response.status_code == 200
    assert Registration.objects.count() == 0


def test_user_input_is_escaped_on_the_personal_page(client, conference):
    response = client.post(
        direct_url(conference), form_data(dietary_needs="<b>vegan</b>", billing_department="<i>x</i>")
    )
    assert response.status_code == 302
    registration = Registration.objects.get()
    html = client.get(registration.get_absolute_url()).content.decode()
    assert "&lt;b&gt;vegan&lt;/b&gt;" in html
    assert "<b>vegan</b>" not in html


# ---------------------------------------------------------------- personal link


def test_personal_form_is_prefilled_and_keeps_the_place(
    client, conference, django_capture_on_commit_callbacks
):
    registration = pre(conference, academic_title="Dr.", member_number="A-7")
    page = client.get(personal_binding_url(registration)).content.decode()
    assert 'value="Ada"' in page
    assert 'value="A-7"' in page
    assert 'name="privacy_consent"' not in page  # given with the pre-registration
    assert "Ihr Platz aus der Voranmeldung ist reserviert" in page
    data = form_data(first_name="Ada", last_name="Vorab", email="ada1@example.org")
    del data["privacy_consent"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(personal_binding_url(registration), data)
    assert response.status_code == 302
    assert response["Location"] == registration.get_absolute_url()
    registration.refresh_from_db()
    assert registration.is_binding and registration.holds_place
    assert Registration.objects.count() == 1
    personal = client.get(response["Location"]).content.decode()
    assert "Sie sind verbindlich angemeldet" in personal
    assert "250,00\xa0€" in personal
    assert "Ersatzperson benennen" in personal


def test_replayed_personal_post_makes_no_second_registration(client, conference):
    registration = pre(conference)
    data = form_data(first_name="Ada", last_name="Vorab", email="ada1@example.org")
    first = client.post(personal_binding_url(registration), data)
    replay = client.post(personal_binding_url(registration), data)
    assert first.status_code == replay.status_code == 302
    assert Registration.objects.count() == 1
    assert Invoice.objects.count() == 1
    assert OutgoingMail.objects.filter(kind="registration_confirmed").count() == 1
    page = client.get(replay["Location"]).content.decode()
    assert "Sie sind bereits verbindlich angemeldet." in page


def test_personal_page_offers_the_binding_form_while_pre_registered(
    client, conference, django_assert_max_num_queries
):
    registration = pre(conference)
    with django_assert_max_num_queries(12):
        page = client.get(registration.get_absolute_url()).content.decode()
    assert personal_binding_url(registration) in page


def test_conference_page_links_the_binding_form_while_open(client, conference):
    page = client.get(conference.get_absolute_url()).content.decode()
    assert direct_url(conference) in page


def test_cancelled_registration_cannot_open_the_binding_form(client, conference):
    registration = pre(conference)
    lifecycle.cancel(registration=registration)
    response = client.get(personal_binding_url(registration))
    assert response.status_code == 302
    assert Registration.objects.get().stage == Registration.Stage.PRE


def test_unknown_token_is_404(client):
    assert client.get("/anmeldung/" + "x" * 43 + "/verbindlich/").status_code == 404


# ---------------------------------------------------------------- substitute


def test_substitute_view_hands_over_the_place(client, conference):
    registration = pre(conference)
    client.post(
        personal_binding_url(registration),
        form_data(first_name="Ada", last_name="Vorab", email="ada1@example.org"),
    )
    url = reverse("registrations:personal_substitute", kwargs={"token": registration.token})
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(
        url,
        {
            "salutation": "frau",
            "first_name": "Brigitte",
            "last_name": "Nachfolgerin",
            "email": "brigitte@example.org",
            "organisation": "Kreis Lippe",
            "is_member": "on",
            "confirm": "on",
        },
    )
    assert response.status_code == 302
    # New rule (trust round 2): the old link no longer 404s but shows the previous person's ended
    # registration; the substitute's own link shows the new one.
    old_page = client.get(registration.get_absolute_url()).content.decode()
    assert "Sie haben Ihren Platz am" in old_page and "Ada Vorab" in old_page
    assert "Brigitte" in old_page  # whom the place went to, named by the person themselves
    substitute = Registration.objects.get(substitute_for=registration)
    assert substitute.first_name == "Brigitte"
    new_page = client.get(substitute.get_absolute_url())
    assert new_page.status_code == 200
    assert "Ada" not in new_page.content.decode() and "ada1@example.org" not in new_page.content.decode()


def test_substitute_form_needs_confirmation_and_refuses_the_same_person(client, conference):
    registration, _ = register_binding(
        conference=conference,
        data={**form_data(), "is_member": True, "list_consent": True, "terms_accepted": True},
    )
    url = reverse("registrations:personal_substitute", kwargs={"token": registration.token})
    data = {
        "first_name": "jörg",
        "last_name": "O'Brien-Weiß",
        "email": "Joerg@example.org",
        "organisation": "X",
    }
    html = client.post(url, data).content.decode()
    assert "Bitte bestätigen Sie die Übergabe des Platzes." in html
    html = client.post(url, {**data, "confirm": "on"}).content.decode()
    assert "schon eine Anmeldung" in html
    registration.refresh_from_db()
    assert registration.first_name == "Jörg"


def test_pre_registered_person_cannot_open_the_substitute_form(client, conference):
    registration = pre(conference)
    response = client.get(reverse("registrations:personal_substitute", kwargs={"token": registration.token}))
    assert response.status_code == 302


def test_programme_mailing_links_the_prefilled_binding_form(conference):
    registration = pre(conference)
    confirmations.send_programme_mailing(conference=conference)
    sent = OutgoingMail.objects.get(registration=registration, kind="programme_mailing")
    assert personal_binding_url(registration) in sent.body_text
    assert personal_binding_url(registration) in sent.body_html


def test_personal_binding_form_runs_a_constant_number_of_queries(client, conference):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    registration = pre(conference)
    url = personal_binding_url(registration)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    WorkshopFactory(phase=WorkshopPhaseFactory(conference=conference, number=1))
    ProgrammeItemFactory(conference=conference, kind="evening", requires_signup=True)
    count()
    small = count()
    for number in (2, 3):
        WorkshopFactory.create_batch(3, phase=WorkshopPhaseFactory(conference=conference, number=number))
    ProgrammeItemFactory.create_batch(3, conference=conference, kind="evening", requires_signup=True)
    assert count() == small


def test_membership_cannot_be_changed_on_the_personal_page_after_binding(client, conference):
    registration, _ = register_binding(
        conference=conference, data={**form_data(), "is_member": True, "terms_accepted": True}
    )
    url = reverse("registrations:personal_edit", kwargs={"token": registration.token})
    data = {
        "salutation": "herr",
        "first_name": "Jörg",
        "last_name": "Neu",
        "email": "joerg@example.org",
        "organisation": "Stadt Köln",
        "member_number": "",
    }
    response = client.post(url, data)  # is_member unticked, member number emptied
    assert response.status_code == 302
    registration.refresh_from_db()
    assert (registration.last_name, registration.is_member, registration.member_number) == ("Neu", True, "42")
    assert registration.fee == Decimal("250.00")


def test_the_baseline_of_the_hostile_inputs_is_valid(client, conference):
    """Without this, the hostile-input test above could pass because its baseline is refused anyway."""
    phase = WorkshopPhaseFactory(conference=conference, number=1)
    workshop = WorkshopFactory(phase=phase)
    ProgrammeItemFactory(conference=conference, kind="evening", requires_signup=True)
    response = client.post(direct_url(conference), form_data(**{f"workshop_{phase.pk}": workshop.pk}))
    assert response.status_code == 302

"""Self-service after the binding registration (issue 15, defect 6): billing, evening events, needs,
list consent; every change logged, a corrected invoice for changed billing data."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from core.exceptions import RegistrationError
from programme.models import ProgrammeItem
from registrations.domain import lifecycle
from registrations.domain.self_service import update_binding_details
from registrations.models import Invoice
from registrations.queries.invoices import current_invoice
from registrations.rules.billing import BINDING_FIELDS
from tests.factories import (
    ConferenceFactory,
    ProgrammeItemFactory,
    binding_data,
    employer_billing,
    pre_registered,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def conference():
    return ConferenceFactory()


@pytest.fixture
def evening(conference):
    kwargs = {"conference": conference, "kind": ProgrammeItem.Kind.EVENING, "requires_signup": True}
    return {
        "dinner": ProgrammeItemFactory(title="Abendessen", **kwargs),
        "members": ProgrammeItemFactory(title="Mitgliederabend", members_only=True, **kwargs),
    }


def binding(conference, *, is_member=False, **extra):
    registration, _ = lifecycle.register_binding(
        conference=conference, data=binding_data(1, is_member=is_member, **employer_billing(**extra))
    )
    return registration


def reasons(registration):
    return [
        reason for reason in registration.history.values_list("history_change_reason", flat=True) if reason
    ]


def current_values(registration, **changes):
    values = {name: getattr(registration, name) for name in BINDING_FIELDS}
    values["evening_events"] = list(registration.evening_events.values_list("pk", flat=True))
    return {**values, **changes}


def test_corrected_billing_data_issue_a_corrected_invoice_and_are_logged(conference):
    registration = binding(conference)
    old = current_invoice(registration)
    change = update_binding_details(
        registration=registration,
        data=current_values(registration, order_number="PO-9999", leitweg_id="991-33333TEST-33"),
    )
    assert change.changed == ("order_number", "leitweg_id")
    old.refresh_from_db()
    assert old.cancelled_by is not None
    new = current_invoice(registration)
    assert new == change.new_invoice
    assert new.pk != old.pk
    assert new.order_number == "PO-9999"
    assert new.leitweg_id == "991-33333TEST-33"
    assert Invoice.objects.filter(registration=registration).count() == 3  # invoice, Storno, new invoice
    assert "Teilnehmende/r: Rechnungsdaten geändert" in reasons(registration)


def test_evening_events_needs_and_list_consent_change_without_a_new_invoice(conference, evening):
    registration = binding(conference)
    invoice = current_invoice(registration)
    change = update_binding_details(
        registration=registration,
        data=current_values(
            registration,
            evening_events=[evening["dinner"].pk],
            dietary_needs="vegan",
            accessibility_needs="Rollstuhl",
            list_consent=False,
        ),
    )
    assert change.new_invoice is None
    assert current_invoice(registration) == invoice
    registration.refresh_from_db()
    assert list(registration.evening_events.all()) == [evening["dinner"]]
    assert (registration.dietary_needs, registration.accessibility_needs) == ("vegan", "Rollstuhl")
    assert registration.history.first().history_change_reason == (
        "Teilnehmende/r: Abendveranstaltungen, Ernährung/Barrierefreiheit geändert"
    )


def test_list_consent_is_withdrawn_and_logged(conference):
    registration = binding(conference, list_consent=True)
    assert registration.list_consent is True
    update_binding_details(registration=registration, data=current_values(registration, list_consent=False))
    registration.refresh_from_db()
    assert registration.list_consent is False
    assert registration.history.first().history_change_reason == "Teilnehmende/r: Teilnehmendenliste geändert"


def test_non_member_cannot_choose_a_members_only_evening(conference, evening):
    registration = binding(conference, is_member=False)
    with pytest.raises(RegistrationError, match="nur für Mitglieder"):
        update_binding_details(
            registration=registration,
            data=current_values(registration, evening_events=[evening["members"].pk]),
        )


def test_incomplete_billing_address_is_refused(conference):
    registration = binding(conference)
    with pytest.raises(RegistrationError, match="vollständige Rechnungsanschrift"):
        update_binding_details(
            registration=registration, data=current_values(registration, billing_street="")
        )


def test_after_the_start_only_the_list_consent_changes(conference, time_machine):
    registration = binding(conference, list_consent=True)
    time_machine.move_to(conference.starts_at + dt.timedelta(hours=1), tick=False)
    with pytest.raises(RegistrationError, match="bereits begonnen"):
        update_binding_details(
            registration=registration, data=current_values(registration, dietary_needs="vegan")
        )
    update_binding_details(registration=registration, data=current_values(registration, list_consent=False))
    registration.refresh_from_db()
    assert registration.list_consent is False


def test_pre_registration_has_nothing_to_change(conference):
    registration = pre_registered(conference)
    with pytest.raises(RegistrationError):
        update_binding_details(registration=registration, data=current_values(registration))


# ---------------------------------------------------------------- the page


def form_post(registration, **changes):
    values = current_values(registration, **changes)
    post = {key: value for key, value in values.items() if key not in ("list_consent", "evening_events")}
    if values["list_consent"]:
        post["list_consent"] = "on"
    post["evening_events"] = [str(pk) for pk in values["evening_events"]]
    return post


def test_personal_page_leads_to_the_change_form(client, conference):
    registration = binding(conference)
    url = reverse("registrations:personal_change", kwargs={"token": registration.token})
    assert f'href="{url}"' in client.get(registration.get_absolute_url()).content.decode()
    html = client.get(url).content.decode()
    assert "Anmeldung ändern" in html
    assert 'name="leitweg_id"' in html


def test_change_form_issues_the_corrected_invoice_by_mail(
    client, conference, django_capture_on_commit_callbacks
):
    registration = binding(conference)
    url = reverse("registrations:personal_change", kwargs={"token": registration.token})
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, form_post(registration, billing_department="Jugendamt"), follow=True)
    new = current_invoice(registration)
    registration.refresh_from_db()
    assert registration.billing_department == "Jugendamt"
    assert new.pk != Invoice.objects.filter(registration=registration).order_by("pk").first().pk
    html = response.content.decode()
    assert f"Die korrigierte Rechnung {new.number}" in html
    assert any(new.number in message.subject for message in mail.outbox)


def test_change_form_refuses_a_members_only_event_for_a_non_member(client, conference, evening):
    registration = binding(conference, is_member=False)
    url = reverse("registrations:personal_change", kwargs={"token": registration.token})
    html = client.get(url).content.decode()
    assert "Abendessen" in html
    assert "Mitgliederabend" not in html
    response = client.post(url, form_post(registration, evening_events=[evening["members"].pk]))
    assert response.status_code == 200
    assert list(registration.evening_events.all()) == []


def test_change_form_refuses_a_wrong_leitweg_id(client, conference):
    registration = binding(conference)
    url = reverse("registrations:personal_change", kwargs={"token": registration.token})
    response = client.post(url, form_post(registration, leitweg_id="04011000-1234512345-07"))
    assert "Die Prüfziffer der Leitweg-ID stimmt nicht." in response.content.decode()
    registration.refresh_from_db()
    assert registration.leitweg_id == "04011000-1234512345-06"

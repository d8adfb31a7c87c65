from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from registrations.domain import lifecycle
from registrations.domain.lifecycle import register_binding
from registrations.models import Invoice, Member, Registration
from tests.factories import ConferenceFactory, RegistrationFactory, office_binding_form

pytestmark = pytest.mark.django_db


def test_upload_member_list_reports_counts(admin_client):
    url = reverse("admin:registrations_member_upload")
    assert admin_client.get(url).status_code == 200
    upload = SimpleUploadedFile(
        "mitglieder.csv", "\ufeffMitgliedsnummer;Name;E-Mail\n1001;Jürgen Größe;\n".encode(), "text/csv"
    )
    response = admin_client.post(url, {"file": upload, "replace": "on"}, follow=True)
    assert "Mitgliederliste übernommen: 1 neu, 0 geändert, 0 entfernt." in response.content.decode()
    assert list(Member.objects.values_list("name", flat=True)) == ["Jürgen Größe"]


def test_upload_with_bad_rows_shows_them_and_changes_nothing(admin_client):
    upload = SimpleUploadedFile("m.csv", b"Mitgliedsnummer;Name;E-Mail\n;Ohne;\n", "text/csv")
    response = admin_client.post(
        reverse("admin:registrations_member_upload"), {"file": upload, "replace": "on"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Zeile 2: Mitgliedsnummer fehlt." in html
    assert Member.objects.count() == 0


def test_membership_filter_and_actions_switch_fee_and_invoice(admin_client):
    conference = ConferenceFactory()
    registration, _ = register_binding(
        conference=conference,
        data={
            **office_binding_form(),
            "is_member": True,
            "terms_accepted": True,
        },
        source=Registration.Source.OFFICE,  # taken on the phone: confirmed by the office
    )
    Registration.objects.filter(pk=registration.pk).update(membership_check="check")
    changelist = reverse("admin:registrations_registration_changelist")
    page = admin_client.get(changelist, {"membership_check__exact": "check"}).content.decode()
    assert "Anruferin" in page
    response = admin_client.post(
        changelist,
        {"action": "bill_as_non_member_action", "_selected_action": [registration.pk], "apply": "1"},
        follow=True,
    )
    assert "als Nicht-Mitglied abgerechnet" in response.content.decode()
    registration.refresh_from_db()
    assert (registration.fee, registration.membership_check) == (Decimal("300.00"), "not_claimed")
    assert Invoice.objects.filter(registration=registration).count() == 3
    admin_client.post(
        changelist,
        {"action": "confirm_membership_action", "_selected_action": [registration.pk], "apply": "1"},
    )
    registration.refresh_from_db()
    assert (registration.fee, registration.membership_check) == (Decimal("250.00"), "verified")


def test_office_registers_a_pre_registration_bindingly_after_the_deadline(
    client, admin_user, time_machine, django_capture_on_commit_callbacks
):
    import datetime as dt

    from django.utils import timezone

    conference = ConferenceFactory(places=5)
    pre, _ = lifecycle.pre_register(
        conference=conference,
        data={
            "first_name": "Telefon",
            "last_name": "Anruferin",
            "email": "telefon@example.org",
            "is_member": True,
        },
    )
    pre = lifecycle.confirm_address(registration=pre)  # the person opened the mailed link
    time_machine.move_to(
        timezone.make_aware(
            dt.datetime.combine(conference.registration_deadline + dt.timedelta(days=2), dt.time(9))
        ),
        tick=False,
    )
    admin_client = client
    admin_client.force_login(admin_user)
    changelist = reverse("admin:registrations_registration_changelist")
    response = admin_client.post(
        changelist, {"action": "office_binding_action", "_selected_action": [pre.pk]}
    )
    url = reverse(
        "admin:registrations_registration_binding",
        kwargs={"conference_id": conference.pk, "registration_id": pre.pk},
    )
    assert response["Location"] == url
    page = admin_client.get(url).content.decode()
    assert "abgelaufen" in page
    assert 'value="Telefon"' in page
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, office_binding_form())
    assert response.status_code == 302
    pre.refresh_from_db()
    assert (pre.stage, pre.status, pre.fee) == ("binding", "holds_place", Decimal("250.00"))
    assert pre.privacy_consent is not None  # given with the online pre-registration, kept
    assert [m.subject for m in mail.outbox] == [f"Ihre verbindliche Anmeldung: {conference.title}"]


def test_office_registers_a_new_person_and_duplicates_are_refused(admin_client):
    conference = ConferenceFactory(places=5)
    start = admin_client.get(reverse("admin:registrations_registration_binding_start")).content.decode()
    url = reverse("admin:registrations_registration_binding", kwargs={"conference_id": conference.pk})
    assert url in start
    assert admin_client.post(url, office_binding_form()).status_code == 302
    registration = Registration.objects.get()
    assert registration.source == Registration.Source.OFFICE
    assert registration.is_binding
    response = admin_client.post(url, office_binding_form(), follow=True)
    assert "gibt es schon eine Anmeldung" in response.content.decode()
    assert Registration.objects.count() == 1


def test_office_form_shows_errors_instead_of_500(admin_client):
    conference = ConferenceFactory()
    url = reverse("admin:registrations_registration_binding", kwargs={"conference_id": conference.pk})
    response = admin_client.post(
        url, office_binding_form(billing_city="", leitweg_id="12", terms_accepted="")
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Bitte für die Rechnung an Ihre Dienststelle ausfüllen." in html
    assert "Leitweg-ID hat das Format" in html
    assert Registration.objects.count() == 0


def test_binding_action_needs_exactly_one_registration(admin_client):
    conference = ConferenceFactory()
    first = RegistrationFactory(conference=conference)
    second = RegistrationFactory(conference=conference)
    response = admin_client.post(
        reverse("admin:registrations_registration_changelist"),
        {"action": "office_binding_action", "_selected_action": [first.pk, second.pk]},
        follow=True,
    )
    assert "genau eine Voranmeldung" in response.content.decode()


def test_change_page_shows_binding_data_and_saves_billing_corrections(admin_client):
    conference = ConferenceFactory()
    registration, _ = register_binding(
        conference=conference, data={**office_binding_form(), "is_member": True, "terms_accepted": True}
    )
    url = reverse("admin:registrations_registration_change", args=[registration.pk])
    page = admin_client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Verbindliche Anmeldung" in html
    assert "250,00" in html
    form = page.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None or value is False:
            continue
        data[name] = value
    for formset in page.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            data[f"{management.prefix}-{name}"] = management.initial.get(name, 0) or 0
    data["billing_department"] = "Kämmerei"
    from django.contrib import admin as django_admin

    model_admin = django_admin.site._registry[Registration]
    form_class = model_admin.get_form(page.wsgi_request, registration, change=True)
    refused = form_class(data={**data, "leitweg_id": "991-12345-67"}, instance=registration)
    assert refused.errors["leitweg_id"] == [
        "Die Prüfziffer der Leitweg-ID stimmt nicht. Bitte vergleichen Sie sie mit der Angabe Ihrer Rechnungsstelle."
    ]
    response = admin_client.post(url, data)
    assert response.status_code == 302, (
        response.context["adminform"].form.errors if response.context else None
    )
    registration.refresh_from_db()
    assert registration.billing_department == "Kämmerei"
    assert registration.fee == Decimal("250.00")

"""Staff roles: the office may do everything about the conference, organisers only read and export."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from registrations.models import Registration
from registrations.office.roles import CONFERENCE_APPS, OFFICE, ORGANISATION, sync_roles
from tests.factories import RegistrationFactory, StaffFactory
from tests.guards import model_admin_or_fail

pytestmark = pytest.mark.django_db


def codenames(role):
    return set(Group.objects.get(name=role).permissions.values_list("content_type__app_label", "codename"))


def test_migration_creates_both_roles():
    assert set(Group.objects.filter(name__in=[OFFICE, ORGANISATION]).values_list("name", flat=True)) == {
        OFFICE,
        ORGANISATION,
    }


def test_office_may_change_payments_invoices_and_delete_registrations():
    office = codenames(OFFICE)
    for permission in [
        ("registrations", "change_payment"),
        ("registrations", "add_payment"),
        ("registrations", "change_invoice"),
        ("registrations", "delete_registration"),
        ("registrations", "change_outgoingmail"),
        ("registrations", "change_member"),
        ("registrations", "change_discussiongroup"),
        ("programme", "change_conference"),
        ("programme", "change_programmeitem"),
        ("exports", "export_participants"),
        ("axes", "delete_accessattempt"),
    ]:
        assert permission in office, permission
    assert ("auth", "change_user") not in office


def test_organisation_only_views_and_exports():
    organisation = codenames(ORGANISATION)
    assert ("registrations", "view_registration") in organisation
    assert ("registrations", "view_payment") in organisation
    assert ("registrations", "view_invoice") in organisation
    assert ("exports", "export_participants") in organisation
    forbidden = {
        (app, codename)
        for app, codename in organisation
        if codename.split("_", 1)[0] in {"add", "change", "delete"} and app in {"registrations", "programme"}
    }
    assert forbidden == set()


def test_sync_roles_restores_removed_permissions_and_removes_additions(capsys):
    group = Group.objects.get(name=ORGANISATION)
    before = codenames(ORGANISATION)
    group.permissions.clear()
    group.permissions.add(*Group.objects.get(name=OFFICE).permissions.filter(codename="delete_registration"))
    call_command("sync_roles")
    assert codenames(ORGANISATION) == before
    assert "Organisation:" in capsys.readouterr().out


def test_sync_roles_recreates_a_deleted_group():
    Group.objects.filter(name=OFFICE).delete()
    counts = sync_roles()
    assert Group.objects.filter(name=OFFICE).exists()
    assert counts[OFFICE] == len(codenames(OFFICE)) > 50


def test_organiser_sees_the_registration_list_but_cannot_delete(client):
    registration = RegistrationFactory()
    client.force_login(StaffFactory(roles=[ORGANISATION]))
    assert client.get(reverse("admin:registrations_registration_changelist")).status_code == 200
    assert (
        client.get(reverse("admin:registrations_registration_change", args=[registration.pk])).status_code
        == 200
    )
    delete_url = reverse("admin:registrations_registration_delete", args=[registration.pk])
    assert client.get(delete_url).status_code == 403
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    client.post(
        reverse("admin:registrations_registration_changelist"),
        {"action": "delete_selected", "_selected_action": [registration.pk], "post": "yes"},
    )
    assert Registration.objects.filter(pk=registration.pk).exists()


def test_organiser_has_no_delete_or_state_changing_actions(rf):
    request = rf.get("/admin/")
    request.user = StaffFactory(roles=[ORGANISATION])
    actions = admin.site._registry[Registration].get_actions(request)
    assert "delete_selected" not in actions
    assert "cancel_action" not in actions
    assert "move_up_action" not in actions


def test_organiser_cannot_change_a_registration(client):
    registration = RegistrationFactory(last_name="Vorher")
    client.force_login(StaffFactory(roles=[ORGANISATION]))
    url = reverse("admin:registrations_registration_change", args=[registration.pk])
    response = client.post(url, {"last_name": "Nachher", "first_name": "X", "email": "x@example.org"})
    assert response.status_code == 403
    registration.refresh_from_db()
    assert registration.last_name == "Vorher"


def test_organiser_gets_no_add_change_or_delete_in_any_conference_admin(rf):
    organiser = StaffFactory(roles=[ORGANISATION])
    request = rf.get("/admin/")
    request.user = organiser
    checked = 0
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in CONFERENCE_APPS:
            continue
        label = model._meta.label
        assert model_admin.has_view_permission(request), label
        # Organisers make lists (export jobs record them) but add, change or delete no rows here,
        # not even the saved list layouts.
        assert not model_admin.has_change_permission(request), label
        assert not model_admin.has_delete_permission(request), label
        assert not model_admin.has_add_permission(request), label
        checked += 1
    assert checked >= 8


def test_organiser_cannot_change_or_delete_a_payment_in_the_admin(client):
    from registrations.models import Payment

    model_admin_or_fail(Payment)
    registration = RegistrationFactory()
    payment = Payment.objects.create(registration=registration, amount="250.00", received_on="2025-01-10")
    client.force_login(StaffFactory(roles=[ORGANISATION]))
    change_url = reverse("admin:registrations_payment_change", args=[payment.pk])
    response = client.post(change_url, {"amount": "1.00", "received_on": "2025-01-10"})
    assert response.status_code == 403
    assert (
        client.post(
            reverse("admin:registrations_payment_delete", args=[payment.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    payment.refresh_from_db()
    assert str(payment.amount) == "250.00"


def test_office_can_delete_a_registration_in_the_admin(client):
    registration = RegistrationFactory()
    client.force_login(StaffFactory(roles=[OFFICE]))
    url = reverse("admin:registrations_registration_delete", args=[registration.pk])
    assert client.get(url).status_code == 200


def test_admin_index_names_third_party_sections_in_german(client, settings):
    superuser = StaffFactory(username="chefin", is_superuser=True)
    client.force_login(superuser)
    german = client.get(reverse("admin:index")).content.decode()
    for name in [
        "Sicherheit: Anmeldesperren",
        "Hintergrundaufgaben",
        "Sicherheit: Zwei-Faktor mit Authenticator-App",
        "Sicherheit: Zwei-Faktor-Notfallcodes",
    ]:
        assert name in german, name
    for raw in [">Axes<", ">Otp_Totp<", ">Otp_Static<", "Tasks Database Backend"]:
        assert raw.lower() not in german.lower(), raw

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(reverse("admin:index")).content.decode()
    assert "Security: login lockouts" in english and "Background tasks" in english


def test_office_sees_the_login_protection_section_under_its_german_name(client):
    client.force_login(StaffFactory(roles=[OFFICE]))
    page = client.get(reverse("admin:index")).content.decode()
    assert "Sicherheit: Anmeldesperren" in page
    # sections sort by name: the lockouts come after the registrations, not before them
    assert page.index(">Anmeldungen</a>") < page.index("Sicherheit: Anmeldesperren")
    assert "Zwei-Faktor" not in page  # devices are the superuser's business


def test_the_payment_check_fails_when_payment_leaves_the_admin(client, monkeypatch):
    """It used to skip itself then, and so passed with no payment admin at all."""
    from registrations.models import Payment

    monkeypatch.delitem(admin.site._registry, Payment)
    with pytest.raises(AssertionError, match="registrations.Payment is not registered in the admin"):
        test_organiser_cannot_change_or_delete_a_payment_in_the_admin(client)

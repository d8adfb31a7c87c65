"""Every mass action confirms before it acts, and acts only on what was selected (issue 17).

The walk posts every registered admin action the way the changelist does (one row ticked, no
confirmation yet) as the office, and asserts that nothing changed and that the page it got back
is a confirmation or form page carrying exactly the ticked row. Only the actions listed in
HARMLESS may act at once: they only read (exports, a transfer file) or open a form for one person.
"""

import re

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.urls import resolve, reverse

from registrations.domain import confirmations
from registrations.models import OutgoingMail, Registration
from registrations.office.roles import OFFICE
from tests.factories import ConferenceFactory, StaffFactory, pre_registered
from tests.security.test_admin_walk import build_world, snapshot

pytestmark = pytest.mark.django_db

# Actions that change nothing and mail no one, so they need no confirmation page.
HARMLESS = {
    "export_list_pdf",  # the exports only read
    "export_list_xlsx",
    "export_list_csv",
    "export_badges",
    "export_sign_in",
    "export_certificates",
    "refund_transfer_file_action",  # a file for the online banking; nothing is recorded
    "office_binding_action",  # opens the office's binding form for one person
    "office_substitute_action",  # opens the substitute form for one person
    "copy_conference_action",  # asks on its own form page first (title, address, start) before copying
    "mark_reviewed",  # clears only the "zu prüfen" mark of the ticked rows; mails no one, changes no data
}


def _registered_actions(user=None):
    """(model, action name) of every ModelAdmin; with `user`, only the actions offered to them."""
    for model, model_admin in admin.site._registry.items():
        if user is None:
            names = [action.name for action in model_admin._get_base_actions()]
        else:
            request = RequestFactory().get("/")
            request.user = user
            names = list(model_admin.get_actions(request))
        for name in names:
            yield model, name


def _first_listed(model, changelist, user):
    """The first row the changelist shows (a list may filter by default, like the bank queue)."""
    request = RequestFactory().get(changelist)
    request.user = user
    request.resolver_match = resolve(changelist)
    model_admin = admin.site._registry[model]
    return model_admin.get_changelist_instance(request).get_queryset(request).order_by("pk").first()


def _selected_on(content):
    return set(re.findall(r'name="_selected_action" value="(\d+)"', content))


def test_every_state_changing_admin_action_asks_first_with_exactly_the_selection(client):
    build_world()
    office = get_user_model().objects.create_superuser("office-walk", "office-walk@example.org", "x")
    client.force_login(office)
    walked = set()
    for model, name in _registered_actions(office):
        changelist = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        first = _first_listed(model, changelist, office)
        if name in HARMLESS or first is None:
            continue
        before = snapshot(office)
        response = client.post(changelist, {"action": name, "_selected_action": [first.pk], "index": "0"})
        assert snapshot(office) == before, f"{model._meta.label}.{name} acted without confirmation"
        assert response.status_code == 200, (model._meta.label, name, response.status_code)
        assert "change_list" not in str(response.template_name), (model._meta.label, name)
        content = response.content.decode()
        if name == "delete_selected" and 'name="post"' not in content:
            assert "nicht löschen" in content  # Django's own page: protected rows are not deleted
        else:
            assert _selected_on(content) == {str(first.pk)}, (model._meta.label, name)
        walked.add(name)
    # The walk found the actions it is about, with a row to select for each.
    for name in [
        "cancel_action",
        "move_up_action",
        "resend_link_action",
        "programme_mailing_action",
        "anonymise_action",
        "reissue_invoice_action",
        "cancel_invoice_action",
        "confirm_membership_action",
        "bill_as_non_member_action",
        "remove_action",
        "retry_action",
        "dismiss_action",
        "delete_selected",
    ]:
        assert name in walked, name


def test_the_harmless_list_names_only_registered_actions():
    names = {name for _model, name in _registered_actions()}
    assert HARMLESS <= names


def test_a_confirmed_action_acts_on_the_selection_only(client, django_capture_on_commit_callbacks):
    conference = ConferenceFactory(places=5)
    first, second, third = (pre_registered(conference, n) for n in (1, 2, 3))
    client.force_login(StaffFactory(roles=[OFFICE]))
    changelist = reverse("admin:registrations_registration_changelist")
    page = client.post(changelist, {"action": "cancel_action", "_selected_action": [second.pk], "index": "0"})
    content = page.content.decode()
    assert "Betrifft 1 Anmeldung." in content
    assert second.full_name in content and first.full_name not in content
    with django_capture_on_commit_callbacks(execute=True):
        client.post(changelist, {"action": "cancel_action", "_selected_action": [second.pk], "apply": "1"})
    assert list(Registration.objects.filter(status="cancelled")) == [second]
    assert {first.status, third.status} == {Registration.Status.HOLDS_PLACE}


def test_programme_mailing_reaches_only_the_selected_pre_registration(
    client, django_capture_on_commit_callbacks
):
    """The bug from the issue: one person selected, all three mailed."""
    conference = ConferenceFactory(places=5)
    people = [pre_registered(conference, n) for n in (1, 2, 3)]
    OutgoingMail.objects.all().delete()
    client.force_login(StaffFactory(roles=[OFFICE]))
    changelist = reverse("admin:registrations_registration_changelist")
    chosen = people[1]

    page = client.post(
        changelist, {"action": "programme_mailing_action", "_selected_action": [chosen.pk], "index": "0"}
    )
    assert not OutgoingMail.objects.exists()
    content = page.content.decode()
    assert "Betrifft 1 Anmeldung." in content
    assert chosen.full_name in content and people[0].full_name not in content

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            changelist,
            {"action": "programme_mailing_action", "_selected_action": [chosen.pk], "apply": "1"},
            follow=True,
        )
    assert list(OutgoingMail.objects.values_list("to", flat=True)) == [chosen.email]
    assert "1 E-Mail in die Warteschlange gestellt; sie wird versendet" in response.content.decode()
    assert "gesendet" not in response.content.decode().replace("versendet", "")


def test_programme_mailing_page_names_who_is_skipped(client):
    conference = ConferenceFactory(places=5)
    mailed, fresh = pre_registered(conference, 1), pre_registered(conference, 2)
    confirmations.send_programme_mailing(
        conference=conference, registrations=Registration.objects.filter(pk=mailed.pk)
    )
    client.force_login(StaffFactory(roles=[OFFICE]))
    page = client.post(
        reverse("admin:registrations_registration_changelist"),
        {"action": "programme_mailing_action", "_selected_action": [mailed.pk, fresh.pk], "index": "0"},
    )
    content = page.content.decode()
    assert "Betrifft 1 Anmeldung." in content
    assert "1 ausgewählte Anmeldung wird übersprungen" in content
    assert fresh.full_name in content


def test_send_programme_mailing_without_a_selection_reaches_every_pre_registration():
    conference = ConferenceFactory(places=5)
    for n in (1, 2):
        pre_registered(conference, n)
    assert confirmations.send_programme_mailing(conference=conference) == 2
    assert confirmations.send_programme_mailing(conference=conference) == 0

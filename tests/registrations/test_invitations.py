"""Next year's invitation: a separate, withdrawable consent that outlives the retention period, and the mailing."""

import datetime as dt
import re

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.exceptions import RegistrationError
from programme.models import Conference
from registrations.domain import invitations, lifecycle, retention
from registrations.models import InvitationContact, OutgoingMail, Registration
from registrations.office.roles import OFFICE
from tests.factories import (
    BindingRegistrationFactory,
    ConferenceFactory,
    RegistrationFactory,
    StaffFactory,
    binding_data,
    group_contact_data,
    pre_registered,
    pre_registration_data,
)

pytestmark = pytest.mark.django_db

LABEL = "Über künftige Tagungen informieren"


@pytest.fixture
def conference():
    return ConferenceFactory(places=30)


@pytest.fixture
def next_year():
    start = timezone.now() + dt.timedelta(days=300)
    return ConferenceFactory(
        title="Jahrestagung 2027", city="Erfurt", starts_at=start, ends_at=start + dt.timedelta(days=2)
    )


def consenting(conference, n=1, *, confirmed=True, **extra):
    registration = pre_registered(conference, n, invitation_consent=True, **extra)
    if confirmed:
        lifecycle.confirm_address(registration=registration)
    return registration


# ---------------------------------------------------------------- giving and withdrawing


def test_pre_registration_with_the_consent_records_it_with_its_time(conference):
    before = timezone.now()
    registration = pre_registered(conference, 1, invitation_consent=True)

    contact = InvitationContact.objects.get()
    assert (contact.registration, contact.email, contact.last_name) == (
        registration,
        "person1@example.org",
        "Beispiel",
    )
    assert contact.consented_at >= before


def test_pre_registration_without_the_consent_records_nothing(conference):
    pre_registered(conference, 1)
    assert not InvitationContact.objects.exists()


def test_binding_registration_with_the_consent_records_it(conference):
    lifecycle.register_binding(conference=conference, data=binding_data(2, invitation_consent=True))
    assert InvitationContact.objects.get().email == "person2@example.org"


def test_the_public_forms_offer_the_consent_unticked(client, conference):
    for name in ("registrations:pre_register", "registrations:binding_register"):
        html = client.get(reverse(name, args=[conference.slug])).content.decode()
        assert LABEL in html, name
        assert 'name="invitation_consent"' in html
        assert 'name="invitation_consent" checked' not in html


def test_the_pre_registration_form_records_the_ticked_consent(client, conference):
    response = client.post(
        reverse("registrations:pre_register", args=[conference.slug]),
        {**pre_registration_data(3, first_name="Petra"), "privacy_consent": "on", "invitation_consent": "on"},
    )
    assert response.status_code == 302, response.context["form"].errors
    assert InvitationContact.objects.get().registration == Registration.objects.get()


def test_personal_page_gives_and_withdraws_the_consent(client, conference):
    registration = pre_registered(conference, 4)
    page = client.get(registration.get_absolute_url()).content.decode()
    assert LABEL in page

    url = reverse("registrations:personal_invitations", args=[registration.token])
    client.post(url, {"consent": "give"})
    assert InvitationContact.objects.get().registration == registration
    page = client.get(registration.get_absolute_url()).content.decode()
    assert "Keine Einladungen mehr erhalten" in page

    response = client.post(url, {"consent": "withdraw"}, follow=True)
    assert not InvitationContact.objects.exists()
    assert "Sie erhalten keine Einladungen mehr." in response.content.decode()


def test_the_withdrawal_link_withdraws_only_on_the_button(client, conference):
    contact = invitations.give_invitation_consent(registration=consenting(conference, 5))
    url = reverse("registrations:invitation_withdraw", args=[contact.token])

    assert "Keine Einladungen mehr erhalten" in client.get(url).content.decode()
    assert InvitationContact.objects.exists()  # a mail scanner opening the link withdraws nothing

    response = client.post(url)
    assert "Sie erhalten keine Einladungen zu künftigen Tagungen mehr." in response.content.decode()
    assert not InvitationContact.objects.exists()


def test_an_unknown_withdrawal_link_answers_the_same(client, conference):
    contact = invitations.give_invitation_consent(registration=consenting(conference, 7))

    def page(token):
        content = client.get(reverse("registrations:invitation_withdraw", args=[token])).content.decode()
        return re.sub(r'(name="(?:next|csrfmiddlewaretoken)"[^>]*value=")[^"]*"', r"\1\"", content)

    assert page("unbekannt") == page(contact.token)  # the page tells nothing about the link
    response = client.post(reverse("registrations:invitation_withdraw", args=["unbekannt"]))
    assert response.status_code == 200
    assert "Sie erhalten keine Einladungen zu künftigen Tagungen mehr." in response.content.decode()
    assert InvitationContact.objects.filter(pk=contact.pk).exists()


def test_the_data_copy_shows_the_consent(client, conference):
    registration = consenting(conference, 6)
    data = client.get(reverse("registrations:personal_data_export", args=[registration.token])).json()
    assert data["einwilligungen"]["kuenftige_tagungen"]["email"] == "person6@example.org"


# ---------------------------------------------------------------- retention


def past_conference():
    ends_at = timezone.now() - dt.timedelta(days=500)
    return ConferenceFactory(starts_at=ends_at - dt.timedelta(days=2), ends_at=ends_at)


def test_retention_keeps_only_name_and_address_of_those_who_consented():
    conference = past_conference()
    kept = BindingRegistrationFactory(conference=conference, email="bleibt@example.org", salutation="frau")
    invitations.give_invitation_consent(registration=kept)
    gone = BindingRegistrationFactory(conference=conference, email="geht@example.org")

    retention.run_retention()

    contact = InvitationContact.objects.get()
    assert (
        contact.registration,
        contact.first_name,
        contact.last_name,
        contact.email,
        contact.salutation,
    ) == (
        None,
        "Anna-Lena",
        "Müller-Lüdenscheidt",
        "bleibt@example.org",
        "frau",
    )
    for registration in (kept, gone):
        registration.refresh_from_db()
        assert registration.anonymised_at is not None
        assert registration.last_name == retention.ANONYMISED
        assert registration.organisation == ""


def test_retention_keeps_nothing_for_a_person_who_asked_for_erasure():
    registration = BindingRegistrationFactory(
        conference=past_conference(), deletion_requested_at=timezone.now()
    )
    invitations.give_invitation_consent(registration=registration)

    retention.run_retention()

    assert not InvitationContact.objects.exists()


def test_retention_keeps_nothing_for_an_address_never_confirmed():
    registration = RegistrationFactory(
        conference=past_conference(), hold_expires_at=timezone.now() - dt.timedelta(days=600)
    )
    invitations.give_invitation_consent(registration=registration)

    retention.run_retention()

    assert not InvitationContact.objects.exists()


# ---------------------------------------------------------------- sending


def test_invitation_goes_to_confirmed_consenting_people_once(conference, next_year):
    consenting(conference, 1)
    consenting(conference, 2, confirmed=False)  # a stranger's address typed into a form
    pre_registered(conference, 3)  # no consent
    InvitationContact.objects.create(
        first_name="Kai", last_name="Archiv", email="kai@example.org", consented_at=timezone.now()
    )  # kept after the retention period

    assert invitations.send_invitations(conference=next_year) == 2

    mails = OutgoingMail.objects.filter(kind=invitations.INVITATION).order_by("to")
    assert [mail.to for mail in mails] == ["kai@example.org", "person1@example.org"]
    assert all(mail.registration is None for mail in mails)
    assert mails[0].subject == "Einladung: Jahrestagung 2027 in Erfurt"
    assert "Guten Tag Kai Archiv," in mails[0].body_text
    assert next_year.get_absolute_url() in mails[0].body_text
    contact = InvitationContact.objects.get(email="kai@example.org")
    assert reverse("registrations:invitation_withdraw", args=[contact.token]) in mails[0].body_text

    assert invitations.send_invitations(conference=next_year) == 0
    assert OutgoingMail.objects.filter(kind=invitations.INVITATION).count() == 2


def test_people_registered_for_the_new_conference_are_not_invited(conference, next_year):
    consenting(conference, 1)
    pre_registered(next_year, 1)  # the same address, already there

    assert invitations.send_invitations(conference=next_year) == 0


def test_an_english_speaker_gets_the_english_invitation(conference, next_year):
    consenting(conference, 1, language="en")

    invitations.send_invitations(conference=next_year)

    mail = OutgoingMail.objects.get(kind=invitations.INVITATION)
    assert mail.subject == "Invitation: Jahrestagung 2027 in Erfurt"
    assert "We warmly invite you" in mail.body_text
    assert "Programme and registration" in mail.body_html


def test_a_draft_conference_cannot_be_invited_to(conference, next_year):
    consenting(conference, 1)
    Conference.objects.filter(pk=next_year.pk).update(status=Conference.Status.DRAFT)
    next_year.refresh_from_db()

    with pytest.raises(RegistrationError, match="noch nicht veröffentlicht"):
        invitations.send_invitations(conference=next_year)
    assert not OutgoingMail.objects.filter(kind=invitations.INVITATION).exists()


# ---------------------------------------------------------------- the office


@pytest.fixture
def office(client):
    client.force_login(StaffFactory(roles=[OFFICE]))
    return client


def action(client, contacts, **data):
    return client.post(
        reverse("admin:registrations_invitationcontact_changelist"),
        {"action": "send_invitation_action", ACTION_CHECKBOX_NAME: [c.pk for c in contacts], **data},
    )


def test_office_picks_the_conference_sees_the_first_mail_then_sends_to_the_selected(
    office, conference, next_year
):
    first = invitations.give_invitation_consent(registration=consenting(conference, 1))
    invitations.give_invitation_consent(registration=consenting(conference, 2))

    step1 = action(office, [first])
    assert "Zu welcher Tagung laden Sie ein?" in step1.content.decode()
    step2 = action(office, [first], conference=next_year.pk)
    content = step2.content.decode()
    assert "Die Einladung zu „Jahrestagung 2027“ geht an <strong>1 Person</strong>." in content
    assert "Einladung: Jahrestagung 2027 in Erfurt" in content
    assert not OutgoingMail.objects.filter(kind=invitations.INVITATION).exists()

    step3 = action(office, [first], conference=next_year.pk, apply="1")
    assert step3.status_code == 302
    assert list(OutgoingMail.objects.filter(kind=invitations.INVITATION).values_list("to", flat=True)) == [
        "person1@example.org"
    ]


def test_office_cannot_invite_to_a_past_conference(office, conference):
    contact = invitations.give_invitation_consent(registration=consenting(conference, 1))
    ended = past_conference()
    response = action(office, [contact], conference=ended.pk)
    assert "Zu dieser Tagung kann nicht eingeladen werden" in response.content.decode()
    assert not OutgoingMail.objects.filter(kind=invitations.INVITATION).exists()


def test_contact_list_runs_a_constant_number_of_queries(office, conference, django_assert_max_num_queries):
    invitations.give_invitation_consent(registration=consenting(conference, 1))
    url = reverse("admin:registrations_invitationcontact_changelist")
    with CaptureQueriesContext(connection) as one:
        assert office.get(url).status_code == 200
    for n in range(2, 8):
        invitations.give_invitation_consent(registration=consenting(conference, n))
    with django_assert_max_num_queries(len(one)):
        response = office.get(url)
    assert response.context["cl"].result_count == 7


def test_colleagues_sharing_a_mailbox_each_get_their_own_invitation(conference, next_year):
    consenting(conference, 1, email="sozialplanung@example.org", first_name="Ada")
    consenting(conference, 2, email="sozialplanung@example.org", first_name="Bea")

    assert invitations.send_invitations(conference=next_year) == 2

    bodies = sorted(
        OutgoingMail.objects.filter(kind=invitations.INVITATION).values_list("body_text", flat=True)
    )
    assert bodies[0].startswith("Guten Tag Ada Beispiel,")
    assert bodies[1].startswith("Guten Tag Bea Beispiel,")


# ---------------------------------------------------------------- the group form (issue 15, review gap 4)


def _group_form(conference, **extra):
    """The group form as a browser posts it: the shared contact data, ticked boxes as "on"."""
    return {
        **{name: value for name, value in group_contact_data().items() if value not in ("", True)},
        "privacy_consent": "on",
        "terms_accepted": "on",
        "person-TOTAL_FORMS": "1",
        "person-INITIAL_FORMS": "0",
        "person-MIN_NUM_FORMS": "1",
        "person-MAX_NUM_FORMS": "20",
        "person-0-first_name": "Anna",
        "person-0-last_name": "Beispiel",
        **extra,
    }


def test_the_group_form_offers_the_contacts_invitation_consent_unticked(client, conference):
    url = reverse("registrations:group_register", kwargs={"slug": conference.slug})
    html = client.get(url).content.decode()
    assert LABEL in html
    field = re.search(r'<input[^>]*name="invitation_consent"[^>]*>', html).group(0)
    assert "checked" not in field


def test_the_contacts_ticked_consent_is_recorded_once_the_contact_confirms(client, conference):
    from registrations.models import GroupRegistration

    url = reverse("registrations:group_register", kwargs={"slug": conference.slug})
    response = client.post(url, _group_form(conference, invitation_consent="on"), follow=True)
    assert response.status_code == 200
    group = GroupRegistration.objects.get()
    assert group.invitation_consent is True
    assert not InvitationContact.objects.exists()  # a stranger's address typed in gets nothing
    client.get(group.get_absolute_url())
    contact = InvitationContact.objects.get()
    assert (contact.first_name, contact.last_name, contact.email) == (
        "Sabine",
        "Sekretär",
        "sekretariat@kreis-beispiel.de",
    )
    assert contact.registration is None
    # Only the contact consented: the colleague was not signed up for invitations on their behalf.
    assert not InvitationContact.objects.filter(first_name="Anna").exists()


def test_without_the_tick_the_contact_gets_no_invitations(client, conference):
    from registrations.models import GroupRegistration

    url = reverse("registrations:group_register", kwargs={"slug": conference.slug})
    client.post(url, _group_form(conference), follow=True)
    group = GroupRegistration.objects.get()
    client.get(group.get_absolute_url())
    assert not InvitationContact.objects.exists()

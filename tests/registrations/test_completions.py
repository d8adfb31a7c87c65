"""One rule for an address that is registered already (issue 15, defect 1): what the person typed is
kept as a pending completion, mailed to the owner, and applied only from that mail; a repeated
submission (double click) is one submission (defect 4)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from registrations.domain import lifecycle
from registrations.domain.completions import CompletionClosed
from registrations.models import FormSubmission, Invoice, OutgoingMail, PendingCompletion, Registration
from tests.factories import (
    ConferenceFactory,
    binding_data,
    employer_billing,
    pre_registered,
    pre_registration_data,
)

pytestmark = pytest.mark.django_db

TOKEN = "t" * 32


@pytest.fixture
def conference():
    return ConferenceFactory(places=5, payment_terms="Zahlbar binnen 14 Tagen.")


def confirmed_pre_registration(conference, n=1, **extra):
    registration = pre_registered(conference, n, **extra)
    return lifecycle.confirm_address(registration=registration)


def typed_binding(n=1, **extra):
    """The binding form as person n fills it in on the conference page, employer billing and all."""
    return {**pre_registration_data(n), **employer_billing(), "privacy_consent": True, **extra}


def test_the_binding_form_for_a_pre_registered_address_keeps_what_was_typed(
    conference, django_capture_on_commit_callbacks
):
    registration = confirmed_pre_registration(conference)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        answer, created = lifecycle.register_binding(conference=conference, data=typed_binding())
    assert (answer.pk, created) == (registration.pk, False)
    registration.refresh_from_db()
    assert registration.stage == Registration.Stage.PRE  # nothing is applied behind the owner's back
    completion = PendingCompletion.objects.get()
    assert completion.registration == registration
    assert completion.form == PendingCompletion.Form.BINDING
    assert completion.data["billing_organisation"] == "Landkreis Beispiel"
    assert completion.data["leitweg_id"] == "04011000-1234512345-06"
    assert completion.data["terms_accepted"] is True
    assert completion.applied_at is None
    assert completion.expires_at == completion.created_at + dt.timedelta(hours=72)
    assert [m.to for m in mail.outbox] == [["person1@example.org"]]
    body = mail.outbox[0].body
    assert completion.get_absolute_url() in body
    assert "Verbindliche Anmeldung mit Zahlungsvereinbarung" in body
    assert "250,00\xa0€" in body or "300,00\xa0€" in body
    assert "Landkreis Beispiel" in body
    assert Registration.objects.count() == 1


def test_applying_the_completion_registers_bindingly_with_the_typed_data(
    conference, django_capture_on_commit_callbacks
):
    registration = confirmed_pre_registration(conference)
    lifecycle.register_binding(conference=conference, data=typed_binding())
    completion = PendingCompletion.objects.get()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        applied = lifecycle.apply_completion(completion=completion)
    assert applied.pk == registration.pk
    assert applied.is_binding and applied.holds_place
    assert applied.billing_recipient == "employer"
    assert applied.billing_organisation == "Landkreis Beispiel"
    assert applied.order_number == "PO-4711"
    assert applied.fee == Decimal("300.00")  # not a member: the fee the normal rule freezes
    assert applied.terms_consent is not None
    assert Invoice.objects.filter(registration=applied).count() == 1
    assert OutgoingMail.objects.filter(registration=applied, kind="registration_confirmed").count() == 1
    completion.refresh_from_db()
    assert completion.applied_at is not None
    assert completion.data == {}  # the typed data is not kept twice


def test_applying_confirms_an_unconfirmed_address(conference):
    registration = pre_registered(conference)
    assert registration.awaits_confirmation
    lifecycle.register_binding(conference=conference, data=typed_binding())
    applied = lifecycle.apply_completion(completion=PendingCompletion.objects.get())
    assert not applied.awaits_confirmation
    assert applied.is_binding
    assert Invoice.objects.filter(registration=applied).count() == 1


def test_an_applied_completion_cannot_be_applied_again(conference):
    confirmed_pre_registration(conference)
    lifecycle.register_binding(conference=conference, data=typed_binding())
    completion = PendingCompletion.objects.get()
    lifecycle.apply_completion(completion=completion)
    with pytest.raises(CompletionClosed, match="bereits übernommen"):
        lifecycle.apply_completion(completion=completion)
    assert Invoice.objects.count() == 1


def test_an_expired_completion_is_refused_and_changes_nothing(conference):
    registration = confirmed_pre_registration(conference)
    lifecycle.register_binding(conference=conference, data=typed_binding())
    completion = PendingCompletion.objects.get()
    later = completion.expires_at + dt.timedelta(minutes=1)
    with pytest.raises(CompletionClosed, match="abgelaufen"):
        lifecycle.apply_completion(completion=completion, now=later)
    registration.refresh_from_db()
    assert registration.stage == Registration.Stage.PRE


def test_newer_input_supersedes_the_older_completion(conference):
    confirmed_pre_registration(conference)
    lifecycle.register_binding(conference=conference, data=typed_binding(order_number="ALT-1"))
    lifecycle.register_binding(conference=conference, data=typed_binding(order_number="NEU-2"))
    older, newer = PendingCompletion.objects.order_by("pk")
    with pytest.raises(CompletionClosed, match="neuere Angaben"):
        lifecycle.apply_completion(completion=older)
    assert lifecycle.apply_completion(completion=newer).order_number == "NEU-2"


def test_applying_after_the_binding_deadline_is_refused_and_the_completion_stays_open(conference):
    confirmed_pre_registration(conference)
    lifecycle.register_binding(conference=conference, data=typed_binding())
    completion = PendingCompletion.objects.get()
    conference.registration_deadline = timezone.localdate() - dt.timedelta(days=1)
    conference.save()
    with pytest.raises(lifecycle.RegistrationError):
        lifecycle.apply_completion(completion=completion)
    completion.refresh_from_db()
    assert completion.applied_at is None
    assert completion.data["billing_organisation"] == "Landkreis Beispiel"


def test_the_pre_registration_form_with_changed_data_keeps_them_for_the_owner(conference):
    registration = confirmed_pre_registration(conference)
    lifecycle.pre_register(conference=conference, data=pre_registration_data(1, organisation="Kreis Lippe"))
    registration.refresh_from_db()
    assert registration.organisation == "Stadt 1"
    completion = PendingCompletion.objects.get()
    assert completion.form == PendingCompletion.Form.PRE_REGISTRATION
    assert lifecycle.apply_completion(completion=completion).organisation == "Kreis Lippe"


def test_the_pre_registration_form_with_nothing_new_only_sends_the_link_again(
    conference, django_capture_on_commit_callbacks
):
    confirmed_pre_registration(conference)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.pre_register(conference=conference, data=pre_registration_data(1))
    assert PendingCompletion.objects.count() == 0
    assert OutgoingMail.objects.filter(kind="link_resent").count() == 1
    assert "besteht bereits eine Anmeldung" in mail.outbox[0].body


def test_the_binding_form_for_a_binding_registration_corrects_its_data_on_apply(conference):
    registration, _ = lifecycle.register_binding(conference=conference, data=binding_data(1))
    registration = lifecycle.confirm_address(registration=registration)
    first_invoice = Invoice.objects.get(registration=registration)
    lifecycle.register_binding(
        conference=conference, data=binding_data(1, billing_street="Neuer Weg 7", is_member=True)
    )
    completion = PendingCompletion.objects.get()
    applied = lifecycle.apply_completion(completion=completion)
    assert applied.billing_street == "Neuer Weg 7"
    assert applied.is_member is False  # the fee is frozen: membership goes through the office
    assert applied.fee == registration.fee
    assert Invoice.objects.filter(registration=applied).exclude(pk=first_invoice.pk).exists()


def test_a_cancelled_registration_is_not_completed(conference):
    registration = confirmed_pre_registration(conference)
    lifecycle.register_binding(conference=conference, data=typed_binding())
    lifecycle.cancel(registration=registration)
    with pytest.raises(lifecycle.RegistrationError, match="storniert"):
        lifecycle.apply_completion(completion=PendingCompletion.objects.get())


# ---------------------------------------------------------------- a repeated submission


def test_a_repeated_binding_submission_is_one_registration_with_one_set_of_mails(conference):
    first, created = lifecycle.register_binding(
        conference=conference, data=typed_binding(submission_token=TOKEN)
    )
    mails = OutgoingMail.objects.count()
    again, created_again = lifecycle.register_binding(
        conference=conference, data=typed_binding(submission_token=TOKEN)
    )
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert Registration.objects.count() == 1
    assert OutgoingMail.objects.count() == mails
    assert PendingCompletion.objects.count() == 0
    assert FormSubmission.objects.get().registration == first


def test_a_repeated_pre_registration_submission_sends_nothing_more(conference):
    lifecycle.pre_register(conference=conference, data=pre_registration_data(1, submission_token=TOKEN))
    lifecycle.pre_register(conference=conference, data=pre_registration_data(1, submission_token=TOKEN))
    assert Registration.objects.count() == 1
    assert OutgoingMail.objects.count() == 1


def test_the_same_token_with_other_data_is_a_new_submission(conference):
    lifecycle.register_binding(conference=conference, data=typed_binding(submission_token=TOKEN))
    lifecycle.register_binding(
        conference=conference, data=typed_binding(submission_token=TOKEN, order_number="PO-9")
    )
    assert PendingCompletion.objects.get().data["order_number"] == "PO-9"  # kept, not dropped


def test_a_repeated_binding_submission_from_the_personal_link_returns_the_registration(conference):
    registration = confirmed_pre_registration(conference)
    data = binding_data(1, submission_token=TOKEN)
    lifecycle.register_binding(conference=conference, registration=registration, data=data)
    again, created = lifecycle.register_binding(conference=conference, registration=registration, data=data)
    assert (again.pk, created) == (registration.pk, False)
    assert Invoice.objects.count() == 1
    with pytest.raises(lifecycle.AlreadyRegistered):  # another submission still says so
        lifecycle.register_binding(conference=conference, registration=registration, data=binding_data(1))


def test_anonymising_deletes_pending_completions(conference):
    from registrations.domain.retention import anonymise_registration

    registration = confirmed_pre_registration(conference)
    lifecycle.register_binding(conference=conference, data=typed_binding())
    anonymise_registration(registration=registration, force=True)
    assert PendingCompletion.objects.count() == 0


def test_the_data_copy_holds_the_pending_completion(conference):
    from registrations.queries.privacy import personal_data

    registration = confirmed_pre_registration(conference)
    lifecycle.register_binding(conference=conference, data=typed_binding())
    (entry,) = personal_data(registration)["ausstehende_eingaben"]
    assert entry["formular"] == "Verbindliche Anmeldung"
    assert entry["eingaben"]["billing_organisation"] == "Landkreis Beispiel"


def test_the_daily_retention_run_deletes_completions_a_week_after_they_expired(conference):
    from registrations.domain.retention import run_retention

    confirmed_pre_registration(conference)
    lifecycle.register_binding(conference=conference, data=typed_binding())
    completion = PendingCompletion.objects.get()
    run_retention(now=completion.expires_at + dt.timedelta(days=6))
    assert PendingCompletion.objects.count() == 1  # its link still says that it expired
    run_retention(now=completion.expires_at + dt.timedelta(days=8))
    assert PendingCompletion.objects.count() == 0


def test_a_correction_after_the_binding_registration_moves_the_workshop_and_keeps_the_rest(conference):
    from tests.factories import WorkshopFactory, WorkshopPhaseFactory

    phase = WorkshopPhaseFactory(conference=conference)
    first, second = WorkshopFactory(phase=phase), WorkshopFactory(phase=phase)
    registration, _ = lifecycle.register_binding(
        conference=conference, data=binding_data(1, workshop_choices={phase.pk: first.pk})
    )
    lifecycle.register_binding(
        conference=conference, data=binding_data(1, workshop_choices={phase.pk: second.pk})
    )
    completion = PendingCompletion.objects.get()
    applied = lifecycle.apply_completion(completion=completion)
    assert list(applied.workshop_bookings.values_list("workshop_id", flat=True)) == [second.pk]


# ---------------------------------------------------------------- the invitation consent (issue 15, review gap 4)


def test_a_pending_completion_carries_the_invitation_consent_and_applying_gives_it(conference):
    from registrations.queries.completions import completion_plan
    from registrations.queries.invitations import invitation_consent_of

    registration = confirmed_pre_registration(conference)
    lifecycle.pre_register(conference=conference, data=pre_registration_data(1, invitation_consent=True))
    completion = PendingCompletion.objects.get()
    assert completion.data["invitation_consent"] is True
    assert invitation_consent_of(registration) is None  # nothing before the owner applies it
    plan = completion_plan(registration, completion.data, completion.form)
    assert ("Über künftige Tagungen informieren", "nein", "ja") in [
        (c.label, c.before, c.after) for c in plan.changes
    ]
    lifecycle.apply_completion(completion=completion)
    assert invitation_consent_of(registration) is not None


def test_the_binding_forms_invitation_consent_survives_the_completion_of_a_pre_registration(conference):
    from registrations.queries.invitations import invitation_consent_of

    registration = confirmed_pre_registration(conference)
    lifecycle.register_binding(conference=conference, data=typed_binding(1, invitation_consent=True))
    completion = PendingCompletion.objects.get()
    assert completion.data["invitation_consent"] is True
    applied = lifecycle.apply_completion(completion=completion)
    assert applied.is_binding
    assert invitation_consent_of(registration) is not None

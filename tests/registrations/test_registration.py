import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from core.exceptions import RegistrationError
from registrations.domain import lifecycle
from registrations.domain.lifecycle import AlreadyRegistered, register_binding
from registrations.models import (
    ConsentText,
    Invoice,
    Member,
    OutgoingMail,
    Registration,
    WorkshopBooking,
)
from registrations.queries import places as place_queries
from registrations.rules.windows import binding_window
from tests.factories import (
    ConferenceFactory,
    ProgrammeItemFactory,
    WorkshopFactory,
    WorkshopPhaseFactory,
    employer_billing,
    pre_registered,
    pre_registration_data,
)

pytestmark = pytest.mark.django_db


def binding_data(n=1, **extra):
    """Billed to the employer, with every optional answer given: the tests read them back."""
    return pre_registration_data(
        n,
        **{
            "salutation": "frau",
            "last_name": "Müller",
            "organisation": "Landkreis Beispiel",
            "is_member": True,
            "member_number": "1001",
            "dietary_needs": "vegetarisch",
            "accessibility_needs": "",
            "list_consent": True,
            **employer_billing(**extra),
        },
    )


@pytest.fixture
def conference():
    return ConferenceFactory(places=2, payment_terms="Zahlbar binnen 14 Tagen. Storno kostenfrei bis 4.7.")


def test_pre_registration_holding_a_place_becomes_binding_and_keeps_it(conference):
    pre_registration = pre_registered(conference)
    pre_registered(conference, 2)
    registration, created = register_binding(
        conference=conference, registration=pre_registration, data=binding_data()
    )
    assert created is True
    assert registration.pk == pre_registration.pk
    assert registration.stage == Registration.Stage.BINDING
    assert registration.status == Registration.Status.HOLDS_PLACE
    assert registration.fee == Decimal("250.00")
    assert registration.registered_at is not None
    assert registration.billing_organisation == "Landkreis Beispiel"
    assert registration.leitweg_id == "04011000-1234512345-06"
    assert registration.list_consent is True
    assert registration.terms_consent.kind == ConsentText.Kind.TERMS
    assert registration.terms_consent.conference == conference
    assert registration.terms_consent.body == "Zahlbar binnen 14 Tagen. Storno kostenfrei bis 4.7."
    assert registration.terms_accepted_at == registration.registered_at
    assert place_queries.places_left(conference) == 0
    assert Registration.objects.count() == 2


def test_waiting_pre_registration_becomes_binding_but_keeps_waiting(conference):
    pre_registered(conference, 1)
    pre_registered(conference, 2)
    waiting = pre_registered(conference, 3)
    registration, _ = register_binding(conference=conference, registration=waiting, data=binding_data(3))
    assert registration.stage == Registration.Stage.BINDING
    assert registration.status == Registration.Status.WAITING
    assert registration.invoices.count() == 0
    assert OutgoingMail.objects.filter(registration=registration).latest("pk").kind == "registration_waiting"


def test_binding_waiting_registration_moving_up_gets_its_invoice(conference):
    holder = pre_registered(conference, 1)
    pre_registered(conference, 2)
    waiting = pre_registered(conference, 3)
    register_binding(conference=conference, registration=waiting, data=binding_data(3))
    lifecycle.cancel(registration=holder)
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.HOLDS_PLACE
    assert [(i.kind, i.amount) for i in waiting.invoices.all()] == [("invoice", Decimal("250.00"))]


def test_new_person_gets_a_place_while_places_are_free_then_the_waiting_list(conference):
    first, created = register_binding(conference=conference, data=binding_data(1))
    second, _ = register_binding(conference=conference, data=binding_data(2, is_member=False))
    third, _ = register_binding(conference=conference, data=binding_data(3))
    assert created is True
    assert [first.status, second.status, third.status] == ["holds_place", "holds_place", "waiting"]
    assert second.fee == Decimal("300.00")
    assert second.fee_category == "non_member"
    assert second.member_number == ""
    assert place_queries.waiting_position(third) == 1
    assert first.privacy_consent is not None


def test_same_person_twice_creates_no_second_record_and_keeps_the_typed_data_for_the_owner(
    conference, django_capture_on_commit_callbacks
):
    # Issue 15: the same person is the same address *and* name (rules.personal.person_key), however
    # written; before, any second name under the address was dropped (see the colleague test below).
    first, _ = register_binding(conference=conference, data=binding_data(1))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        again, created = register_binding(
            conference=conference,
            data=binding_data(
                1,
                email=" PERSON1@Example.org",
                first_name=" PERSON1",
                last_name="MÜLLER ",
                organisation="Fremd",
            ),
        )
    assert created is False
    assert again.pk == first.pk
    assert Registration.objects.count() == 1
    again.refresh_from_db()
    assert again.organisation == first.organisation != "Fremd"  # nothing changes before the owner applies it
    assert again.pending_completions.get().data["organisation"] == "Fremd"
    assert [m.to for m in mail.outbox] == [["person1@example.org"]]
    assert "bereits Ihre Anmeldung" in mail.outbox[0].body


def test_replayed_binding_of_a_pre_registration_raises_already_registered(conference):
    pre_registration = pre_registered(conference)
    register_binding(conference=conference, registration=pre_registration, data=binding_data())
    with pytest.raises(AlreadyRegistered):
        register_binding(conference=conference, registration=pre_registration, data=binding_data())
    assert Registration.objects.count() == 1
    assert Invoice.objects.count() == 1


def test_terms_must_be_accepted(conference):
    with pytest.raises(RegistrationError, match="Zahlungsvereinbarung"):
        register_binding(conference=conference, data=binding_data(terms_accepted=False))
    assert Registration.objects.count() == 0


def test_changed_terms_between_form_and_submit_are_refused(conference):
    with pytest.raises(RegistrationError, match="inzwischen geändert"):
        register_binding(conference=conference, data=binding_data(terms_version="7"))


def test_terms_version_stays_with_the_registration_when_the_office_edits_the_text(conference):
    first, _ = register_binding(conference=conference, data=binding_data(1))
    conference.payment_terms = "Neue Bedingungen."
    conference.save()
    second, _ = register_binding(conference=conference, data=binding_data(2))
    first.refresh_from_db()
    assert (first.terms_consent.version, second.terms_consent.version) == (1, 2)
    assert first.terms_consent.body.startswith("Zahlbar binnen")


def test_default_terms_are_used_when_the_office_wrote_none():
    conference = ConferenceFactory(payment_terms="")
    registration, _ = register_binding(conference=conference, data=binding_data())
    assert "250,00\xa0€" in registration.terms_consent.body
    assert "300,00\xa0€" in registration.terms_consent.body


def test_employer_billing_needs_an_address(conference):
    with pytest.raises(RegistrationError, match="Rechnungsanschrift"):
        register_binding(conference=conference, data=binding_data(billing_organisation=""))


def test_billing_to_the_person_drops_employer_fields(conference):
    registration, _ = register_binding(conference=conference, data=binding_data(billing_recipient="person"))
    assert registration.billing_organisation == ""
    assert registration.leitweg_id == ""
    assert registration.billing_address_lines == ["Person1 Müller", "Hauptstraße 1", "50667 Köln"]


def test_members_only_evening_event_is_refused_for_non_members(conference):
    members = ProgrammeItemFactory(
        conference=conference, kind="evening", members_only=True, requires_signup=True
    )
    with pytest.raises(RegistrationError, match="nur für Mitglieder"):
        register_binding(
            conference=conference, data=binding_data(is_member=False, evening_events=[members.pk])
        )
    assert Registration.objects.count() == 0


def test_evening_events_are_stored_for_members(conference):
    members = ProgrammeItemFactory(
        conference=conference, kind="evening", title="Empfang", members_only=True, requires_signup=True
    )
    everyone = ProgrammeItemFactory(
        conference=conference, kind="evening", title="Abendessen", requires_signup=True
    )
    registration, _ = register_binding(
        conference=conference, data=binding_data(evening_events=[members.pk, str(everyone.pk)])
    )
    assert sorted(registration.evening_events.values_list("title", flat=True)) == ["Abendessen", "Empfang"]


def test_evening_event_of_another_conference_or_without_signup_is_refused(conference):
    foreign = ProgrammeItemFactory(kind="evening", requires_signup=True)
    talk = ProgrammeItemFactory(conference=conference)
    for item in (foreign, talk):
        with pytest.raises(RegistrationError):
            register_binding(conference=conference, data=binding_data(evening_events=[item.pk]))
    with pytest.raises(RegistrationError):
        register_binding(conference=conference, data=binding_data(evening_events=["x"]))


def test_window_closes_after_the_deadline_but_the_office_may_register(conference, time_machine):
    deadline = conference.registration_deadline
    time_machine.move_to(
        timezone.make_aware(dt.datetime.combine(deadline + dt.timedelta(days=1), dt.time(9))), tick=False
    )
    window = binding_window(conference)
    assert window.is_open is False
    assert window.reason.startswith(
        f"Die Frist für die verbindliche Anmeldung ist am {deadline:%d.%m.%Y} abgelaufen"
    )
    with pytest.raises(RegistrationError, match="abgelaufen"):
        register_binding(conference=conference, data=binding_data())
    registration, _ = register_binding(
        conference=conference, data=binding_data(), source=Registration.Source.OFFICE
    )
    assert registration.source == Registration.Source.OFFICE
    assert registration.holds_place


def test_window_is_open_on_the_deadline_day(conference, time_machine):
    time_machine.move_to(
        timezone.make_aware(dt.datetime.combine(conference.registration_deadline, dt.time(23, 30))),
        tick=False,
    )
    assert binding_window(conference).is_open is True


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"status": "draft"}, "nicht veröffentlicht"),
        ({"places": 0}, "keine Anmeldung möglich"),
    ],
)
def test_window_closed_for_drafts_and_conferences_without_places(changes, reason):
    conference = ConferenceFactory(**changes)
    assert reason in binding_window(conference).reason


def test_membership_is_checked_against_the_member_list(conference):
    Member.objects.create(member_number="1001", name="Person1 Müller", email="")
    verified, _ = register_binding(conference=conference, data=binding_data(1))
    flagged, _ = register_binding(conference=conference, data=binding_data(2, member_number="999"))
    assert verified.membership_check == Registration.MembershipCheck.VERIFIED
    assert flagged.membership_check == Registration.MembershipCheck.CHECK
    assert flagged.fee == Decimal("250.00")


def test_confirmation_mail_carries_summary_ical_and_invoice(conference, django_capture_on_commit_callbacks):
    phase = WorkshopPhaseFactory(conference=conference, number=1)
    workshop = WorkshopFactory(phase=phase, title="Daten & <Planung>")
    pre_registration = pre_registered(conference)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        registration, _ = register_binding(
            conference=conference,
            registration=pre_registration,
            data=binding_data(workshop_choices={phase.pk: workshop.pk}),
        )
    queued = OutgoingMail.objects.get(registration=registration, kind="registration_confirmed")
    invoice = Invoice.objects.get(registration=registration)
    attachments = {a.filename: a for a in queued.attachments.all()}
    assert set(attachments) == {f"{conference.slug}.ics", f"Rechnung_{invoice.number}.pdf"}
    assert attachments[f"Rechnung_{invoice.number}.pdf"].invoice == invoice
    assert bytes(attachments[f"{conference.slug}.ics"].content).startswith(b"BEGIN:VCALENDAR")
    assert queued.subject == f"Ihre verbindliche Anmeldung: {conference.title}"
    assert "250,00\xa0€" in queued.body_text
    assert "1. Arbeitsphase: Daten & <Planung>" in queued.body_text
    assert "Daten &amp; &lt;Planung&gt;" in queued.body_html
    assert "Leitweg-ID: 04011000-1234512345-06" in queued.body_text
    assert "Zahlbar binnen 14 Tagen" in queued.body_text
    assert registration.get_absolute_url() in queued.body_text
    assert invoice.number in queued.body_text
    assert WorkshopBooking.objects.get(registration=registration).workshop == workshop
    sent = [m for m in mail.outbox if m.subject == queued.subject]
    assert len(sent) == 1
    assert f"{conference.slug}.ics" in [a[0] for a in sent[0].attachments]


def test_full_workshop_rolls_the_whole_registration_back(conference):
    phase = WorkshopPhaseFactory(conference=conference, number=1)
    workshop = WorkshopFactory(phase=phase, seat_limit=1, title="Voll")
    register_binding(conference=conference, data=binding_data(1, workshop_choices={phase.pk: workshop.pk}))
    late = pre_registered(conference, 2)
    with pytest.raises(RegistrationError, match="ausgebucht"):
        register_binding(
            conference=conference,
            registration=late,
            data=binding_data(2, workshop_choices={phase.pk: workshop.pk}),
        )
    late.refresh_from_db()
    assert late.stage == Registration.Stage.PRE
    assert late.fee is None
    assert Invoice.objects.filter(registration=late).count() == 0


def test_cancelled_pre_registration_cannot_become_binding(conference):
    registration = pre_registered(conference)
    lifecycle.cancel(registration=registration)
    with pytest.raises(RegistrationError, match="storniert"):
        register_binding(conference=conference, registration=registration, data=binding_data())


def test_change_into_another_registrations_person_is_refused(conference):
    pre_registered(conference, 1)
    second = pre_registered(conference, 2)
    with pytest.raises(RegistrationError, match="schon eine Anmeldung"):
        register_binding(
            conference=conference,
            registration=second,
            data=binding_data(2, email="person1@example.org", first_name="Person1", last_name="Beispiel"),
        )


def test_email_change_to_a_colleagues_address_is_allowed(conference):
    pre_registered(conference, 1)
    second = pre_registered(conference, 2)
    registered, _ = register_binding(
        conference=conference, registration=second, data=binding_data(2, email="person1@example.org")
    )
    assert registered.email == "person1@example.org"
    assert Registration.objects.active().filter(email="person1@example.org").count() == 2


# ---------------------------------------------------------------- substitute

SUBSTITUTE = {
    "salutation": "herr",
    "academic_title": "",
    "first_name": "Bernd",
    "last_name": "Ersatz",
    "email": "Bernd.Ersatz@example.org",
    "organisation": "Landkreis Beispiel",
    "position": "Jugendhilfeplanung",
    "is_member": True,
    "member_number": "1001",
}


def test_substitute_takes_over_place_invoice_recipient_and_gets_a_new_link(
    conference, django_capture_on_commit_callbacks
):
    from registrations.domain.lifecycle import substitute

    registration, _ = register_binding(
        conference=conference, registration=pre_registered(conference), data=binding_data()
    )
    old_token = registration.token
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        result = substitute(registration=registration, data=SUBSTITUTE)
    taken = result.registration
    # New rule (trust round 2): the substitute gets a new registration; the previous one ends.
    assert taken.pk != registration.pk
    assert result.previous.pk == registration.pk
    registration.refresh_from_db()
    assert (registration.status, registration.substituted_by) == (Registration.Status.CANCELLED, taken)
    assert registration.token == old_token  # the old link shows the ended registration
    assert taken.token != old_token
    assert (taken.first_name, taken.email) == ("Bernd", "bernd.ersatz@example.org")
    assert taken.status == Registration.Status.HOLDS_PLACE
    assert taken.billing_organisation == "Landkreis Beispiel"
    assert taken.billing_address_lines[0] == "Landkreis Beispiel"
    # The substitute's record names the previous person, not their address.
    assert "Ersatzperson für Person1 Müller" in taken.substitution_note
    assert "person1@example.org" not in taken.substitution_note
    assert "an Bernd Ersatz <bernd.ersatz@example.org> übergeben" in registration.substitution_note
    assert taken.privacy_consent is None
    assert taken.list_consent is False
    assert any("Ersatzperson für Person1" in (h.history_change_reason or "") for h in taken.history.all())
    by_recipient = {m.to[0]: m for m in mail.outbox}
    # The reissued invoice goes to the accounts office, the new participant in copy (issue 16).
    assert set(by_recipient) == {
        "person1@example.org",
        "bernd.ersatz@example.org",
        "rechnung@landkreis-beispiel.de",
    }
    assert by_recipient["rechnung@landkreis-beispiel.de"].cc == ["bernd.ersatz@example.org"]
    assert "Bernd Ersatz" in by_recipient["person1@example.org"].body
    assert old_token not in by_recipient["person1@example.org"].body
    assert taken.get_absolute_url() in by_recipient["bernd.ersatz@example.org"].body
    assert "Person1 Müller hat Sie als Ersatzperson benannt" in by_recipient["bernd.ersatz@example.org"].body
    # Each person's invoices stay on their own registration (they used to be all on one row).
    invoices = Invoice.objects.filter(registration__in=[registration, taken]).order_by("pk")
    assert [(i.registration_id, i.kind, i.amount) for i in invoices] == [
        (registration.pk, "invoice", Decimal("250.00")),
        (registration.pk, "cancellation", Decimal("-250.00")),
        (taken.pk, "invoice", Decimal("250.00")),
    ]
    assert invoices.last().participant_name == "Bernd Ersatz"


def test_non_member_substitute_pays_the_non_member_fee(conference):
    from registrations.domain.lifecycle import substitute

    registration, _ = register_binding(conference=conference, data=binding_data())
    registration = lifecycle.confirm_address(registration=registration)  # the mailed link
    taken = substitute(registration=registration, data={**SUBSTITUTE, "is_member": False}).registration
    assert (taken.fee_category, taken.fee, taken.member_number) == ("non_member", Decimal("300.00"), "")
    assert taken.invoices.get(kind="invoice", cancelled_by__isnull=True).amount == Decimal("300.00")


@pytest.mark.parametrize("n", [1, 2])
def test_substitute_who_is_a_registered_person_is_refused(conference, n):
    from registrations.domain.lifecycle import substitute

    registration, _ = register_binding(conference=conference, data=binding_data(1))
    register_binding(conference=conference, data=binding_data(2))
    person = {"email": f"PERSON{n}@example.org", "first_name": f"Person{n}", "last_name": "Müller"}
    with pytest.raises(RegistrationError, match="schon eine Anmeldung"):
        substitute(registration=registration, data={**SUBSTITUTE, **person})


def test_colleague_with_the_same_address_may_take_over_as_substitute(conference):
    from registrations.domain.lifecycle import substitute

    registration, _ = register_binding(conference=conference, data=binding_data(1))
    taken = substitute(registration=registration, data={**SUBSTITUTE, "email": "person1@example.org"})
    assert (taken.substitute.email, taken.substitute.first_name) == ("person1@example.org", "Bernd")
    assert taken.substitute.holds_place


def test_pre_registration_cannot_name_a_substitute(conference):
    from registrations.domain.lifecycle import substitute

    with pytest.raises(RegistrationError, match="nach der verbindlichen Anmeldung"):
        substitute(registration=pre_registered(conference), data=SUBSTITUTE)


def test_binding_registration_moving_up_gets_the_confirmation_with_its_invoice(
    conference, django_capture_on_commit_callbacks
):
    holder = pre_registered(conference, 1)
    pre_registered(conference, 2)
    waiting, _ = register_binding(
        conference=conference, registration=pre_registered(conference, 3), data=binding_data(3)
    )
    lifecycle.cancel(registration=holder)
    waiting.refresh_from_db()
    invoice = Invoice.objects.get(registration=waiting)
    confirmed = OutgoingMail.objects.get(registration=waiting, kind="registration_confirmed")
    assert "Ihre verbindliche Anmeldung von der Warteliste gilt jetzt" in confirmed.body_text
    assert [a.invoice for a in confirmed.attachments.all() if a.invoice_id] == [invoice]
    # One mail to the person for the one event, the invoice attached once; the accounts office at the
    # billing address gets the invoice mail of its own (the Money issue's routing).
    mails = OutgoingMail.objects.filter(registration=waiting, created_at__gte=waiting.moved_up_at)
    assert sorted((mail.kind, mail.to) for mail in mails) == [
        ("invoice_documents", invoice.recipient_email),
        ("registration_confirmed", waiting.email),
    ]


def test_pre_registration_moving_up_gets_no_binding_confirmation(conference):
    holder = pre_registered(conference, 1)
    pre_registered(conference, 2)
    waiting = pre_registered(conference, 3)
    lifecycle.cancel(registration=holder)
    assert not OutgoingMail.objects.filter(registration=waiting, kind="registration_confirmed").exists()
    assert (
        "Bitte melden Sie sich" in OutgoingMail.objects.get(registration=waiting, kind="moved_up").body_text
    )

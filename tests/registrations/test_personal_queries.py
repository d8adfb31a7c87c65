"""The personal page reads a small, fixed number of queries, and its shortcuts show what the services say."""

from decimal import Decimal

import pytest
from django.utils import timezone

from programme.models import ProgrammeItem, WorkshopPhase
from registrations.models import ConsentText, GroupAssignment, Invoice, Registration
from registrations.queries import balances
from registrations.queries import workshops as workshop_queries
from registrations.queries.personal import keep_personal_phases, personal_bookings, personal_phases
from tests.factories import (
    ConferenceFactory,
    DiscussionGroupFactory,
    GroupMembershipFactory,
    InvoiceFactory,
    PaymentFactory,
    PersonFactory,
    ProgrammeItemFactory,
    RegistrationFactory,
    WorkshopBookingFactory,
    WorkshopFactory,
    WorkshopPhaseFactory,
)

pytestmark = pytest.mark.django_db


def everything(conference, registration):
    """Workshops (a seat and a wish on a waiting list), discussion groups, evening event, terms, money."""
    choose = WorkshopPhaseFactory(conference=conference, number=1, title="Praxis")
    seat = WorkshopFactory(phase=choose, title="Quartier", seat_limit=10)
    later = WorkshopPhaseFactory(conference=conference, number=2, title="Vertiefung")
    full = WorkshopFactory(phase=later, title="Sozialraum", seat_limit=1)
    WorkshopBookingFactory(workshop=full, registration=RegistrationFactory(conference=conference))
    WorkshopBookingFactory(workshop=seat, registration=registration)
    WorkshopBookingFactory(workshop=full, registration=registration, status="waiting")
    first = WorkshopPhaseFactory(conference=conference, number=3, mode=WorkshopPhase.Mode.GROUPS)
    WorkshopPhaseFactory(
        conference=conference, number=4, mode=WorkshopPhase.Mode.GROUPS, reuses_groups_of=first
    )
    GroupAssignment.objects.create(phase=first, seed=1, group_count=1)
    group = DiscussionGroupFactory(phase=first, number=1, name="Nord", room="Raum 7")
    group.moderators.set(PersonFactory.create_batch(2))
    GroupMembershipFactory(group=group, registration=registration)
    evening = ProgrammeItemFactory(conference=conference, kind=ProgrammeItem.Kind.EVENING, title="Empfang")
    registration.evening_events.add(evening)
    registration.terms_consent = ConsentText.objects.create(
        kind=ConsentText.Kind.TERMS, conference=conference, version=3, body="Zahlbar binnen 14 Tagen."
    )
    registration.save()
    invoice = InvoiceFactory(registration=registration, amount=Decimal("250.00"))
    PaymentFactory(registration=registration, amount=Decimal("100.00"))
    return choose, later, invoice


def binding(conference, **kwargs):
    return RegistrationFactory(
        conference=conference, stage=Registration.Stage.BINDING, fee=Decimal("250.00"), **kwargs
    )


def test_pre_registered_person_page_runs_six_queries(client, django_assert_num_queries):
    conference = ConferenceFactory()
    phase = WorkshopPhaseFactory(conference=conference, number=1)
    WorkshopFactory(phase=phase)
    WorkshopPhaseFactory(conference=conference, number=2, mode=WorkshopPhase.Mode.GROUPS)
    registration = RegistrationFactory(conference=conference)
    # registration with conference, invoices, phases (workshops and groups together),
    # group memberships, bookings, the consent to future invitations
    with django_assert_num_queries(6):
        response = client.get(registration.get_absolute_url())
    assert response.status_code == 200
    assert "Meine Workshops" in response.content.decode()


def test_without_phases_the_page_reads_no_bookings_or_groups(client, django_assert_num_queries):
    registration = RegistrationFactory(conference=ConferenceFactory())
    WorkshopPhaseFactory(conference=registration.conference, number=1)  # no workshops yet
    # registration with conference, invoices, phases, the consent to future invitations
    with django_assert_num_queries(4):
        assert client.get(registration.get_absolute_url()).status_code == 200


def test_binding_person_with_everything_runs_eleven_queries_however_much_there_is(
    client, django_assert_num_queries
):
    conference = ConferenceFactory()
    registration = binding(conference)
    choose, later, invoice = everything(conference, registration)
    url = registration.get_absolute_url()
    # registration with conference, accepted terms, evening events, invoices, payments,
    # phases, bookings, waiting-list positions, group memberships with groups, moderators,
    # the consent to future invitations
    with django_assert_num_queries(11):
        page = client.get(url).content.decode()
    assert "Fassung 3" in page
    assert "Empfang" in page
    assert "Quartier" in page
    assert "„Sozialraum“, Platz 1 auf der Warteliste" in page
    assert "Gruppe 1: Nord" in page
    assert "dieselbe Gruppe wie in der 3. Arbeitsphase" in page
    assert "150,00\xa0€" in page  # open amount: 250 invoiced, 100 paid

    for number in (5, 6):
        more = WorkshopPhaseFactory(conference=conference, number=number)
        WorkshopBookingFactory(workshop=WorkshopFactory(phase=more), registration=registration)
    InvoiceFactory(registration=registration, kind=Invoice.Kind.CANCELLATION, cancels=invoice, amount=-250)
    PaymentFactory(registration=registration, amount=Decimal("-100.00"))
    registration.evening_events.add(
        ProgrammeItemFactory(conference=conference, kind=ProgrammeItem.Kind.EVENING)
    )
    with django_assert_num_queries(11):
        assert client.get(url).status_code == 200


def test_personal_bookings_show_what_bookings_of_says(django_assert_num_queries):
    conference = ConferenceFactory()
    holder = binding(conference)
    choose, later, _invoice = everything(conference, holder)
    waiting = RegistrationFactory(
        conference=conference, status=Registration.Status.WAITING, waiting_since=timezone.now()
    )
    WorkshopBookingFactory(workshop=later.workshops.get(), registration=waiting, status="waiting")
    for registration in (holder, waiting):
        expected = workshop_queries.bookings_of(registration)
        got = personal_bookings(registration)
        assert (
            [entry.phase.pk for entry in got]
            == [entry.phase.pk for entry in expected]
            == [choose.pk, later.pk]
        )
        for mine, theirs in zip(got, expected, strict=True):
            assert (mine.seat and mine.seat.pk) == (theirs.seat and theirs.seat.pk)
            assert (mine.wish and mine.wish.pk) == (theirs.wish and theirs.wish.pk)
            if registration.holds_place:
                assert mine.position == theirs.position
            else:  # not shown without a place, so not read
                assert mine.position is None
    assert personal_bookings(holder)[1].position == 1
    keep_personal_phases(holder)  # as the personal view does
    with django_assert_num_queries(0):
        assert len(personal_phases(holder)) == 4


def test_money_box_balance_equals_the_payments_service():
    conference = ConferenceFactory()
    registration = binding(conference)
    invoice = InvoiceFactory(registration=registration, amount=Decimal("250.00"))
    cases = [
        lambda: None,
        lambda: PaymentFactory(registration=registration, amount=Decimal("100.00")),
        lambda: PaymentFactory(registration=registration, amount=Decimal("150.00")),
        lambda: InvoiceFactory(
            registration=registration,
            kind=Invoice.Kind.CANCELLATION,
            cancels=invoice,
            amount=Decimal("-250.00"),
        ),
        lambda: PaymentFactory(registration=registration, amount=Decimal("-250.00")),
    ]
    for step in cases:
        step()
        issued = list(Invoice.objects.filter(registration=registration))
        assert balances.balance(registration, invoices=issued) == balances.balance(registration)


def test_long_evening_events_label_may_break_only_between_its_parts(client, settings):
    """The label column is narrow and Chromium on Linux cannot hyphenate German: a soft hyphen
    lets "Abendveranstaltungen" break as "Abend-/veranstaltungen" instead of anywhere."""
    conference = ConferenceFactory()
    registration = binding(conference)
    registration.evening_events.add(
        ProgrammeItemFactory(conference=conference, kind=ProgrammeItem.Kind.EVENING, title="Empfang")
    )
    german = client.get(registration.get_absolute_url()).content.decode()
    assert ">Abend&shy;veranstaltungen</dt>" in german

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(registration.get_absolute_url()).content.decode()
    assert ">Evening events</dt>" in english and "&shy;" not in english

"""Copying last year's conference (programme.copying.copy_conference), tried on the demo's Leipzig 2022."""

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from exports.models import ExportLayout
from programme.copying import CONFERENCE_FIELDS_NOT_COPIED, copy_conference, shift_moment
from programme.models import (
    Appearance,
    Conference,
    Person,
    ProgrammeItem,
    Workshop,
    WorkshopModerator,
    WorkshopPhase,
)
from registrations.models import (
    DiscussionGroup,
    GroupMembership,
    Invoice,
    Payment,
    Registration,
    WorkshopBooking,
)
from tests.factories import (
    DiscussionGroupFactory,
    GroupMembershipFactory,
    InvoiceFactory,
    PaymentFactory,
    PersonFactory,
    WorkshopBookingFactory,
    WorkshopFactory,
)

pytestmark = pytest.mark.django_db

# 2022-03-28 (Monday) → 2023-03-27 (Monday): 52 weeks.
OFFSET = 364


@pytest.fixture(scope="module")
def _leipzig_loaded(django_db_setup, django_db_blocker):
    """The demo and Leipzig's office settings, loaded once for this module (every test here copies
    Leipzig). Each test runs in a savepoint of this transaction and rolls back to it, as with
    Django's TestCase.setUpTestData; the module's end rolls the data back."""
    with django_db_blocker.unblock(), transaction.atomic():
        _load_leipzig()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def leipzig(_leipzig_loaded):
    return Conference.objects.get(slug="jahrestagung-2022-leipzig")


def _load_leipzig():
    call_command("load_demo", stdout=StringIO())
    conference = Conference.objects.get(slug="jahrestagung-2022-leipzig")
    # The demo has no deadlines, terms or groups for 2022; the office's conference would.
    Conference.objects.filter(pk=conference.pk).update(
        pre_registration_opens_at=dt.datetime(2021, 11, 1, 9, 0, tzinfo=timezone.get_current_timezone()),
        pre_registration_deadline=dt.date(2022, 1, 31),
        registration_deadline=dt.date(2022, 2, 28),
        payment_terms="Zahlbar binnen 14 Tagen.",
        member_fee=Decimal("180.00"),
        non_member_fee=Decimal("260.00"),
        hold_minutes=90,
    )
    group_phase = conference.workshop_phases.get(number=1)
    for number in (1, 2):
        group = DiscussionGroupFactory(phase=group_phase, number=number, name=f"Gruppe {number}", room="Saal")
        group.moderators.add(PersonFactory())
    ExportLayout.objects.create(name="Namensliste", conference=conference, columns=["last_name"])
    ExportLayout.objects.create(name="Für alle Tagungen", conference=None, columns=["email"])


def copy_of(source, **kwargs):
    return copy_conference(
        source=source,
        title=kwargs.pop("title", "Jahrestagung 2023"),
        slug=kwargs.pop("slug", "jahrestagung-2023"),
        offset_days=kwargs.pop("offset_days", OFFSET),
    )


def with_people(conference):
    """Registrations, seats, group members, invoices and payments, as after a conference."""
    workshop = Workshop.objects.filter(phase__conference=conference).first()
    booking = WorkshopBookingFactory(workshop=workshop)
    GroupMembershipFactory(group=DiscussionGroup.objects.filter(phase__conference=conference).first())
    InvoiceFactory(registration=booking.registration)
    PaymentFactory(registration=booking.registration)


def counts(conference):
    return {
        "phases": WorkshopPhase.objects.filter(conference=conference).count(),
        "workshops": Workshop.objects.filter(phase__conference=conference).count(),
        "moderators": WorkshopModerator.objects.filter(workshop__phase__conference=conference).count(),
        "items": ProgrammeItem.objects.filter(conference=conference).count(),
        "evening events": ProgrammeItem.objects.filter(
            conference=conference, kind=ProgrammeItem.Kind.EVENING
        ).count(),
        "appearances": Appearance.objects.filter(item__conference=conference).count(),
        "groups": DiscussionGroup.objects.filter(phase__conference=conference).count(),
        "group moderators": DiscussionGroup.moderators.through.objects.filter(
            discussiongroup__phase__conference=conference
        ).count(),
        "layouts": ExportLayout.objects.filter(conference=conference).count(),
    }


def test_copy_of_leipzig_has_as_many_of_every_item(leipzig):
    expected = counts(leipzig)
    assert expected == {
        "phases": 4,
        "workshops": 11,
        "moderators": 17,
        "items": 17,
        "evening events": 2,
        "appearances": expected["appearances"],
        "groups": 2,
        "group moderators": 2,
        "layouts": 1,
    }
    assert expected["appearances"] > 0

    result = copy_of(leipzig)

    assert counts(result.conference) == expected
    assert result.counts["Workshops"] == 11
    assert result.counts["Diskussionsgruppen"] == 2
    assert result.counts["Listen-Layouts"] == 1


def test_copy_keeps_the_workshops_moderators_rooms_and_seat_limits(leipzig):
    Workshop.objects.filter(phase__conference=leipzig, phase__number=2).update(room="Raum 2.3")

    new = copy_of(leipzig).conference

    def workshops(conference):
        return [
            (
                w.phase.number,
                w.title,
                w.room,
                w.seat_limit,
                w.order,
                [m.person_id for m in w.workshopmoderator_set.all()],
            )
            for w in Workshop.objects.filter(phase__conference=conference)
            .select_related("phase")
            .prefetch_related("workshopmoderator_set")
            .order_by("phase__number", "order")
        ]

    assert workshops(new) == workshops(leipzig)
    assert {w.room for w in Workshop.objects.filter(phase__conference=new, phase__number=2)} == {"Raum 2.3"}


def test_copy_takes_over_settings_fees_and_terms(leipzig):
    new = copy_of(leipzig).conference

    for name in ("motto", "description", "city", "venue_name", "places", "payment_due_days", "contact_email"):
        assert getattr(new, name) == getattr(leipzig, name), name
    assert new.payment_terms == "Zahlbar binnen 14 Tagen."
    assert (new.member_fee, new.non_member_fee) == (Decimal("180.00"), Decimal("260.00"))
    assert new.hold_minutes == 90
    assert new.report == ""


def test_copy_takes_no_people_bookings_or_money(leipzig):
    with_people(leipzig)
    people = Person.objects.count()

    new = copy_of(leipzig).conference

    assert Registration.objects.filter(conference=new).count() == 0
    assert WorkshopBooking.objects.filter(phase__conference=new).count() == 0
    assert GroupMembership.objects.filter(phase__conference=new).count() == 0
    assert Invoice.objects.filter(registration__conference=new).count() == 0
    assert Payment.objects.filter(registration__conference=new).count() == 0
    assert not new.workshop_phases.filter(group_assignment__isnull=False).exists()
    # The people on stage are linked, not duplicated.
    assert Person.objects.count() == people


def test_copy_shifts_every_date_and_time_by_the_offset_on_the_local_clock(leipzig):
    new = copy_of(leipzig).conference

    def local(value):
        return timezone.localtime(value)

    for name in ("starts_at", "ends_at", "pre_registration_opens_at"):
        old_value, new_value = local(getattr(leipzig, name)), local(getattr(new, name))
        assert new_value.date() == old_value.date() + dt.timedelta(days=OFFSET), name
        assert new_value.time() == old_value.time(), name
    assert new.pre_registration_deadline == dt.date(2023, 1, 30)
    assert new.registration_deadline == dt.date(2023, 2, 27)
    assert local(new.starts_at) == dt.datetime(2023, 3, 27, 12, 0, tzinfo=timezone.get_current_timezone())

    old_items = ProgrammeItem.objects.filter(conference=leipzig).order_by("starts_at", "pk")
    new_items = ProgrammeItem.objects.filter(conference=new).order_by("starts_at", "pk")
    for old, copied in zip(old_items, new_items, strict=True):
        assert copied.title == old.title
        assert local(copied.starts_at).date() == local(old.starts_at).date() + dt.timedelta(days=OFFSET)
        assert local(copied.starts_at).time() == local(old.starts_at).time()
        if old.ends_at:
            assert local(copied.ends_at) == local(old.ends_at) + dt.timedelta(days=OFFSET)


def test_shift_keeps_the_wall_clock_across_summer_time():
    berlin = timezone.get_current_timezone()
    before_switch = dt.datetime(2024, 3, 25, 9, 0, tzinfo=berlin)  # winter time
    shifted = shift_moment(before_switch, 7)  # summer time
    assert timezone.localtime(shifted).replace(tzinfo=None) == dt.datetime(2024, 4, 1, 9, 0)
    # One hour less in real time: the clocks went forward in between.
    assert shifted.astimezone(dt.UTC) - before_switch.astimezone(dt.UTC) == dt.timedelta(days=7, hours=-1)


def test_copy_is_a_closed_draft_and_every_copied_item_is_to_be_reviewed(leipzig):
    new = copy_of(leipzig).conference

    assert new.status == Conference.Status.DRAFT
    assert new.programme_published is False
    assert new.needs_review is True
    assert not Conference.objects.public().filter(pk=new.pk).exists()
    for rows in (
        WorkshopPhase.objects.filter(conference=new),
        Workshop.objects.filter(phase__conference=new),
        ProgrammeItem.objects.filter(conference=new),
        DiscussionGroup.objects.filter(phase__conference=new),
        ExportLayout.objects.filter(conference=new),
    ):
        assert set(rows.values_list("needs_review", flat=True)) == {True}
    # The source is untouched.
    assert not WorkshopPhase.objects.filter(conference=leipzig, needs_review=True).exists()
    assert Conference.objects.get(pk=leipzig.pk).status == Conference.Status.PUBLISHED


def test_copied_phases_point_to_the_copied_phases(leipzig):
    new = copy_of(leipzig).conference

    phase4 = new.workshop_phases.get(number=4)
    assert phase4.reuses_groups_of == new.workshop_phases.get(number=1)
    items = ProgrammeItem.objects.filter(conference=new, workshop_phase__isnull=False)
    assert {item.workshop_phase.conference_id for item in items} == {new.pk}
    assert items.count() == 4


def test_every_conference_field_is_copied_or_left_out_for_a_reason(leipzig):
    names = {f.name for f in Conference._meta.concrete_fields}
    new = copy_of(leipzig).conference
    copied = names - set(CONFERENCE_FIELDS_NOT_COPIED)
    for name in copied - {
        "starts_at",
        "ends_at",
        "pre_registration_opens_at",
        "pre_registration_deadline",
        "registration_deadline",
    }:
        assert getattr(new, name) == getattr(leipzig, name), name
    assert set(CONFERENCE_FIELDS_NOT_COPIED) <= names


def copy_queries(source, slug):
    with CaptureQueriesContext(connection) as context:
        copy_of(source, slug=slug)
    return len(context)


def test_copy_runs_the_same_number_of_queries_however_large_the_programme(leipzig):
    small = copy_queries(leipzig, "kopie-1")

    phase = leipzig.workshop_phases.get(number=2)
    for n in range(5):
        workshop = WorkshopFactory(phase=phase, title=f"Zusatz {n}")
        WorkshopModerator.objects.create(workshop=workshop, person=PersonFactory())
    DiscussionGroupFactory(phase=leipzig.workshop_phases.get(number=1), number=3).moderators.add(
        PersonFactory()
    )
    ExportLayout.objects.create(name="Noch eine", conference=leipzig, columns=["email"])
    large = copy_queries(leipzig, "kopie-2")

    assert large == small
    assert small <= 30  # measured: 27 with the savepoints and the constraint checks of full_clean

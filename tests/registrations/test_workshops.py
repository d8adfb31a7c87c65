import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from core.exceptions import RegistrationError
from programme.models import Workshop
from registrations.domain import lifecycle, workshops
from registrations.models import OutgoingMail, Registration, WorkshopBooking
from registrations.queries import workshops as workshop_queries
from tests.factories import (
    ConferenceFactory,
    RegistrationFactory,
    WorkshopFactory,
    WorkshopModeratorFactory,
    WorkshopPhaseFactory,
)

pytestmark = pytest.mark.django_db

SEATED = WorkshopBooking.Status.SEATED
WAITING = WorkshopBooking.Status.WAITING


def person(conference, **extra):
    return RegistrationFactory(conference=conference, **extra)


def bookings(registration):
    return sorted(
        (b.workshop.title, b.status, b.second_choice.title if b.second_choice else None)
        for b in WorkshopBooking.objects.filter(registration=registration).select_related(
            "workshop", "second_choice"
        )
    )


def seated_names(workshop):
    return [
        b.registration.last_name
        for b in WorkshopBooking.objects.filter(workshop=workshop, status=SEATED).order_by("pk")
    ]


def test_free_seat_is_booked(phase):
    workshop = WorkshopFactory(phase=phase, title="A", seat_limit=2)
    registration = person(phase.conference)
    workshops.choose_workshops(registration=registration, choices={phase.pk: workshop.pk})
    assert bookings(registration) == [("A", SEATED, None)]


def test_full_workshop_is_refused_with_its_name(phase):
    workshop = WorkshopFactory(phase=phase, title="Sozialraum", seat_limit=1)
    workshops.choose_workshops(registration=person(phase.conference), choices={phase.pk: workshop.pk})
    late = person(phase.conference)
    with pytest.raises(RegistrationError, match="„Sozialraum“ ist leider ausgebucht"):
        workshops.choose_workshops(registration=late, choices={phase.pk: workshop.pk})
    assert bookings(late) == []


def test_full_workshop_with_waiting_list_keeps_order(phase):
    workshop = WorkshopFactory(phase=phase, title="A", seat_limit=1)
    workshops.choose_workshops(registration=person(phase.conference), choices={phase.pk: workshop.pk})
    later = [person(phase.conference) for _ in range(3)]
    for registration in later:
        workshops.choose_workshops(
            registration=registration, choices={phase.pk: workshop.pk}, join_waiting_list=True
        )
    positions = [workshop_queries.bookings_of(r)[0].position for r in later]
    assert positions == [1, 2, 3]
    assert [b.registration for b in workshop_queries.waiting_list(workshop)] == later


def test_second_choice_is_seated_while_waiting(phase):
    first = WorkshopFactory(phase=phase, title="A", seat_limit=1)
    second = WorkshopFactory(phase=phase, title="B", seat_limit=5)
    workshops.choose_workshops(registration=person(phase.conference), choices={phase.pk: first.pk})
    registration = person(phase.conference)
    workshops.choose_workshops(
        registration=registration,
        choices={phase.pk: first.pk},
        second_choices={phase.pk: second.pk},
        join_waiting_list=True,
    )
    assert bookings(registration) == [("A", WAITING, "B"), ("B", SEATED, None)]


def test_full_second_choice_is_refused(phase):
    first = WorkshopFactory(phase=phase, title="A", seat_limit=1)
    second = WorkshopFactory(phase=phase, title="B", seat_limit=1)
    for workshop in (first, second):
        workshops.choose_workshops(registration=person(phase.conference), choices={phase.pk: workshop.pk})
    registration = person(phase.conference)
    with pytest.raises(RegistrationError, match="Zweitwahl „B“ ist ebenfalls ausgebucht"):
        workshops.choose_workshops(
            registration=registration,
            choices={phase.pk: first.pk},
            second_choices={phase.pk: second.pk},
            join_waiting_list=True,
        )
    assert bookings(registration) == []


def test_choosing_the_same_again_keeps_the_waiting_position(phase):
    workshop = WorkshopFactory(phase=phase, seat_limit=1)
    workshops.choose_workshops(registration=person(phase.conference), choices={phase.pk: workshop.pk})
    first, second = person(phase.conference), person(phase.conference)
    for registration in (first, second, first):
        workshops.choose_workshops(
            registration=registration, choices={phase.pk: workshop.pk}, join_waiting_list=True
        )
    assert [b.registration for b in workshop_queries.waiting_list(workshop)] == [first, second]


def test_changing_a_choice_moves_the_first_waiting_person_up_with_a_mail(
    phase, django_capture_on_commit_callbacks
):
    first = WorkshopFactory(phase=phase, title="Quartiersarbeit", seat_limit=1)
    other = WorkshopFactory(phase=phase, title="B", seat_limit=5)
    holder = person(phase.conference, last_name="Holder")
    workshops.choose_workshops(registration=holder, choices={phase.pk: first.pk})
    waiting = person(phase.conference, last_name="Wartend", email="wartend@example.org")
    behind = person(phase.conference, last_name="Dahinter")
    workshops.choose_workshops(
        registration=waiting,
        choices={phase.pk: first.pk},
        second_choices={phase.pk: other.pk},
        join_waiting_list=True,
    )
    workshops.choose_workshops(registration=behind, choices={phase.pk: first.pk}, join_waiting_list=True)
    with django_capture_on_commit_callbacks(execute=True):
        workshops.choose_workshops(registration=holder, choices={phase.pk: other.pk})
    assert seated_names(first) == ["Wartend"]
    assert bookings(waiting) == [("Quartiersarbeit", SEATED, None)]
    assert workshop_queries.bookings_of(behind)[0].position == 1
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["wartend@example.org"], "Workshop-Platz frei geworden: Quartiersarbeit")
    ]
    assert "Quartiersarbeit" in mail.outbox[0].body
    assert waiting.get_absolute_url() in mail.outbox[0].body


def test_moving_up_frees_the_second_choice_seat_for_the_next_in_line(phase):
    first = WorkshopFactory(phase=phase, title="A", seat_limit=1)
    second = WorkshopFactory(phase=phase, title="B", seat_limit=1)
    holder = person(phase.conference, last_name="Holder")
    workshops.choose_workshops(registration=holder, choices={phase.pk: first.pk})
    chain = person(phase.conference, last_name="Kette")
    workshops.choose_workshops(
        registration=chain,
        choices={phase.pk: first.pk},
        second_choices={phase.pk: second.pk},
        join_waiting_list=True,
    )
    for_b = person(phase.conference, last_name="FuerB")
    workshops.choose_workshops(registration=for_b, choices={phase.pk: second.pk}, join_waiting_list=True)
    workshops.choose_workshops(registration=holder, choices={phase.pk: None})
    assert seated_names(first) == ["Kette"]
    assert seated_names(second) == ["FuerB"]
    assert OutgoingMail.objects.filter(kind="workshop_moved_up").count() == 2
    chain_mail = OutgoingMail.objects.get(registration=chain).body_text
    assert "Ihren bisherigen Platz in „B“ haben wir für andere Teilnehmende freigegeben." in chain_mail
    assert "bisherigen Platz" not in OutgoingMail.objects.get(registration=for_b).body_text


def test_cancellation_frees_seats_and_moves_up(phase):
    workshop = WorkshopFactory(phase=phase, title="A", seat_limit=1)
    other_phase = WorkshopPhaseFactory(conference=phase.conference, number=3)
    other = WorkshopFactory(phase=other_phase, title="C", seat_limit=1)
    holder = person(phase.conference)
    workshops.choose_workshops(registration=holder, choices={phase.pk: workshop.pk, other_phase.pk: other.pk})
    waiting = person(phase.conference, last_name="Wartend")
    workshops.choose_workshops(
        registration=waiting,
        choices={phase.pk: workshop.pk, other_phase.pk: other.pk},
        join_waiting_list=True,
    )
    lifecycle.cancel(registration=holder)
    assert bookings(holder) == []
    assert seated_names(workshop) == ["Wartend"]
    assert seated_names(other) == ["Wartend"]


def test_registration_on_the_conference_waiting_list_records_wishes_and_is_seated_on_move_up():
    conference = ConferenceFactory(places=1)
    phase = WorkshopPhaseFactory(conference=conference)
    workshop = WorkshopFactory(phase=phase, title="A", seat_limit=3)
    holder = person(conference)
    waiting = person(conference, status=Registration.Status.WAITING, waiting_since=timezone.now())
    workshops.choose_workshops(registration=waiting, choices={phase.pk: workshop.pk})
    assert bookings(waiting) == [("A", WAITING, None)]
    assert workshop_queries.workshop_choices(conference)[0].workshops[0].seats_left == 3
    lifecycle.cancel(registration=holder)
    assert bookings(waiting) == [("A", SEATED, None)]


def test_waiting_conference_registration_is_skipped_when_a_seat_is_handed_on(phase):
    workshop = WorkshopFactory(phase=phase, seat_limit=1)
    holder = person(phase.conference)
    workshops.choose_workshops(registration=holder, choices={phase.pk: workshop.pk})
    no_place = person(phase.conference, status=Registration.Status.WAITING, waiting_since=timezone.now())
    workshops.choose_workshops(registration=no_place, choices={phase.pk: workshop.pk})
    with_place = person(phase.conference, last_name="MitPlatz")
    workshops.choose_workshops(
        registration=with_place, choices={phase.pk: workshop.pk}, join_waiting_list=True
    )
    workshops.choose_workshops(registration=holder, choices={phase.pk: None})
    assert seated_names(workshop) == ["MitPlatz"]


def test_foreign_workshop_is_refused(phase):
    foreign = WorkshopFactory(title="Fremd")
    same_conference_other_phase = WorkshopFactory(phase=WorkshopPhaseFactory(conference=phase.conference))
    registration = person(phase.conference)
    with pytest.raises(RegistrationError, match="gehört nicht zur"):
        workshops.choose_workshops(registration=registration, choices={phase.pk: foreign.pk})
    with pytest.raises(RegistrationError, match="gehört nicht zur"):
        workshops.choose_workshops(
            registration=registration, choices={phase.pk: same_conference_other_phase.pk}
        )
    with pytest.raises(RegistrationError, match="gehört nicht zu Ihrer Tagung"):
        workshops.choose_workshops(registration=registration, choices={foreign.phase_id: foreign.pk})
    assert bookings(registration) == []


def test_group_phase_cannot_be_chosen(phase):
    groups = WorkshopPhaseFactory(conference=phase.conference, mode="groups")
    workshop = WorkshopFactory(phase=groups)
    with pytest.raises(RegistrationError, match="gehört nicht zu Ihrer Tagung"):
        workshops.choose_workshops(registration=person(phase.conference), choices={groups.pk: workshop.pk})


def test_deadline_closes_changes_for_participants_but_not_for_the_office(phase):
    workshop = WorkshopFactory(phase=phase, seat_limit=3)
    registration = person(phase.conference)
    deadline = phase.conference.registration_deadline
    on_deadline = timezone.make_aware(dt.datetime.combine(deadline, dt.time(23, 0)))
    after = on_deadline + dt.timedelta(hours=2)
    assert workshops.may_change_workshops(registration, on_deadline) is True
    assert workshops.may_change_workshops(registration, after) is False
    with pytest.raises(RegistrationError, match=f"bis zum {deadline:%d.%m.%Y} gewählt"):
        workshops.choose_workshops(registration=registration, choices={phase.pk: workshop.pk}, now=after)
    workshops.choose_workshops(
        registration=registration, choices={phase.pk: workshop.pk}, now=after, check_deadline=False
    )
    assert bookings(registration) == [(workshop.title, SEATED, None)]


def test_cancelled_registration_cannot_choose(phase):
    workshop = WorkshopFactory(phase=phase)
    registration = person(phase.conference, status=Registration.Status.CANCELLED)
    assert workshops.may_change_workshops(registration) is False
    with pytest.raises(RegistrationError):
        workshops.choose_workshops(registration=registration, choices={phase.pk: workshop.pk})


def test_office_moves_a_seat_and_the_old_seat_goes_to_the_first_waiting(phase):
    first = WorkshopFactory(phase=phase, title="A", seat_limit=1)
    second = WorkshopFactory(phase=phase, title="B", seat_limit=2)
    holder = person(phase.conference, last_name="Holder")
    workshops.choose_workshops(registration=holder, choices={phase.pk: first.pk})
    waiting = person(phase.conference, last_name="Wartend")
    workshops.choose_workshops(registration=waiting, choices={phase.pk: first.pk}, join_waiting_list=True)
    booking = WorkshopBooking.objects.get(registration=holder)
    workshops.move_booking(booking=booking, workshop=second)
    assert seated_names(second) == ["Holder"]
    assert seated_names(first) == ["Wartend"]
    moved = OutgoingMail.objects.get(registration=holder)
    assert moved.subject == "Ihr Workshop wurde geändert: B"
    assert "Bisher: A\nNeu: B" in moved.body_text
    assert OutgoingMail.objects.get(registration=waiting).kind == "workshop_moved_up"


def test_office_move_respects_the_seat_limit(phase):
    first = WorkshopFactory(phase=phase, title="A", seat_limit=1)
    full = WorkshopFactory(phase=phase, title="Voll", seat_limit=1)
    workshops.choose_workshops(registration=person(phase.conference), choices={phase.pk: full.pk})
    registration = person(phase.conference)
    workshops.choose_workshops(registration=registration, choices={phase.pk: first.pk})
    with pytest.raises(RegistrationError, match="„Voll“ ist voll"):
        workshops.move_booking(booking=WorkshopBooking.objects.get(registration=registration), workshop=full)


def test_office_seats_a_later_waiting_person_out_of_turn_when_a_seat_is_free(phase):
    workshop = WorkshopFactory(phase=phase, title="A", seat_limit=1)
    other = WorkshopFactory(phase=phase, title="B", seat_limit=3)
    holder = person(phase.conference)
    workshops.choose_workshops(registration=holder, choices={phase.pk: workshop.pk})
    first, second = person(phase.conference, last_name="Erste"), person(phase.conference, last_name="Zweite")
    for registration in (first, second):
        workshops.choose_workshops(
            registration=registration,
            choices={phase.pk: workshop.pk},
            second_choices={phase.pk: other.pk},
            join_waiting_list=True,
        )
    wish = WorkshopBooking.objects.get(registration=second, status=WAITING)
    with pytest.raises(RegistrationError, match="ist voll"):
        workshops.move_booking(booking=wish, workshop=workshop)
    Workshop.objects.filter(pk=workshop.pk).update(seat_limit=2)  # no post_save: nobody moves up by itself
    workshops.move_booking(booking=wish, workshop=workshop)
    assert bookings(second) == [("A", SEATED, None)]
    assert bookings(first) == [("A", WAITING, "B"), ("B", SEATED, None)]
    assert OutgoingMail.objects.filter(kind="workshop_moved_up", registration=second).count() == 1


def test_office_cannot_seat_someone_without_a_conference_place(phase):
    workshop = WorkshopFactory(phase=phase, seat_limit=3)
    waiting = person(phase.conference, status=Registration.Status.WAITING, waiting_since=timezone.now())
    workshops.choose_workshops(registration=waiting, choices={phase.pk: workshop.pk})
    with pytest.raises(RegistrationError, match="keinen Platz bei der Tagung"):
        workshops.move_booking(booking=WorkshopBooking.objects.get(registration=waiting), workshop=workshop)


def test_raising_the_seat_limit_seats_the_waiting_in_order(phase, django_capture_on_commit_callbacks):
    workshop = WorkshopFactory(phase=phase, seat_limit=1)
    workshops.choose_workshops(registration=person(phase.conference), choices={phase.pk: workshop.pk})
    waiting = [person(phase.conference, last_name=f"W{n}") for n in range(3)]
    for registration in waiting:
        workshops.choose_workshops(
            registration=registration, choices={phase.pk: workshop.pk}, join_waiting_list=True
        )
    workshop.seat_limit = 3
    with django_capture_on_commit_callbacks(execute=True):
        workshop.save()
    assert seated_names(workshop)[1:] == ["W0", "W1"]
    assert [b.registration.last_name for b in workshop_queries.waiting_list(workshop)] == ["W2"]


def test_seat_waiting_fills_free_seats_only(phase):
    workshop = WorkshopFactory(phase=phase, seat_limit=1)
    workshops.choose_workshops(registration=person(phase.conference), choices={phase.pk: workshop.pk})
    workshops.choose_workshops(
        registration=person(phase.conference), choices={phase.pk: workshop.pk}, join_waiting_list=True
    )
    assert workshops.seat_waiting(workshop=workshop) == []


def test_workshop_choices_counts_seats_and_runs_constant_queries(phase, django_assert_num_queries):
    full = WorkshopFactory(phase=phase, title="Voll", seat_limit=1, order=1)
    WorkshopModeratorFactory(workshop=full, person__first_name="Maria", person__last_name="Muster")
    open_ = WorkshopFactory(phase=phase, title="Offen", seat_limit=None, order=2)
    workshops.choose_workshops(registration=person(phase.conference), choices={phase.pk: full.pk})
    workshops.choose_workshops(
        registration=person(phase.conference), choices={phase.pk: full.pk}, join_waiting_list=True
    )
    WorkshopPhaseFactory(conference=phase.conference, mode="groups")
    with django_assert_num_queries(3):
        entries = workshop_queries.workshop_choices(phase.conference)
        summary = [
            (
                e.phase.title,
                [
                    (f.workshop.title, f.seated, f.waiting, f.seats_left, f.is_full, f.moderator_names)
                    for f in e.workshops
                ],
            )
            for e in entries
        ]
    assert summary == [
        ("Praxis", [("Voll", 1, 1, 0, True, "Maria Muster"), ("Offen", 0, 0, None, False, "")])
    ]
    for n in range(5):
        WorkshopFactory(phase=WorkshopPhaseFactory(conference=phase.conference, number=10 + n))
        workshops.choose_workshops(registration=person(phase.conference), choices={phase.pk: open_.pk})
    with django_assert_num_queries(3):
        assert len(workshop_queries.workshop_choices(phase.conference)) == 6


def test_bookings_of_runs_three_queries_with_a_waiting_wish_and_two_without(phase, django_assert_num_queries):
    first = WorkshopFactory(phase=phase, title="A", seat_limit=1)
    second = WorkshopFactory(phase=phase, title="B")
    other_phase = WorkshopPhaseFactory(conference=phase.conference, number=5)
    third = WorkshopFactory(phase=other_phase, title="C")
    workshops.choose_workshops(registration=person(phase.conference), choices={phase.pk: first.pk})
    registration = person(phase.conference)
    workshops.choose_workshops(
        registration=registration,
        choices={phase.pk: first.pk, other_phase.pk: third.pk},
        second_choices={phase.pk: second.pk},
        join_waiting_list=True,
    )
    # phases, bookings, waiting-list positions
    with django_assert_num_queries(3):
        entries = workshop_queries.bookings_of(registration)
        summary = [
            (
                e.phase.number,
                e.seat.workshop.title if e.seat else None,
                e.wish.workshop.title if e.wish else None,
                e.position,
            )
            for e in entries
        ]
    assert summary == [(2, "B", "A", 1), (5, "C", None, None)]

    seated_only = person(phase.conference)
    workshops.choose_workshops(registration=seated_only, choices={other_phase.pk: third.pk})
    with django_assert_num_queries(2):
        assert [e.seat and e.seat.workshop.title for e in workshop_queries.bookings_of(seated_only)] == [
            None,
            "C",
        ]


def test_move_up_to_a_conference_place_seats_the_second_choice_when_the_wish_is_full():
    conference = ConferenceFactory(places=2)
    phase = WorkshopPhaseFactory(conference=conference)
    wish = WorkshopFactory(phase=phase, title="A", seat_limit=1)
    second = WorkshopFactory(phase=phase, title="B", seat_limit=3)
    leaving = person(conference)
    workshops.choose_workshops(registration=person(conference), choices={phase.pk: wish.pk})
    waiting = person(conference, status=Registration.Status.WAITING, waiting_since=timezone.now())
    workshops.choose_workshops(
        registration=waiting,
        choices={phase.pk: wish.pk},
        second_choices={phase.pk: second.pk},
        join_waiting_list=True,
    )
    assert bookings(waiting) == [("A", WAITING, "B")]
    lifecycle.cancel(registration=leaving)
    assert bookings(waiting) == [("A", WAITING, "B"), ("B", SEATED, None)]


def test_office_removes_a_seat_and_the_first_waiting_moves_up(phase):
    workshop = WorkshopFactory(phase=phase, seat_limit=1)
    holder = person(phase.conference)
    workshops.choose_workshops(registration=holder, choices={phase.pk: workshop.pk})
    waiting = person(phase.conference, last_name="Wartend")
    workshops.choose_workshops(registration=waiting, choices={phase.pk: workshop.pk}, join_waiting_list=True)
    moved = workshops.remove_booking(booking=WorkshopBooking.objects.get(registration=holder))
    assert [b.registration for b in moved] == [waiting]
    assert seated_names(workshop) == ["Wartend"]


def test_removing_a_waiting_wish_moves_nobody(phase):
    workshop = WorkshopFactory(phase=phase, seat_limit=1)
    workshops.choose_workshops(registration=person(phase.conference), choices={phase.pk: workshop.pk})
    waiting = person(phase.conference)
    workshops.choose_workshops(registration=waiting, choices={phase.pk: workshop.pk}, join_waiting_list=True)
    assert workshops.remove_booking(booking=WorkshopBooking.objects.get(registration=waiting)) == []
    assert bookings(waiting) == []


def test_join_waiting_list_can_be_limited_to_some_phases(phase):
    other_phase = WorkshopPhaseFactory(conference=phase.conference, number=3)
    full_here = WorkshopFactory(phase=phase, title="A", seat_limit=1)
    full_there = WorkshopFactory(phase=other_phase, title="C", seat_limit=1)
    workshops.choose_workshops(
        registration=person(phase.conference), choices={phase.pk: full_here.pk, other_phase.pk: full_there.pk}
    )
    registration = person(phase.conference)
    with pytest.raises(RegistrationError, match="„C“ ist leider ausgebucht"):
        workshops.choose_workshops(
            registration=registration,
            choices={phase.pk: full_here.pk, other_phase.pk: full_there.pk},
            join_waiting_list={phase.pk},
        )
    assert bookings(registration) == []  # one transaction: nothing of the refused change is kept


def test_garbage_ids_are_refused_in_german(phase):
    with pytest.raises(RegistrationError, match="Diese Auswahl ist ungültig."):
        workshops.choose_workshops(registration=person(phase.conference), choices={phase.pk: "abc"})


def test_a_seat_left_free_goes_to_the_waiting_before_a_newcomer(phase):
    workshop = WorkshopFactory(phase=phase, seat_limit=1)
    workshops.choose_workshops(registration=person(phase.conference), choices={phase.pk: workshop.pk})
    waiting = person(phase.conference, last_name="Wartend")
    workshops.choose_workshops(registration=waiting, choices={phase.pk: workshop.pk}, join_waiting_list=True)
    Workshop.objects.filter(pk=workshop.pk).update(seat_limit=2)  # no signal, nobody moved up yet
    newcomer = person(phase.conference, last_name="Neu")
    with pytest.raises(RegistrationError, match="ausgebucht"):
        workshops.choose_workshops(registration=newcomer, choices={phase.pk: workshop.pk})
    assert bookings(newcomer) == []
    workshops.seat_waiting(workshop=workshop)
    assert seated_names(workshop)[1:] == ["Wartend"]

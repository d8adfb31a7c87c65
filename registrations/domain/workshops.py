"""Workshop seats in the phases where participants choose one of several parallel workshops.

The rules, in one place:

- Per phase a registration has at most one seat (a SEATED booking) and at most
  one wish on a waiting list (a WAITING booking). Someone waiting for a full
  workshop may sit in their second choice meanwhile; the waiting booking names
  it in `second_choice`.
- Seats are counted from SEATED bookings and never exceed a workshop's
  `seat_limit`. Every change locks the conference row and then all workshops
  of the phases it touches, in ascending id order (domain/locking.py); the
  steps for a cancellation or a move-up run inside lifecycle.cancel/move_up,
  which hold the conference already.
  Taking the conference first matters: a freed seat moves someone else up and
  writes rows that reference their registration, which a concurrent
  cancellation of that person holds FOR UPDATE while it waits for the
  workshops; with both behind the conference lock they cannot deadlock.
- A freed seat goes to the first person on that workshop's waiting list (in
  the order they joined it) who holds a conference place. They give up the
  seat they held meanwhile in the same phase, which in turn goes to the first
  person waiting there, and they get the mail `workshop_moved_up`.
- Registrations on the conference's waiting list may state their wishes; they
  are recorded as WAITING bookings and take no seat. When the registration
  moves up to a place, its wishes are seated where seats are free, otherwise
  it stays on the workshop's waiting list in the order it joined.
- Participants change their choices until the binding-registration deadline
  (`may_change_workshops`); the office moves people at any time
  (`move_booking`) and fills seats after raising a seat limit (`seat_waiting`).
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import RegistrationError
from programme.models import Workshop, WorkshopPhase

from ..models import Registration, WorkshopBooking
from ..rules.windows import workshop_change_window
from . import locking, outbox

SEATED = WorkshopBooking.Status.SEATED
WAITING = WorkshopBooking.Status.WAITING


# ---------------------------------------------------------------- deadline


def may_change_workshops(registration, now=None):
    """Participants change their choices until the binding-registration deadline."""
    return workshop_change_window(registration, now).is_open


def check_change_window(registration, now=None):
    """Raise RegistrationError when the participant may no longer change their workshops."""
    window = workshop_change_window(registration, now)
    if not window.is_open:
        raise RegistrationError(window.reason)


# ---------------------------------------------------------------- changing


def choose_workshops(
    *, registration, choices, second_choices=None, join_waiting_list=False, now=None, check_deadline=True
):
    """Book the chosen workshop of each phase: `choices` maps phase id → workshop id (None: no workshop).

    A workshop with a free seat seats the registration (its old seat in that
    phase is freed and passed on). A full one raises RegistrationError, unless
    `join_waiting_list` (True, or the ids of the phases it applies to): then
    the registration waits for it and, when `second_choices` names a workshop
    of the phase with a free seat, sits there meanwhile. Choosing again what one already has changes nothing, so a
    waiting-list position is never lost by saving the form twice.
    Registrations on the conference's waiting list only record wishes (see
    the module docstring). The office passes `check_deadline=False`.
    Returns the registration's bookings after the change.
    """
    now = now or timezone.now()
    if check_deadline:
        check_change_window(registration, now)
    prepared = prepare_choices(
        conference_id=registration.conference_id, choices=choices, second_choices=second_choices
    )
    if not prepared.choices:
        return list(WorkshopBooking.objects.filter(registration=registration))
    with transaction.atomic():
        locking.lock_conference(registration.conference_id)
        registration = Registration.objects.select_related("conference").get(pk=registration.pk)
        book_choices(registration, prepared, join_waiting_list=join_waiting_list)
    return list(WorkshopBooking.objects.filter(registration=registration).select_related("workshop"))


@dataclass(frozen=True)
class PreparedChoices:
    """Choices checked against the conference's phases (see prepare_choices)."""

    phases: dict  # phase id -> WorkshopPhase
    choices: dict  # phase id -> workshop id or None
    second_choices: dict  # phase id -> workshop id or None


def prepare_choices(*, conference_id, choices, second_choices=None, choose_phases=None):
    """Normalise the choices to ids and check that every phase is a choose phase of the conference.

    One query and no lock, so callers run it before they lock the conference; none when the
    caller passes the conference's choose phases as it read them for this request already
    (`choose_phases`: the binding form's). Raises RegistrationError for a foreign phase or an
    invalid value.
    """
    choices = {_as_id(phase_id): _as_id(workshop_id) for phase_id, workshop_id in choices.items()}
    second_choices = {
        _as_id(phase_id): _as_id(workshop_id) for phase_id, workshop_id in (second_choices or {}).items()
    }
    phases = {}
    if choices:
        if choose_phases is None:
            choose_phases = WorkshopPhase.objects.filter(
                pk__in=choices, conference_id=conference_id, mode=WorkshopPhase.Mode.CHOOSE
            ).order_by()
        phases = {
            phase.pk: phase
            for phase in choose_phases
            if phase.pk in choices
            and phase.conference_id == conference_id
            and phase.mode == WorkshopPhase.Mode.CHOOSE
        }
        if set(phases) != set(choices):
            raise RegistrationError(_("Diese Arbeitsphase gehört nicht zu Ihrer Tagung."))
    return PreparedChoices(phases=phases, choices=choices, second_choices=second_choices)


def book_choices(registration, prepared, *, join_waiting_list=False):
    """Book prepared choices (see choose_workshops) for a registration whose conference row is locked.

    The caller runs inside `transaction.atomic()`, holds the conference lock and passes
    the registration as it is now (e.g. just saved); the workshops of the phases are
    locked here. Does not check the deadline.
    """
    if registration.is_cancelled:
        raise RegistrationError(_("Eine stornierte Anmeldung kann keine Workshops wählen."))
    if not prepared.choices:
        return
    phases = prepared.phases
    locked = locking.lock_workshops_of_phases(sorted(phases))
    seats = SeatCounts()  # each locked workshop's seats are counted once for all steps below
    freed = []
    for phase_id in sorted(phases):
        wish = _workshop_of(locked, phases[phase_id], prepared.choices[phase_id])
        second = _workshop_of(locked, phases[phase_id], prepared.second_choices.get(phase_id))
        # People already waiting come first: a seat left free (e.g. a limit raised by a
        # bulk update, which sends no signal) goes to them before a newcomer.
        _fill_seats([workshop.pk for workshop in (wish, second) if workshop is not None], locked, seats)
        freed += _apply_choice(
            registration,
            phases[phase_id],
            wish,
            second if second != wish else None,
            join_waiting_list is True or phase_id in (join_waiting_list or ()),
            seats,
        )
    _fill_seats(freed, locked, seats)


def _as_id(value):
    if value in (None, ""):
        return None
    if isinstance(value, (Workshop, WorkshopPhase)):
        return value.pk
    try:
        return int(value)
    except (TypeError, ValueError):
        raise RegistrationError(_("Diese Auswahl ist ungültig.")) from None


def _workshop_of(locked, phase, workshop_id):
    if workshop_id is None:
        return None
    workshop = locked.get(workshop_id)
    if workshop is None or workshop.phase_id != phase.pk:
        raise RegistrationError(_("Dieser Workshop gehört nicht zur %(phase)s.") % {"phase": phase})
    workshop.phase = phase
    return workshop


def _apply_choice(registration, phase, wish, second, join_waiting_list, seats):
    """Change one phase's bookings of a registration; returns the ids of workshops whose seat was freed.

    `seats`: the SeatCounts of the locked workshops, kept up to date with every seat taken or given up."""
    bookings = list(WorkshopBooking.objects.filter(registration=registration, phase=phase))
    seat = next((b for b in bookings if b.status == SEATED), None)
    waits = [b for b in bookings if b.status == WAITING]
    freed = []

    def give_up_seat():
        if seat is not None:
            seat.delete()
            seats.given_up(seat.workshop_id)
            freed.append(seat.workshop_id)

    def drop_waits(keep=None):
        for booking in waits:
            if booking is not keep:
                booking.delete()

    if wish is None:
        drop_waits()
        give_up_seat()
        return freed
    if not registration.holds_place:
        # On the conference's waiting list: the wish is recorded, no seat is taken.
        current = waits[0] if waits else None
        if current is not None and current.workshop_id == wish.pk:
            _set_second_choice(current, second)
            return freed
        drop_waits()
        WorkshopBooking.objects.create(
            registration=registration, phase=phase, workshop=wish, status=WAITING, second_choice=second
        )
        return freed
    if seat is not None and seat.workshop_id == wish.pk:
        drop_waits()
        return freed
    if seats.has_free_seat(wish):
        drop_waits()
        give_up_seat()
        WorkshopBooking.objects.create(registration=registration, phase=phase, workshop=wish, status=SEATED)
        seats.taken(wish.pk)
        return freed
    if not join_waiting_list:
        raise RegistrationError(
            _(
                "Der Workshop „%(workshop)s“ ist leider ausgebucht. Sie können sich auf die Warteliste setzen lassen."
            )
            % {"workshop": wish.title}
        )
    current = next((b for b in waits if b.workshop_id == wish.pk), None)
    drop_waits(keep=current)
    if current is None:
        current = WorkshopBooking.objects.create(
            registration=registration, phase=phase, workshop=wish, status=WAITING, second_choice=second
        )
    else:
        _set_second_choice(current, second)
    if second is not None and (seat is None or seat.workshop_id != second.pk):
        if not seats.has_free_seat(second):
            raise RegistrationError(
                _(
                    "Ihre Zweitwahl „%(workshop)s“ ist ebenfalls ausgebucht. Bitte wählen Sie einen anderen Workshop."
                )
                % {"workshop": second.title}
            )
        give_up_seat()
        WorkshopBooking.objects.create(registration=registration, phase=phase, workshop=second, status=SEATED)
        seats.taken(second.pk)
    return freed


def _set_second_choice(booking, second):
    second_id = second.pk if second else None
    if booking.second_choice_id != second_id:
        booking.second_choice = second
        booking.save(update_fields=["second_choice"])


def _seated_count(workshop):
    return WorkshopBooking.objects.filter(workshop=workshop, status=SEATED).count()


def _has_free_seat(workshop):
    """Counted now, for one look (SeatCounts keeps the count for several)."""
    return SeatCounts().has_free_seat(workshop)


class SeatCounts:
    """The seated bookings of locked workshops, each counted once and then kept by the caller.

    Valid only while the workshop rows are locked and only if every seat taken or given up
    in between is reported (`taken`, `given_up`): book_choices and _fill_seats do so for the
    seats they change, so a binding registration counts its workshop once, not twice.
    """

    def __init__(self):
        self._seated = {}

    def has_free_seat(self, workshop):
        if workshop.seat_limit is None:
            return True
        if workshop.pk not in self._seated:
            self._seated[workshop.pk] = _seated_count(workshop)
        return self._seated[workshop.pk] < workshop.seat_limit

    def taken(self, workshop_id):
        if workshop_id in self._seated:
            self._seated[workshop_id] += 1

    def given_up(self, workshop_id):
        if workshop_id is not None and workshop_id in self._seated:
            self._seated[workshop_id] -= 1


def _first_waiting(workshop):
    # Usually nobody waits: a narrow query answers that; the booking with its
    # registration is loaded only for the one who moves up.
    first_id = (
        WorkshopBooking.objects.filter(
            workshop=workshop, status=WAITING, registration__status=Registration.Status.HOLDS_PLACE
        )
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)
        .first()
    )
    if first_id is None:
        return None
    return WorkshopBooking.objects.select_related("registration__conference", "phase").get(pk=first_id)


def _seat(booking):
    """Turn a waiting booking into a seat; returns the id of the workshop whose seat it gave up, if any."""
    seat = (
        WorkshopBooking.objects.filter(
            registration_id=booking.registration_id, phase_id=booking.phase_id, status=SEATED
        )
        .exclude(pk=booking.pk)
        .first()
    )
    freed = None
    if seat is not None:
        seat.delete()
        freed = seat.workshop_id
    booking.status = SEATED
    booking.second_choice = None
    booking.save(update_fields=["status", "second_choice"])
    return freed


def _fill_seats(workshop_ids, locked, seats=None):
    """Hand free seats of the workshops on to the people waiting, first come first served.

    Runs with the workshops of their phases locked. Moving someone up frees
    their seat elsewhere in the phase, which is handed on in turn. `seats`: the caller's
    SeatCounts of the locked workshops (a new one otherwise).
    """
    seats = seats if seats is not None else SeatCounts()
    pending = list(workshop_ids)
    moved = []
    while pending:
        workshop = locked[pending.pop(0)]
        while seats.has_free_seat(workshop):
            booking = _first_waiting(workshop)
            if booking is None:
                break
            freed = _seat(booking)
            seats.taken(workshop.pk)
            seats.given_up(freed)
            booking.workshop = workshop
            moved.append(booking)
            _notify_moved_up(booking, previous=locked.get(freed))
            if freed is not None:
                pending.append(freed)
    return moved


def _notify_moved_up(booking, *, previous=None):
    outbox.queue_mail(
        registration=booking.registration,
        template="workshop_moved_up",
        context={"workshop": booking.workshop, "phase": booking.phase, "previous": previous},
    )


def release_workshops(registration):
    """A cancelled registration gives up its seats and wishes; each seat goes to the first person waiting."""
    with transaction.atomic():
        phase_ids = set(
            WorkshopBooking.objects.filter(registration=registration).values_list("phase_id", flat=True)
        )
        if not phase_ids:
            return []
        locked = locking.lock_workshops_of_phases(sorted(phase_ids))
        bookings = list(WorkshopBooking.objects.filter(registration=registration))
        freed = [b.workshop_id for b in bookings if b.status == SEATED]
        WorkshopBooking.objects.filter(pk__in=[b.pk for b in bookings]).delete()
        return _fill_seats(freed, locked)


def hand_over_bookings(previous, substitute):
    """A substitute takes over the previous person's workshop seats and waiting-list places as they are.

    No seat is freed in between, so nobody moves up; each booking is saved so the audit trail shows the move.
    """
    for booking in WorkshopBooking.objects.filter(registration=previous).order_by("pk"):
        booking.registration = substitute
        booking.save(update_fields=["registration"])


def seat_wishes_after_move_up(registration):
    """A registration that got a conference place takes the seats it wished for where seats are free."""
    with transaction.atomic():
        phase_ids = set(
            WorkshopBooking.objects.filter(registration=registration, status=WAITING).values_list(
                "phase_id", flat=True
            )
        )
        if not phase_ids:
            return
        locked = locking.lock_workshops_of_phases(sorted(phase_ids))
        bookings = list(WorkshopBooking.objects.filter(registration=registration).order_by("phase_id", "pk"))
        seated_phases = {b.phase_id for b in bookings if b.status == SEATED}
        for wish in [b for b in bookings if b.status == WAITING]:
            if wish.phase_id in seated_phases:
                continue
            if _has_free_seat(locked[wish.workshop_id]):
                _seat(wish)
            elif wish.second_choice_id and _has_free_seat(locked[wish.second_choice_id]):
                WorkshopBooking.objects.create(
                    registration=registration,
                    phase_id=wish.phase_id,
                    workshop_id=wish.second_choice_id,
                    status=SEATED,
                )
            seated_phases.add(wish.phase_id)


def move_booking(*, booking, workshop):
    """The office seats a booking's person in `workshop` of the same phase, within its seat limit.

    Works for a seat (moved to another workshop, the old seat is passed on,
    the person gets the mail `workshop_moved`) and for a waiting-list wish
    (seated out of turn while a seat is free; the seat held meanwhile is
    passed on, and the person gets the move-up mail).
    """
    with transaction.atomic():
        locking.lock_conference(booking.phase.conference_id)
        locked = locking.lock_workshops_of_phases([booking.phase_id])
        booking = WorkshopBooking.objects.select_related("registration__conference", "phase").get(
            pk=booking.pk
        )
        target = locked.get(_as_id(workshop))
        if target is None or target.phase_id != booking.phase_id:
            raise RegistrationError(_("Der Workshop gehört zu einer anderen Arbeitsphase."))
        registration = booking.registration
        name = registration.full_name
        if not registration.holds_place:
            raise RegistrationError(
                _("%(name)s hat keinen Platz bei der Tagung und kann keinen Workshop-Platz erhalten.")
                % {"name": name}
            )
        others = list(
            WorkshopBooking.objects.filter(registration=registration, phase_id=booking.phase_id).exclude(
                pk=booking.pk
            )
        )
        seat = booking if booking.status == SEATED else next((b for b in others if b.status == SEATED), None)
        if seat is not None and seat.workshop_id == target.pk:
            raise RegistrationError(
                _("%(name)s hat bereits einen Platz in „%(workshop)s“.")
                % {"name": name, "workshop": target.title}
            )
        if not _has_free_seat(target):
            raise RegistrationError(
                _("„%(workshop)s“ ist voll (%(limit)s Plätze). Erhöhen Sie zuerst die Platzzahl.")
                % {"workshop": target.title, "limit": target.seat_limit}
            )
        freed = []
        was_waiting = booking.status == WAITING
        previous = locked.get(seat.workshop_id) if seat is not None else None
        if seat is not None:
            freed.append(seat.workshop_id)
            if seat is not booking:
                seat.delete()
        for other in others:
            if other.workshop_id == target.pk and other.pk is not None:
                other.delete()
        booking.workshop = target
        booking.status = SEATED
        booking.second_choice = None
        booking.save(update_fields=["workshop", "status", "second_choice"])
        if was_waiting:
            _notify_moved_up(booking, previous=previous)
        else:
            outbox.queue_mail(
                registration=registration,
                template="workshop_moved",
                context={"workshop": target, "previous": previous, "phase": booking.phase},
            )
        _fill_seats(freed, locked)
    return booking


def seat_waiting(*, workshop):
    """Give the free seats of a workshop to the people waiting, e.g. after the office raised its limit."""
    with transaction.atomic():
        locking.lock_conference(workshop.phase.conference_id)
        locked = locking.lock_workshops_of_phases([workshop.phase_id])
        return _fill_seats([workshop.pk], locked)


def remove_booking(*, booking):
    """The office removes a seat or a waiting-list wish; a freed seat goes to the first person waiting."""
    with transaction.atomic():
        locking.lock_conference(booking.phase.conference_id)
        locked = locking.lock_workshops_of_phases([booking.phase_id])
        booking = WorkshopBooking.objects.filter(pk=booking.pk).first()
        if booking is None:
            return []
        was_seated = booking.status == SEATED
        booking.delete()
        return _fill_seats([booking.workshop_id] if was_seated else [], locked)

"""Places and the waiting list: the state changes behind lifecycle's steps.

Held places = registrations with status HOLDS_PLACE (pre-registered or
binding), never more than the conference's places. Every function here runs
inside the caller's transaction with the conference row locked
(domain/locking.py), so concurrent requests cannot oversell.
"""

from django.utils.translation import gettext as _

from core.exceptions import RegistrationError

from ..models import Registration
from ..queries.places import active_registration_of_person, places_left
from ..rules.holds import hold_expiry
from ..rules.personal import person_taken_message


def ensure_person_free(*, conference, email, first_name, last_name, exclude=None):
    """The one-active-registration-per-person rule (rules.personal.person_key): raise when another
    active registration of the conference is this person. Colleagues sharing an address pass."""
    found = active_registration_of_person(
        conference, email=email, first_name=first_name, last_name=last_name, exclude=exclude
    )
    if found is not None:
        raise RegistrationError(person_taken_message())


def hold_place_or_wait(registration, *, conference, now):
    """Give a new registration a place while one is free, otherwise a place on the waiting list.

    Sets (does not save) status and `waiting_since`; returns whether it holds a place.
    """
    holds_place = places_left(conference) > 0
    registration.status = Registration.Status.HOLDS_PLACE if holds_place else Registration.Status.WAITING
    registration.waiting_since = None if holds_place else now
    return holds_place


def start_hold(registration, *, conference, now):
    """A new registration from a public form holds (or waits) only for the hold time until its
    address is confirmed (rules.holds); one the office enters is confirmed by the office.

    Sets (does not save) `email_confirmed_at` and `hold_expires_at`.
    """
    if registration.source == Registration.Source.WEB:
        registration.email_confirmed_at = None
        registration.hold_expires_at = hold_expiry(conference, now=now)
    else:
        registration.email_confirmed_at = now
        registration.hold_expires_at = None


def mark_confirmed(registration, *, now):
    """The address is confirmed: the registration keeps what it holds, without a time limit."""
    registration.email_confirmed_at = now
    registration.save(update_fields=["email_confirmed_at", "updated_at"])


def lapsed_holds(conference, *, now):
    """The conference's registrations whose hold lapsed unconfirmed, locked, oldest first."""
    return list(
        Registration.objects.filter(conference=conference).lapsed(now).order_by("pk").select_for_update()
    )


def next_in_line(conference, count):
    """The first `count` people on the waiting list, locked, in the one waiting-list order."""
    return list(Registration.objects.filter(conference=conference).waiting().select_for_update()[:count])


def mark_moved_up(registration, *, now, personal_deadline=None):
    """The waiting registration holds a place from now, with its personal deadline (or none)."""
    registration.status = Registration.Status.HOLDS_PLACE
    registration.moved_up_at = now
    registration.personal_deadline = personal_deadline
    registration.save(update_fields=["status", "moved_up_at", "personal_deadline", "updated_at"])


def mark_released(registration, *, now):
    """A pre-registration missed its binding deadline: it ends and its place is free (and recorded so)."""
    registration.status = Registration.Status.CANCELLED
    registration.cancelled_at = now
    registration.place_released_at = now
    registration._change_reason = "Platz freigegeben: Frist für die verbindliche Anmeldung verpasst"
    registration.save(update_fields=["status", "cancelled_at", "place_released_at", "updated_at"])


def mark_lapsed(registration, *, now):
    """A hold lapsed unconfirmed: the registration ends like a cancellation (the address is free again)."""
    registration.status = Registration.Status.CANCELLED
    registration.cancelled_at = now
    registration.save(update_fields=["status", "cancelled_at", "updated_at"])


def hand_over_place(previous, substitute, *, now, update_fields=()):
    """The substitute's new registration takes over the previous one's place as it is (or its
    waiting-list spot, with the same `waiting_since`); the previous registration ends, cancelled,
    pointing to its substitute. Saves both (the previous one with `update_fields` besides), in the
    caller's transaction with the conference locked, so the place is never free in between and
    nobody moves up.
    """
    if previous.is_cancelled:
        raise RegistrationError(_("Diese Anmeldung ist storniert."))
    substitute.status = previous.status
    substitute.waiting_since = previous.waiting_since
    substitute.moved_up_at = previous.moved_up_at
    substitute.save(force_insert=True)
    previous.status = Registration.Status.CANCELLED
    previous.cancelled_at = now
    previous.substituted_by = substitute
    previous.save(update_fields=["status", "cancelled_at", "substituted_by", "updated_at", *update_fields])


def mark_cancelled(registration, *, now):
    if registration.is_cancelled:
        raise RegistrationError(_("Diese Anmeldung ist bereits storniert."))
    registration.status = Registration.Status.CANCELLED
    registration.cancelled_at = now
    registration.save(update_fields=["status", "cancelled_at", "updated_at"])

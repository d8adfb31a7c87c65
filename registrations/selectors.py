"""Read queries for views, admin and documents."""

import re
import secrets

from django.db.models import Exists, OuterRef
from django.http import Http404

from programme.models import Workshop, WorkshopPhase

from .models import GroupAssignment, Registration, WorkshopBooking
from .services.workshops import PhaseBooking, with_waiting_positions

_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


def registration_for_token(token):
    """The registration a personal link points to; the same 404 for malformed, unknown and wrong tokens."""
    if not _TOKEN_RE.match(token or ""):
        raise Http404
    # The token is unique: a slice instead of first(), which would add an ORDER BY.
    found = Registration.objects.select_related("conference").filter(token=token)[:1]
    registration = found[0] if found else None
    if registration is None or not secrets.compare_digest(registration.token, token):
        raise Http404
    return registration


def place_counts(conference):
    """Held places, waiting list and cancellations of a conference in one query."""
    from django.db.models import Count, Q

    counts = Registration.objects.filter(conference=conference).aggregate(
        held=Count("pk", filter=Q(status=Registration.Status.HOLDS_PLACE)),
        held_pre=Count("pk", filter=Q(status=Registration.Status.HOLDS_PLACE, stage=Registration.Stage.PRE)),
        held_binding=Count(
            "pk", filter=Q(status=Registration.Status.HOLDS_PLACE, stage=Registration.Stage.BINDING)
        ),
        waiting=Count("pk", filter=Q(status=Registration.Status.WAITING)),
        cancelled=Count("pk", filter=Q(status=Registration.Status.CANCELLED)),
    )
    counts["places"] = conference.places
    counts["left"] = max(conference.places - counts["held"], 0)
    return counts


# ---------------------------------------------------------------- personal page


def personal_phases(registration):
    """The conference's workshop and discussion-group phases for the personal page.

    The personal view reads them once for all boxes of the page (keep_personal_phases);
    anywhere else this is one query per call. Each phase carries `has_workshops` and
    `has_group_assignment`; a phase that reuses another phase's groups has that phase
    (from the same list) as `reuses_groups_of`, so following the chain runs no queries.
    """
    kept = getattr(registration, "_personal_phases", None)
    return kept if kept is not None else _read_personal_phases(registration)


def keep_personal_phases(registration):
    """Read the phases once for this request's registration object (see personal_phases)."""
    registration._personal_phases = _read_personal_phases(registration)


def _read_personal_phases(registration):
    phases = list(
        WorkshopPhase.objects.filter(
            conference_id=registration.conference_id,
            mode__in=(WorkshopPhase.Mode.CHOOSE, WorkshopPhase.Mode.GROUPS),
        )
        .annotate(
            has_workshops=Exists(Workshop.objects.filter(phase=OuterRef("pk"))),
            has_group_assignment=Exists(GroupAssignment.objects.filter(phase=OuterRef("pk"))),
        )
        .order_by("number")
    )
    by_pk = {phase.pk: phase for phase in phases}
    for phase in phases:
        if phase.reuses_groups_of_id in by_pk:
            phase.reuses_groups_of = by_pk[phase.reuses_groups_of_id]
    return phases


def personal_bookings(registration):
    """The registration's seat and waiting-list wish per choose phase that has workshops.

    Shows the same as services.workshops.bookings_of, with less work for the personal
    page: the phases come from personal_phases (no query of their own), no bookings
    query when no phase has workshops, and the waiting-list positions (an expensive
    subquery) are only read when a wish counts on a list, i.e. the person holds a place.
    Without a place `position` is None; the page does not show it then.
    """
    result = {
        phase.pk: PhaseBooking(phase=phase)
        for phase in personal_phases(registration)
        if phase.mode == WorkshopPhase.Mode.CHOOSE and phase.has_workshops
    }
    if not result:
        return []
    bookings = list(
        WorkshopBooking.objects.filter(registration=registration).select_related("workshop", "second_choice")
    )
    waiting = [booking.pk for booking in bookings if booking.status == WorkshopBooking.Status.WAITING]
    positions = {}
    if waiting and registration.holds_place:
        positions = dict(
            with_waiting_positions(WorkshopBooking.objects.filter(pk__in=waiting)).values_list(
                "pk", "position"
            )
        )
    for booking in bookings:
        entry = result.get(booking.phase_id)
        if entry is None:
            continue
        if booking.status == WorkshopBooking.Status.SEATED:
            booking.position = None
            entry.seat = booking
        else:
            booking.position = positions.get(booking.pk)
            entry.wish = booking
    return list(result.values())

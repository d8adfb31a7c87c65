"""Read queries about discussion groups for the personal page and the programme page.

A phase that reuses another phase's groups is read through that phase
(services.groups.group_source_phase), so both always show the same people.
"""

from dataclasses import dataclass

from django.db.models import Prefetch

from programme.models import WorkshopPhase

from .models import GroupMembership, WorkshopBooking
from .services.groups import group_source_phase


@dataclass
class PersonalPhase:
    """What one workshop phase holds for one participant: a group, workshop bookings, or nothing yet."""

    phase: WorkshopPhase
    group: object = None  # DiscussionGroup (moderators prefetched) or None
    source_phase: WorkshopPhase | None = None  # the phase whose groups are reused
    is_assigned: bool = False  # the phase's groups have been drawn
    bookings: tuple = ()  # WorkshopBooking rows of a choice phase (seated or waiting)

    @property
    def is_groups(self):
        return self.phase.mode == WorkshopPhase.Mode.GROUPS


def personal_phases(registration):
    """Every workshop phase of the registration's conference with the person's group or workshops.

    Four queries, however many phases, groups and moderators there are.
    """
    phases = list(
        WorkshopPhase.objects.filter(conference_id=registration.conference_id)
        .select_related("reuses_groups_of__reuses_groups_of", "group_assignment")
        .order_by("number")
    )
    memberships = {
        membership.phase_id: membership
        for membership in GroupMembership.objects.filter(registration=registration)
        .select_related("group")
        .prefetch_related("group__moderators")
    }
    bookings = {}
    for booking in WorkshopBooking.objects.filter(registration=registration).select_related("workshop"):
        bookings.setdefault(booking.phase_id, []).append(booking)
    by_pk = {phase.pk: phase for phase in phases}
    result = []
    for phase in phases:
        if phase.mode != WorkshopPhase.Mode.GROUPS:
            result.append(PersonalPhase(phase=phase, bookings=tuple(bookings.get(phase.pk, ()))))
            continue
        source = by_pk.get(group_source_phase(phase).pk, phase)
        membership = memberships.get(source.pk)
        result.append(
            PersonalPhase(
                phase=phase,
                group=membership.group if membership else None,
                source_phase=source if source.pk != phase.pk else None,
                is_assigned=_has_assignment(source),
            )
        )
    return result


def _has_assignment(phase):
    try:
        return phase.group_assignment is not None
    except WorkshopPhase.group_assignment.RelatedObjectDoesNotExist:
        return False


def discussion_groups_prefetch(lookup="workshop_phase__discussion_groups"):
    """Prefetch for programme pages: a phase's groups with their moderators (no participants)."""
    from .models import DiscussionGroup

    return Prefetch(
        lookup,
        queryset=DiscussionGroup.objects.order_by("number").prefetch_related("moderators"),
        to_attr="ordered_groups",
    )

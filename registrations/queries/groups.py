"""Read queries about discussion groups for the personal page and the programme page.

A phase that reuses another phase's groups is read through that phase
(rules.grouping.group_source_phase), so both always show the same people.
"""

from dataclasses import dataclass

from django.db.models import Prefetch

from programme.models import WorkshopPhase

from ..models import DiscussionGroup, GroupMembership, Registration
from ..rules.grouping import group_source_phase, normalise_organisation
from .personal import personal_phases


@dataclass
class PersonalGroup:
    """A participant's discussion group in one phase in 'groups' mode, or None when not (yet) in one."""

    phase: WorkshopPhase
    group: object = None  # DiscussionGroup (moderators prefetched) or None
    source_phase: WorkshopPhase | None = None  # the phase whose groups are reused
    is_assigned: bool = False  # the phase's groups have been drawn


def personal_groups(registration):
    """The person's group in every group phase of the conference (workshops: see queries.workshops).

    Two queries of their own (memberships with groups, moderators), none without group
    phases: the phases come from queries.personal.personal_phases, read once per request for the
    whole personal page.
    """
    phases = [phase for phase in personal_phases(registration) if phase.mode == WorkshopPhase.Mode.GROUPS]
    if not phases:
        return []
    memberships = {
        membership.phase_id: membership
        for membership in GroupMembership.objects.filter(registration=registration)
        .select_related("group")
        .prefetch_related("group__moderators")
    }
    by_pk = {phase.pk: phase for phase in phases}
    result = []
    for phase in phases:
        source = by_pk.get(group_source_phase(phase).pk, phase)
        membership = memberships.get(source.pk)
        result.append(
            PersonalGroup(
                phase=phase,
                group=membership.group if membership else None,
                source_phase=source if source.pk != phase.pk else None,
                is_assigned=_has_assignment(source),
            )
        )
    return result


def _has_assignment(phase):
    annotated = getattr(phase, "has_group_assignment", None)  # see queries.personal.personal_phases
    if annotated is not None:
        return annotated
    try:
        return phase.group_assignment is not None
    except WorkshopPhase.group_assignment.RelatedObjectDoesNotExist:
        return False


def discussion_groups_prefetch(lookup="workshop_phase__discussion_groups"):
    """Prefetch for programme pages: a phase's groups with their moderators (no participants)."""
    return Prefetch(
        lookup,
        queryset=DiscussionGroup.objects.order_by("number").prefetch_related("moderators"),
        to_attr="ordered_groups",
    )


def group_participants(conference):
    """The registrations that take part in discussion groups: binding and holding a place."""
    return Registration.objects.filter(conference=conference).holding_places().binding().order_by("pk")


def assigned_group_phases(conference_id):
    """The conference's phases that draw groups of their own and already have them."""
    return WorkshopPhase.objects.filter(
        conference_id=conference_id,
        mode=WorkshopPhase.Mode.GROUPS,
        reuses_groups_of__isnull=True,
        group_assignment__isnull=False,
    ).order_by("number")


def colleagues_in_group(membership):
    """The other members of the membership's group from the same organisation (compared as the
    grouping compares them: rules.grouping.normalise_organisation); none for an unknown one.

    One query: a group holds a dozen people, so they are compared here rather than in SQL.
    """
    own = normalise_organisation(membership.registration.organisation)
    if not own:
        return []
    others = (
        Registration.objects.filter(group_memberships__group_id=membership.group_id)
        .exclude(pk=membership.registration_id)
        .only("first_name", "last_name", "academic_title", "organisation")
        .order_by("last_name", "first_name", "pk")
    )
    return [other for other in others if normalise_organisation(other.organisation) == own]

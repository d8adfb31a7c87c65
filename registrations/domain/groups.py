"""Discussion groups: drawing them, late joiners, cancellations and moves by the office.

Who is in the draw: the registrations of the phase's conference that hold a place
*and* are binding. Pre-registrations are left out on purpose: they are not yet sure
to come (many wait for their travel approval), and a person who registers
bindingly later joins the currently smallest group (join_smallest_group, called by
the lifecycle),
so nobody is forgotten.

A phase that reuses another phase's groups (`WorkshopPhase.reuses_groups_of`, phase
4 meets in the groups of phase 1) has no groups of its own: every read goes through
`rules.grouping.group_source_phase()`, so both phases always show the same people, whatever the
office changes afterwards. The draw itself is `registrations.rules.grouping` (pure, tested
with hypothesis); this module only feeds it and stores the result.
"""

import secrets

from django.db import transaction
from django.utils.translation import gettext as _

from core.exceptions import RegistrationError
from programme.models import WorkshopPhase

from ..models import DiscussionGroup, GroupAssignment, GroupMembership, Registration
from ..queries.groups import assigned_group_phases, group_participants
from ..rules.grouping import assign_groups, choose_group_for_late_participant, group_count_for
from .locking import lock_conference

# Seeds the office can read out and type in again; BigIntegerField holds far more.
MAX_SEED = 10**9


def _check_phase(phase):
    if phase.mode != WorkshopPhase.Mode.GROUPS:
        raise RegistrationError(
            _("Die %(number)s. Arbeitsphase hat keine Diskussionsgruppen, sondern Workshops zur Wahl.")
            % {"number": phase.number}
        )
    if phase.reuses_groups_of_id is not None:
        raise RegistrationError(
            _(
                "Die %(number)s. Arbeitsphase übernimmt die Gruppen der %(source)s. Arbeitsphase. "
                "Bitte teilen Sie dort zu."
            )
            % {"number": phase.number, "source": phase.reuses_groups_of.number}
        )


def assign_discussion_groups(*, phase, group_count=None, target_size=None, seed=None, replace=False, by=None):
    """Draw the discussion groups of a phase at random, reproducibly, and store them.

    Give either `group_count` or `target_size`. Sizes differ by at most one and
    members of one organisation are spread over the groups (see grouping.py). The seed
    is stored; the same seed on the same participants gives the same groups. An
    existing assignment is only replaced with `replace=True`; the groups' names, rooms
    and moderators stay with their numbers. Returns the GroupAssignment.
    """
    if seed is None:
        seed = secrets.randbelow(MAX_SEED)
    with transaction.atomic():
        lock_conference(phase.conference_id)
        phase = WorkshopPhase.objects.select_related("reuses_groups_of").get(pk=phase.pk)
        _check_phase(phase)
        existing = GroupAssignment.objects.filter(phase=phase).first()
        if existing is not None and not replace:
            raise RegistrationError(
                _(
                    "Für die %(number)s. Arbeitsphase sind die Gruppen schon zugeteilt. "
                    "Eine neue Zuteilung ersetzt die bisherige; bitte bestätigen Sie das."
                )
                % {"number": phase.number}
            )
        participants = list(group_participants(phase.conference_id).values_list("pk", "organisation"))
        if not participants:
            raise RegistrationError(
                _("Es gibt noch keine verbindlich angemeldeten Teilnehmenden, die zugeteilt werden könnten.")
            )
        try:
            count = group_count_for(len(participants), group_count=group_count, target_size=target_size)
        except ValueError as error:
            raise RegistrationError(
                _("Bitte geben Sie entweder die Anzahl der Gruppen oder die Gruppengröße an (mindestens 1).")
            ) from error
        drawn = assign_groups(participants, group_count=count, seed=seed)

        if existing is not None:
            existing.delete()
        GroupMembership.objects.filter(phase=phase).delete()
        DiscussionGroup.objects.filter(phase=phase, number__gt=count).delete()
        groups = {group.number: group for group in DiscussionGroup.objects.filter(phase=phase)}
        missing = [
            DiscussionGroup(phase=phase, number=number)
            for number in range(1, count + 1)
            if number not in groups
        ]
        for group in DiscussionGroup.objects.bulk_create(missing):
            groups[group.number] = group
        memberships = [
            GroupMembership(phase=phase, group=groups[number], registration_id=registration_id)
            for number, members in enumerate(drawn, start=1)
            for registration_id in members
        ]
        _bulk_create_memberships(memberships, by=by)
        return GroupAssignment.objects.create(phase=phase, seed=seed, group_count=count, created_by=by)


def _bulk_create_memberships(memberships, *, by):
    """Create memberships with their audit-trail rows (a plain bulk_create would skip them)."""
    from simple_history.utils import bulk_create_with_history

    bulk_create_with_history(memberships, GroupMembership, default_user=by)


def join_smallest_group(registration):
    """A late binding registration joins the currently smallest group of every assigned phase.

    Among the smallest groups it prefers one without a colleague of the same
    organisation (see grouping.choose_group_for_late_participant). Runs inside the
    caller's transaction with the conference row locked, so two late joiners cannot
    both pick the same "smallest" group.
    """
    if not (registration.holds_place and registration.is_binding):
        return []
    joined = []
    for phase in assigned_group_phases(registration.conference_id):
        if GroupMembership.objects.filter(phase=phase, registration=registration).exists():
            continue
        groups = list(DiscussionGroup.objects.filter(phase=phase).order_by("number"))
        if not groups:
            continue
        organisations = {group.pk: [] for group in groups}
        for group_id, organisation in GroupMembership.objects.filter(phase=phase).values_list(
            "group_id", "registration__organisation"
        ):
            organisations[group_id].append(organisation)
        index = choose_group_for_late_participant(
            [organisations[group.pk] for group in groups], registration.organisation
        )
        joined.append(
            GroupMembership.objects.create(phase=phase, group=groups[index], registration=registration)
        )
    return joined


def hand_over_memberships(previous, substitute):
    """A substitute takes the previous person's seat in each discussion group; the groups stay as drawn."""
    for membership in GroupMembership.objects.filter(registration=previous).order_by("pk"):
        membership.registration = substitute
        membership.save(update_fields=["registration"])


def leave_groups(registration):
    """A cancelled registration leaves every discussion group (the audit trail keeps the record)."""
    for membership in GroupMembership.objects.filter(registration=registration):
        membership.delete()


def move_to_group(*, registration, group, by=None):
    """The office moves a person into `group` (of a phase with its own groups).

    A person who was in no group of that phase yet is added. Returns the membership.
    """
    with transaction.atomic():
        lock_conference(registration.conference_id)
        group = DiscussionGroup.objects.select_related("phase", "phase__reuses_groups_of").get(pk=group.pk)
        registration = Registration.objects.get(pk=registration.pk)
        if group.phase.conference_id != registration.conference_id:
            raise RegistrationError(_("Die Gruppe gehört zu einer anderen Tagung."))
        if registration.is_cancelled:
            raise RegistrationError(
                _("%(name)s ist storniert und kann keiner Gruppe zugeordnet werden.")
                % {"name": registration.full_name}
            )
        _check_phase(group.phase)
        membership = GroupMembership.objects.filter(phase=group.phase, registration=registration).first()
        if membership is None:
            membership = GroupMembership(phase=group.phase, registration=registration)
        elif membership.group_id == group.pk:
            return membership
        membership.group = group
        if by is not None:
            membership._history_user = by
        membership.save()
        return membership


def set_group_moderators(*, group, people):
    """Attach the people (programme Persons) who moderate a group, replacing the previous ones."""
    with transaction.atomic():
        group.moderators.set(people)
    return group


def copy_discussion_groups(*, phases):
    """Next year's phases get last year's discussion groups: number, name, room and moderators.

    `phases` maps a source phase's pk to its copy (programme.copying.copy_conference).
    Who was in which group and how they were drawn stay behind: the groups are drawn
    anew for next year's participants. The copies are marked "zu prüfen". Three
    queries, however many groups. Returns {verbose name plural: count}.
    """
    old_groups = list(
        DiscussionGroup.objects.filter(phase_id__in=list(phases))
        .prefetch_related("moderators")
        .order_by("pk")
    )
    new_groups = DiscussionGroup.objects.bulk_create(
        [
            DiscussionGroup(
                phase=phases[group.phase_id],
                number=group.number,
                name=group.name,
                room=group.room,
                needs_review=True,
            )
            for group in old_groups
        ]
    )
    Moderation = DiscussionGroup.moderators.through
    Moderation.objects.bulk_create(
        [
            Moderation(discussiongroup_id=new.pk, person_id=person.pk)
            for old, new in zip(old_groups, new_groups, strict=True)
            for person in old.moderators.all()
        ]
    )
    return {str(DiscussionGroup._meta.verbose_name_plural): len(new_groups)}

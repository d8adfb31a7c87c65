"""Per-group and per-workshop lists for the office: one place that reads them.

`group_lists(phase)` and `workshop_lists(phase)` return plain `MemberList` values
(title, room, moderators, members with name and organisation) in a constant number
of queries; the admin page, the PDFs (documents/lists.py) and exports (CSV, Excel) all render
these same values, so what a list contains is decided once.
"""

import unicodedata
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from programme.models import WorkshopModerator, WorkshopPhase

from ..models import DiscussionGroup, GroupMembership, Registration, WorkshopBooking
from ..rules.grouping import group_source_phase


@dataclass(frozen=True)
class ListEntry:
    """One line of a list: a person's name and organisation."""

    name: str
    organisation: str
    sort_key: tuple = ()


@dataclass
class MemberList:
    """One group or workshop: who moderates it, then who takes part."""

    title: str
    object_id: int | None = None  # the DiscussionGroup or Workshop shown
    room: str = ""
    moderators: list[ListEntry] = field(default_factory=list)
    members: list[ListEntry] = field(default_factory=list)
    note: str = ""


@dataclass
class PhaseLists:
    """All lists of one phase, as the page and the PDF show them."""

    phase: WorkshopPhase
    kind: str  # "groups" or "workshops"
    lists: list[MemberList]
    source_phase: WorkshopPhase | None = None  # the phase whose groups a reusing phase shows

    @property
    def member_count(self):
        return sum(len(member_list.members) for member_list in self.lists)


def _phase(phase):
    return WorkshopPhase.objects.select_related("conference", "reuses_groups_of__reuses_groups_of").get(
        pk=phase.pk
    )


def collation_key(text):
    """Sort key for German names as in a phone book: Ä with A, ß as ss, case ignored."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _participant(registration):
    return ListEntry(
        name=registration.full_name,
        organisation=registration.organisation,
        sort_key=(
            collation_key(registration.last_name),
            collation_key(registration.first_name),
            registration.pk,
        ),
    )


def _moderator(person):
    return ListEntry(name=person.display_name, organisation=person.organisation)


def group_lists(phase):
    """The discussion groups of a phase (or of the phase it reuses), members sorted by name."""
    phase = _phase(phase)
    source = group_source_phase(phase)
    memberships = GroupMembership.objects.select_related("registration").exclude(
        registration__status=Registration.Status.CANCELLED
    )
    groups = (
        DiscussionGroup.objects.filter(phase=source)
        .order_by("number")
        .prefetch_related("moderators", Prefetch("memberships", queryset=memberships))
    )
    lists = []
    for group in groups:
        members = sorted(
            (_participant(membership.registration) for membership in group.memberships.all()),
            key=lambda entry: entry.sort_key,
        )
        title = _("Gruppe %(number)s") % {"number": group.number}
        if group.name:
            title = f"{title}: {group.name}"
        lists.append(
            MemberList(
                title=title,
                object_id=group.pk,
                room=group.room,
                moderators=[_moderator(person) for person in group.moderators.all()],
                members=members,
            )
        )
    return PhaseLists(
        phase=phase, kind="groups", lists=lists, source_phase=source if source != phase else None
    )


def workshop_lists(phase):
    """The workshops of a phase with their seated participants; the waiting list is counted."""
    phase = _phase(phase)
    bookings = (
        WorkshopBooking.objects.select_related("registration")
        .exclude(registration__status=Registration.Status.CANCELLED)
        .order_by("created_at", "pk")
    )
    workshops = phase.workshops.order_by("order", "pk").prefetch_related(
        Prefetch(
            "workshopmoderator_set",
            queryset=WorkshopModerator.objects.select_related("person").order_by("order", "pk"),
            to_attr="ordered_moderators",
        ),
        Prefetch("bookings", queryset=bookings, to_attr="active_bookings"),
    )
    lists = []
    for workshop in workshops:
        seated = [b for b in workshop.active_bookings if b.status == WorkshopBooking.Status.SEATED]
        waiting = len(workshop.active_bookings) - len(seated)
        note = ""
        if workshop.seat_limit:
            note = _("%(seated)s von %(limit)s Plätzen belegt") % {
                "seated": len(seated),
                "limit": workshop.seat_limit,
            }
        if waiting:
            waiting_note = _("%(count)s auf der Warteliste") % {"count": waiting}
            note = f"{note}, {waiting_note}" if note else waiting_note
        lists.append(
            MemberList(
                title=workshop.title,
                object_id=workshop.pk,
                room=workshop.room,
                moderators=[_moderator(m.person) for m in workshop.ordered_moderators],
                members=sorted(
                    (_participant(booking.registration) for booking in seated), key=lambda e: e.sort_key
                ),
                note=note,
            )
        )
    return PhaseLists(phase=phase, kind="workshops", lists=lists)


def phase_lists(phase):
    """The lists that fit the phase's mode: groups or workshops."""
    return group_lists(phase) if phase.mode == WorkshopPhase.Mode.GROUPS else workshop_lists(phase)

"""Read queries for the public pages, the iCal export and later the registration pages.

Every selector fetches what its page shows in a fixed number of queries, however
long the programme is: related rows come with select_related/prefetch_related.
"""

from dataclasses import dataclass, field
from datetime import date
from itertools import groupby

from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone

from . import signals
from .models import (
    Appearance,
    Conference,
    ProgrammeItem,
    SitePage,
    Workshop,
    WorkshopModerator,
)

# People of an item are shown grouped by role in this order: who opens, who talks, who moderates.
ROLE_ORDER = (Appearance.Role.HOST, Appearance.Role.SPEAKER, Appearance.Role.MODERATOR)


@dataclass
class RoleGroup:
    """The people of one programme item who share a role, e.g. both speakers of a talk."""

    role: str
    label: str
    people: list = field(default_factory=list)


@dataclass
class ProgrammeDay:
    """The items of one conference day (local date in Europe/Berlin), in time order."""

    date: date
    items: list


def next_conference():
    """The next public conference that has not ended yet, or None."""
    return Conference.objects.upcoming().first()


def upcoming_conferences():
    """All public conferences that have not ended yet, soonest first."""
    return list(Conference.objects.upcoming())


def past_conferences():
    """The archive: public conferences that have ended, newest first."""
    return list(Conference.objects.past())


def public_conference(slug, *, user=None):
    """The conference with this slug as the visitor may see it.

    Drafts do not exist for the public (404, as for an unknown slug); staff may
    preview them.
    """
    conferences = Conference.objects.all()
    if not (user is not None and user.is_staff):
        conferences = conferences.public()
    try:
        return conferences.get(slug=slug)
    except Conference.DoesNotExist:
        raise Http404("No such public conference.") from None


def programme_items(conference):
    """The conference's programme items in time order with everything the programme shows.

    Each item carries `role_groups` (its people grouped by role, see ROLE_ORDER);
    items of a workshop phase come with the phase, the phase whose groups it reuses,
    and the phase's workshops with their moderators in order.
    """
    workshops = Workshop.objects.order_by("order", "pk").prefetch_related(
        Prefetch(
            "workshopmoderator_set",
            queryset=WorkshopModerator.objects.select_related("person").order_by("order", "pk"),
            to_attr="ordered_moderators",
        )
    )
    items = list(
        ProgrammeItem.objects.filter(conference=conference)
        .select_related("workshop_phase", "workshop_phase__reuses_groups_of")
        .prefetch_related(
            Prefetch(
                "appearance_set",
                queryset=Appearance.objects.select_related("person").order_by("order", "pk"),
                to_attr="ordered_appearances",
            ),
            Prefetch("workshop_phase__workshops", queryset=workshops, to_attr="ordered_workshops"),
        )
        .order_by("starts_at", "pk")
    )
    for item in items:
        item.role_groups = _group_by_role(item.ordered_appearances)
    return items


def programme_days(conference):
    """The programme page's items as a list of ProgrammeDay, one per local calendar day.

    Other apps add what they show with the items through the `programme_page_items`
    signal (signals.py), e.g. the moderated discussion groups of each phase.
    """
    items = programme_items(conference)
    signals.programme_page_items.send(sender=Conference, conference=conference, items=items)
    return [
        ProgrammeDay(date=day, items=list(day_items))
        for day, day_items in groupby(items, key=lambda item: timezone.localdate(item.starts_at))
    ]


def site_page(slug):
    """An office-edited page such as the Impressum; 404 if the office has not written it."""
    try:
        return SitePage.objects.get(slug=slug)
    except SitePage.DoesNotExist:
        raise Http404("No such page.") from None


def _group_by_role(appearances):
    groups = {role.value: RoleGroup(role=role.value, label=role.label) for role in ROLE_ORDER}
    for appearance in appearances:
        group = groups.setdefault(
            appearance.role, RoleGroup(role=appearance.role, label=appearance.get_role_display())
        )
        group.people.append(appearance.person)
    return [group for group in groups.values() if group.people]

"""Reads for the personal page: the registration behind a link, its phases and workshop bookings."""

import re
import secrets

from django.db.models import Exists, OuterRef
from django.http import Http404

from programme.models import Workshop, WorkshopPhase

from ..models import GroupAssignment, Registration
from .workshops import bookings_of

_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


class PersonalLinkNotFound(Http404):
    """A wrong personal link: its 404 page offers 'Link vergessen?' (programme.views.page_not_found)."""

    template_name = "registrations/personal_link_not_found.html"


def registration_for_token(token):
    """The registration a personal link points to; the same 404 for malformed, unknown and wrong tokens."""
    if not _TOKEN_RE.match(token or ""):
        raise PersonalLinkNotFound
    # The token is unique: a slice instead of first(), which would add an ORDER BY.
    found = Registration.objects.select_related("conference").filter(token=token)[:1]
    registration = found[0] if found else None
    if registration is None or not secrets.compare_digest(registration.token, token):
        raise PersonalLinkNotFound
    return registration


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
    """The workshop box's entries: queries.workshops.bookings_of with the page's shared phases."""
    phases = [
        phase
        for phase in personal_phases(registration)
        if phase.mode == WorkshopPhase.Mode.CHOOSE and phase.has_workshops
    ]
    return bookings_of(registration, phases=phases, with_positions=registration.holds_place)

"""Reads for the check-in desk: find a badge, search by name, the members' assembly list.

Every read here runs a constant number of queries however many people it
returns: the registrations, their attendances, and their balances
(queries.balances.balances_for, two queries).
"""

import secrets
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q

from programme.models import ProgrammeItem

from ..models import Attendance, Registration
from ..rules.attendance import is_eligible_for_assembly
from ..rules.payments import ZERO, Balance
from .balances import balances_for

SEARCH_LIMIT = 20


@dataclass
class CheckinPerson:
    """What the desk sees of a person: who, from where, what is still to pay, which days recorded."""

    registration: Registration
    balance: Balance
    days: list = field(default_factory=list)

    @property
    def open_amount(self):
        return max(self.balance.open_amount, ZERO)


def _with_attendances(queryset):
    return queryset.select_related("conference").prefetch_related(
        Prefetch("attendances", queryset=Attendance.objects.order_by("day"))
    )


def _people(registrations):
    registrations = list(registrations)
    balances = balances_for(r.pk for r in registrations)
    return [
        CheckinPerson(registration=r, balance=balances[r.pk], days=[a.day for a in r.attendances.all()])
        for r in registrations
    ]


def registration_for_badge(conference, token):
    """The registration whose badge carries `token` at this conference, or None."""
    registration = (
        Registration.objects.filter(conference=conference, checkin_token=token)
        .select_related("conference")
        .first()
    )
    if registration is None or not secrets.compare_digest(registration.checkin_token, token):
        return None
    return registration


def checkin_person(registration):
    """One person for the desk (three queries after the registration)."""
    (person,) = _people(_with_attendances(Registration.objects.filter(pk=registration.pk)))
    return person


def search_people(conference, query, *, limit=SEARCH_LIMIT):
    """People of a conference whose name or organisation contains every word of `query`.

    Cancelled registrations are left out; people on the waiting list are shown so
    the desk can send them to the office.
    """
    words = query.split()
    if not words:
        return []
    queryset = Registration.objects.filter(conference=conference).exclude(
        status=Registration.Status.CANCELLED
    )
    for word in words[:5]:
        queryset = queryset.filter(
            Q(last_name__icontains=word) | Q(first_name__icontains=word) | Q(organisation__icontains=word)
        )
    return _people(_with_attendances(queryset.order_by("last_name", "first_name", "pk"))[:limit])


def checkin_summary(conference, days):
    """{day: number of people checked in} for the desk's header."""
    counts = {day: 0 for day in days}
    for day in Attendance.objects.filter(registration__conference=conference, day__in=days).values_list(
        "day", flat=True
    ):
        counts[day] += 1
    return counts


def assemblies(conference):
    """The conference's members' assemblies (programme items of kind Mitgliederversammlung)."""
    return list(
        ProgrammeItem.objects.filter(conference=conference, kind=ProgrammeItem.Kind.ASSEMBLY).order_by(
            "starts_at"
        )
    )


def assembly_members(item):
    """The members eligible for a members' assembly, with their attendance, in alphabetical order."""
    queryset = Registration.objects.filter(
        conference_id=item.conference_id, status=Registration.Status.HOLDS_PLACE, is_member=True
    ).order_by("last_name", "first_name", "pk")
    return [p for p in _people(_with_attendances(queryset)) if is_eligible_for_assembly(p.registration)]

"""Places and the waiting list: how many are held and left, and who is where in line.

The waiting list has one order everywhere: `waiting_since`, then `pk` (the order
in which lifecycle.fill_free_places moves people up).
"""

from django.db.models import Count, Q

from ..models import Registration, claims_place
from ..rules.personal import is_same_person, normalise_email


def _counted(now=None):
    """What is counted about places, as aggregates over a conference's registrations.

    Held and waiting count only what claims a place (models.claims_place): a hold
    whose address was not confirmed in time counts for nothing from the minute
    it lapses, before release_expired_holds has cancelled it.
    """
    holds, pre, binding = Registration.Status.HOLDS_PLACE, Registration.Stage.PRE, Registration.Stage.BINDING
    claims = claims_place(now)
    return {
        "held": Count("pk", filter=claims & Q(status=holds)),
        "held_pre": Count("pk", filter=claims & Q(status=holds, stage=pre)),
        "held_binding": Count("pk", filter=claims & Q(status=holds, stage=binding)),
        "waiting": Count("pk", filter=claims & Q(status=Registration.Status.WAITING)),
        "cancelled": Count("pk", filter=Q(status=Registration.Status.CANCELLED)),
    }


def place_counts_by_conference(conference_ids):
    """The same counts as place_counts for several conferences in one query: {conference_id: counts}."""
    rows = (
        Registration.objects.filter(conference_id__in=list(conference_ids))
        .values("conference_id")
        .annotate(**_counted())
        .order_by()
    )
    return {row.pop("conference_id"): row for row in rows}


def place_counts(conference):
    """Held places, waiting list and cancellations of a conference in one query."""
    counts = Registration.objects.filter(conference=conference).aggregate(**_counted())
    counts["places"] = conference.places
    counts["left"] = free_places(conference.places, counts["held"])
    return counts


def free_places(places, held):
    """The one rule for places left: never below zero (the office may lower the places)."""
    return max(places - held, 0)


def places_left(conference):
    """Places still free at a conference (one query)."""
    held = Registration.objects.filter(conference=conference).holding_places().count()
    return free_places(conference.places, held)


def waiting_position(registration):
    """1-based position on the waiting list, or None when not waiting."""
    if not registration.is_waiting:
        return None
    ahead = Q(waiting_since__lt=registration.waiting_since) | Q(
        waiting_since=registration.waiting_since, pk__lt=registration.pk
    )
    return (
        Registration.objects.filter(conference_id=registration.conference_id).waiting().filter(ahead).count()
        + 1
    )


def waiting_positions(registrations):
    """{pk: 1-based waiting position} for those of `registrations` who wait: one query per conference.

    The same order as `waiting_position` (waiting_since, pk); for a page that lists several people."""
    waiting = [registration for registration in registrations if registration.is_waiting]
    positions = {}
    for conference_id in {registration.conference_id for registration in waiting}:
        order = (
            Registration.objects.filter(conference_id=conference_id).waiting().values_list("pk", flat=True)
        )
        positions.update({pk: index for index, pk in enumerate(order, start=1)})
    # A waiting person outside the list (a lapsed hold) is counted as waiting_position counts.
    return {
        registration.pk: positions.get(registration.pk) or waiting_position(registration)
        for registration in waiting
    }


def active_registrations_with_email(conference, email):
    """The conference's active registrations under this address (colleagues may share one), oldest first."""
    return list(
        Registration.objects.active()
        .filter(conference=conference, email=normalise_email(email))
        .order_by("pk")
    )


def active_registration_of_person(conference, *, email, first_name, last_name, exclude=None):
    """The conference's active registration of this person (rules.personal.person_key), or None.

    Reads the few registrations under the address and compares names with the rule, so the
    rule's normalisation of names lives in one place.
    """
    for registration in active_registrations_with_email(conference, email):
        if exclude is not None and registration.pk == exclude.pk:
            continue
        if is_same_person(registration, email=email, first_name=first_name, last_name=last_name):
            return registration
    return None

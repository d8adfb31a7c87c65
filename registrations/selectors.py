"""Read queries for views, admin and documents."""

import re
import secrets

from django.http import Http404

from .models import Registration

_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


def registration_for_token(token):
    """The registration a personal link points to; the same 404 for malformed, unknown and wrong tokens."""
    if not _TOKEN_RE.match(token or ""):
        raise Http404
    registration = Registration.objects.select_related("conference").filter(token=token).first()
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

"""The cache of the public programme: which pages may be cached, their keys and lifetime.

The rendered programme days, the whole programme page and the iCal file are the same
for every anonymous visitor, so they are cached per conference, language and time zone.
Each key holds `Conference.updated_at`, which programme/signals.py touches whenever
anything the programme shows changes; stale entries simply expire.
"""

from django.utils import timezone, translation

from .models import Conference

PROGRAMME_CACHE_SECONDS = 24 * 60 * 60


def is_public_programme(conference):
    """Whether the public sees this conference's programme (only then is anything cached)."""
    return conference.programme_published and conference.status == Conference.Status.PUBLISHED


def cache_key(kind, conference, *parts):
    return ":".join(
        (
            kind,
            str(conference.pk),
            conference.updated_at.isoformat(),
            translation.get_language(),
            timezone.get_current_timezone_name(),
            *parts,
        )
    )

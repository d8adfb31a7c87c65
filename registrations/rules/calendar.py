"""Which programme items belong in a participant's own calendar, and when an item without an end ends."""

import datetime as dt

from django.utils import timezone

from programme.models import ProgrammeItem

# An item without an end lasts until the next item of the day starts; the last one of a day this long.
DEFAULT_DURATION = {ProgrammeItem.Kind.EVENING: dt.timedelta(hours=3)}
FALLBACK_DURATION = dt.timedelta(hours=1)


def is_own_item(item, *, is_member, evening_event_ids):
    """An item is in the person's calendar when they may and will attend it: members-only items
    only for members; an evening event that needs a sign-up only when they signed up for it;
    everything else (talks, plenary, breaks, the workshop phases) for everyone."""
    if item.members_only and not is_member:
        return False
    if item.kind == ProgrammeItem.Kind.EVENING and item.requires_signup:
        return item.pk in evening_event_ids
    return True


def item_end(item, items):
    """The item's end, or else the start of the next item that day, or else a default duration."""
    if item.ends_at:
        return item.ends_at
    day = timezone.localtime(item.starts_at).date()
    later = [
        other.starts_at
        for other in items
        if other.starts_at > item.starts_at and timezone.localtime(other.starts_at).date() == day
    ]
    if later:
        return min(later)
    return item.starts_at + DEFAULT_DURATION.get(item.kind, FALLBACK_DURATION)

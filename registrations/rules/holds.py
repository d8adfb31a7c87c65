"""The hold time: how long a registration made on a public form holds its place unconfirmed.

Confirmation (opening the mailed personal link) proves the address is real and
its owner wants the place; until then the place is only lent, so throw-away
addresses cannot keep places from real people for longer than one hold time.
"""

import datetime as dt

from django.conf import settings


def hold_time(conference):
    """The conference's own hold time, or the installation's (REGISTRATION_HOLD_MINUTES)."""
    return dt.timedelta(minutes=conference.hold_minutes or settings.REGISTRATION_HOLD_MINUTES)


def hold_expiry(conference, *, now):
    """When a registration made now on a public form loses its place unless its address is confirmed."""
    return now + hold_time(conference)

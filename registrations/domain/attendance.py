"""Recording attendance at the desk: one row per person and day, idempotent.

A scan that the phone sends twice (a retry after a lost answer) finds the row of
the first one and records nothing new; the unique constraint on
(registration, day) backs that when two phones scan the same badge at once.
"""

from core.exceptions import RegistrationError

from ..models import Attendance
from ..rules.attendance import checkin_refusal


def record_attendance(*, registration, day, by=None):
    """Record that `registration` was present on `day`; returns (attendance, created).

    Refuses people without a place and days outside the conference; recording it
    again changes nothing and returns the first record.
    """
    if refusal := checkin_refusal(registration, day):
        raise RegistrationError(refusal)
    return Attendance.objects.get_or_create(
        registration=registration,
        day=day,
        defaults={"recorded_by": by if by is not None and by.is_authenticated else None},
    )

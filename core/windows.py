"""The one deadline rule: a deadline date counts as open until the end of that day in Europe/Berlin."""

from django.utils import timezone


def deadline_passed(deadline, now=None):
    """True once the local date is after `deadline` (a date, inclusive); never when there is none."""
    return deadline is not None and timezone.localdate(now or timezone.now()) > deadline

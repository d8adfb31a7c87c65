"""Mahnwesen (dunning): which reminder level an overdue invoice may get next, and from when.

Levels run Zahlungserinnerung → 1. Mahnung → 2. Mahnung, each at most once per
invoice. The first waits `reminder_wait_days` after the due date (and is never
sent before the invoice is past due); each further level waits its days after the
previous one. The waits are set per conference.
"""

import datetime as dt
from dataclasses import dataclass

from ..models import PaymentReminder

Level = PaymentReminder.Level
LEVELS = (Level.REMINDER, Level.FIRST_DUNNING, Level.SECOND_DUNNING)


@dataclass(frozen=True)
class NextReminder:
    level: int
    earliest: dt.date  # the first day it may be sent

    @property
    def label(self):
        return Level(self.level).label

    def is_due(self, today):
        return today >= self.earliest


def reminder_waits(conference):
    """The days to wait before each level, in level order."""
    return (
        conference.reminder_wait_days,
        conference.first_dunning_wait_days,
        conference.second_dunning_wait_days,
    )


def next_reminder(*, due_on, sent, waits):
    """The next level for an invoice due on `due_on`, or None when every level went out.

    `sent` maps each level already sent to the (local) date it was sent.
    """
    last = max(sent, default=0)
    if last >= LEVELS[-1]:
        return None
    level = last + 1
    wait = dt.timedelta(days=waits[level - 1])
    if level == Level.REMINDER:
        # Past due means the day after the due date at the earliest, whatever the wait.
        earliest = max(due_on + wait, due_on + dt.timedelta(days=1))
    else:
        earliest = sent[last] + wait
    return NextReminder(level=level, earliest=earliest)

"""The shapes of the demo data: plain frozen records the loader turns into model rows."""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from ..models import ProgrammeItem, WorkshopPhase

BERLIN = ZoneInfo("Europe/Berlin")

Kind = ProgrammeItem.Kind
Mode = WorkshopPhase.Mode


@dataclass(frozen=True)
class PersonSpec:
    first_name: str
    last_name: str
    academic_title: str = ""
    organisation: str = ""
    role_description: str = ""


@dataclass(frozen=True)
class WorkshopSpec:
    title: str
    moderators: tuple[PersonSpec, ...]
    description: str = ""
    room: str = ""
    seat_limit: int | None = 20


@dataclass(frozen=True)
class PhaseSpec:
    number: int
    title: str
    mode: str
    guiding_question: str = ""
    description: str = ""
    reuses_groups_of: int | None = None
    workshops: tuple[WorkshopSpec, ...] = ()


@dataclass(frozen=True)
class ItemSpec:
    day: int  # 0 is the first day of the conference
    starts: str  # "HH:MM", local time in Berlin
    ends: str | None
    kind: str
    title: str
    description: str = ""
    room: str = ""
    members_only: bool = False
    requires_signup: bool = False
    phase: int | None = None
    hosts: tuple[PersonSpec, ...] = ()
    speakers: tuple[PersonSpec, ...] = ()


def at(first_day, day, clock):
    """The moment `clock` ("HH:MM", Berlin) on the `day`-th day (0 is the first) from `first_day`."""
    return dt.datetime.combine(
        first_day + dt.timedelta(days=day), dt.time.fromisoformat(clock), tzinfo=BERLIN
    )

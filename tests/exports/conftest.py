import datetime as dt
from decimal import Decimal

import pytest

from programme.models import WorkshopPhase
from tests.factories import (
    AttendanceFactory,
    ConferenceFactory,
    DiscussionGroupFactory,
    GroupMembershipFactory,
    ProgrammeItemFactory,
    RegistrationFactory,
    StaffFactory,
    WorkshopBookingFactory,
    WorkshopFactory,
    WorkshopPhaseFactory,
)


@pytest.fixture
def conference():
    return ConferenceFactory(title="Jahrestagung 2025", slug="jahrestagung-2025", places=5000)


@pytest.fixture
def populate(conference):
    """Fill a conference with n participants: a workshop phase, a group phase and an evening event.

    Everyone was checked in on the first day (certificates go only to who attended).
    """
    phase = WorkshopPhaseFactory(conference=conference, number=1, title="Sozialplanung heute")
    workshops = [WorkshopFactory(phase=phase, title=f"Workshop {c}", seat_limit=None) for c in "ABC"]
    group_phase = WorkshopPhaseFactory(
        conference=conference, number=2, title="Diskussion", mode=WorkshopPhase.Mode.GROUPS
    )
    groups = [DiscussionGroupFactory(phase=group_phase, number=n) for n in (1, 2)]
    evening = ProgrammeItemFactory(conference=conference, kind="evening", title="Abendessen im Brauhaus")

    def make(n):
        people = []
        for i in range(n):
            registration = RegistrationFactory(
                conference=conference,
                stage="binding" if i % 2 else "pre",
                is_member=i % 3 == 0,
                list_consent=i % 4 != 0,
                fee=Decimal("250.00") if i % 2 else None,
                payment_status="paid" if i % 5 == 0 else "open",
                registered_at=conference.starts_at - dt.timedelta(days=20),
                dietary_needs="vegetarisch" if i % 7 == 0 else "",
                billing_city="Köln",
            )
            WorkshopBookingFactory(registration=registration, workshop=workshops[i % 3], phase=phase)
            GroupMembershipFactory(registration=registration, group=groups[i % 2], phase=group_phase)
            registration.evening_events.add(evening)
            AttendanceFactory(registration=registration)
            people.append(registration)
        return people

    make.phase = phase
    make.workshops = workshops
    make.groups = groups
    return make


@pytest.fixture
def office_user(db):
    # The office exports and keeps list layouts; organisers only export (registrations/office/roles.py).
    return StaffFactory(
        username="buero", password="pw", permissions=["export_participants", "add_exportlayout"]
    )


@pytest.fixture
def office_superuser(office_user):
    """The office account as a superuser, who may also see the registration list and the conference."""
    office_user.is_superuser = True
    office_user.save()
    return office_user

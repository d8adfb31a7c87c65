"""factory_boy factories shared by all tests."""

import datetime as dt
from decimal import Decimal

import factory
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from programme.models import (
    Appearance,
    Conference,
    Person,
    ProgrammeItem,
    Workshop,
    WorkshopModerator,
    WorkshopPhase,
)


def _in_days(days, hour=10):
    now = timezone.localtime()
    return (now + dt.timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)


class ConferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Conference

    title = factory.Sequence(lambda n: f"Jahrestagung Test {n}")
    slug = factory.Sequence(lambda n: f"jahrestagung-test-{n}")
    motto = "Integrierte Sozialplanung"
    city = "Köln"
    venue_name = "Tagungshaus"
    starts_at = factory.LazyFunction(lambda: _in_days(60))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(days=1, hours=4))
    places = 50
    member_fee = Decimal("250.00")
    non_member_fee = Decimal("300.00")
    pre_registration_deadline = factory.LazyAttribute(lambda o: (o.starts_at - dt.timedelta(days=30)).date())
    registration_deadline = factory.LazyAttribute(lambda o: (o.starts_at - dt.timedelta(days=10)).date())
    programme_published = True
    status = Conference.Status.PUBLISHED
    contact_email = "geschaeftsstelle@vsop.de"


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    first_name = factory.Sequence(lambda n: f"Vorname{n}")
    last_name = factory.Sequence(lambda n: f"Nachname{n}")
    organisation = "Stadt Musterstadt"


class WorkshopPhaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkshopPhase

    conference = factory.SubFactory(ConferenceFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Arbeitsphase {n}")
    mode = WorkshopPhase.Mode.CHOOSE


def discussion_phases(conference):
    """Phase 1 in discussion groups and phase 4, which meets again in the groups of phase 1."""
    first = WorkshopPhaseFactory(conference=conference, number=1, mode=WorkshopPhase.Mode.GROUPS)
    last = WorkshopPhaseFactory(
        conference=conference, number=4, mode=WorkshopPhase.Mode.GROUPS, reuses_groups_of=first
    )
    return first, last


class WorkshopFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workshop

    phase = factory.SubFactory(WorkshopPhaseFactory)
    title = factory.Sequence(lambda n: f"Workshop {n}")
    room = "Raum 1"
    seat_limit = 20


class WorkshopModeratorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkshopModerator

    workshop = factory.SubFactory(WorkshopFactory)
    person = factory.SubFactory(PersonFactory)


class ProgrammeItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgrammeItem

    conference = factory.SubFactory(ConferenceFactory)
    kind = ProgrammeItem.Kind.TALK
    title = factory.Sequence(lambda n: f"Vortrag {n}")
    starts_at = factory.LazyAttribute(lambda o: o.conference.starts_at)
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=1))


class AppearanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Appearance

    item = factory.SubFactory(ProgrammeItemFactory)
    person = factory.SubFactory(PersonFactory)
    role = Appearance.Role.SPEAKER


class RegistrationFactory(factory.django.DjangoModelFactory):
    """A registration created directly, bypassing the services: for reading tests only."""

    class Meta:
        model = "registrations.Registration"

    conference = factory.SubFactory(ConferenceFactory)
    stage = "pre"
    status = "holds_place"
    first_name = factory.Sequence(lambda n: f"Vorname{n}")
    last_name = factory.Sequence(lambda n: f"Nachname{n}")
    email = factory.Sequence(lambda n: f"person{n}@example.org")
    organisation = factory.Sequence(lambda n: f"Stadt {n}")


class BindingRegistrationFactory(RegistrationFactory):
    """A binding registration holding a place, invoiced to the employer (created directly)."""

    stage = "binding"
    salutation = "frau"
    academic_title = "Dr."
    first_name = "Anna-Lena"
    last_name = "Müller-Lüdenscheidt"
    fee_category = "member"
    fee = Decimal("250.00")
    is_member = True
    billing_recipient = "employer"
    billing_organisation = "Landkreis Beispiel"
    billing_department = "Jugendamt, Sozialplanung"
    billing_street = "Am Markt 1"
    billing_postcode = "50667"
    billing_city = "Köln"
    billing_email = "rechnung@landkreis-beispiel.de"
    order_number = "BE-2025-77"
    cost_centre = "KST 4711"
    leitweg_id = "05315000-0001-23"


def binding_participants(conference, count, *, organisations=None, **kwargs):
    """count binding registrations, created directly: each from an organisation of its own
    ("Stadt n"), or, with organisations=k, colleagues from k organisations in turn ("Landkreis n % k")."""
    return [
        RegistrationFactory(
            conference=conference,
            stage="binding",
            organisation=f"Landkreis {n % organisations}" if organisations else f"Stadt {n}",
            **kwargs,
        )
        for n in range(count)
    ]


def invoiced_registration(conference, n=1, fee=None, *, days_ago=0, **extra):
    """Person n's binding registration (p{n}@example.org, last name Person{n}) with its invoice issued
    `days_ago` days ago (40: past due, a reminder may go out), read back from the database.
    The money tests' one builder; `fee` as text or Decimal, other fields as for BindingRegistrationFactory."""
    from registrations.domain import invoicing

    if fee is not None:
        extra["fee"] = Decimal(fee)
    extra.setdefault("email", f"p{n}@example.org")
    extra.setdefault("last_name", f"Person{n}")
    registration = BindingRegistrationFactory(conference=conference, **extra)
    invoicing.issue_invoice(registration=registration, now=timezone.now() - dt.timedelta(days=days_ago))
    registration.refresh_from_db()
    return registration


def pre_registration_data(n=1, **extra):
    """What person n enters to pre-register: the `data` the pre-registration service takes."""
    return {
        "first_name": f"Person{n}",
        "last_name": "Beispiel",
        "email": f"person{n}@example.org",
        "organisation": f"Stadt {n}",
        **extra,
    }


def pre_registered(conference, n=1, **extra):
    """Person n pre-registered through the service, so holding a place or waiting as in production."""
    from registrations.domain import lifecycle

    registration, _ = lifecycle.pre_register(conference=conference, data=pre_registration_data(n, **extra))
    return registration


def self_billing(**extra):
    """What the binding registration asks on top of the person's data: billed to the person, terms accepted."""
    return {
        "billing_recipient": "person",
        "billing_street": "Weg 1",
        "billing_postcode": "50667",
        "billing_city": "Köln",
        "terms_accepted": True,
        **extra,
    }


def employer_billing(**extra):
    """The binding answers of a person whose employer pays, with order number, cost centre and Leitweg-ID."""
    return {
        "billing_recipient": "employer",
        "billing_organisation": "Landkreis Beispiel",
        "billing_department": "Sozialamt",
        "billing_street": "Hauptstraße 1",
        "billing_postcode": "50667",
        "billing_city": "Köln",
        "billing_email": "rechnung@landkreis-beispiel.de",
        "order_number": "PO-4711",
        "cost_centre": "KST 12",
        "leitweg_id": "04011000-1234512345-06",
        "terms_accepted": True,
        **extra,
    }


def office_binding_form(**extra):
    """The office's binding-registration form in the admin as posted after a phone call."""
    return {
        "salutation": "frau",
        "first_name": "Telefon",
        "last_name": "Anruferin",
        "email": "telefon@example.org",
        "organisation": "Kreis Düren",
        "is_member": "on",
        "member_number": "1001",
        "billing_recipient": "employer",
        "billing_organisation": "Kreis Düren",
        "billing_street": "Bismarckstraße 16",
        "billing_postcode": "52351",
        "billing_city": "Düren",
        "terms_version": "1",
        "terms_accepted": "on",
        **extra,
    }


def binding_data(n=1, **extra):
    """What person n enters to register bindingly (the `data` of the binding service), billed to themselves."""
    return pre_registration_data(n, **self_billing(**extra))


class WorkshopBookingFactory(factory.django.DjangoModelFactory):
    """A seat in a workshop, created directly (reading tests only)."""

    class Meta:
        model = "registrations.WorkshopBooking"

    workshop = factory.SubFactory(WorkshopFactory)
    phase = factory.LazyAttribute(lambda o: o.workshop.phase)
    registration = factory.SubFactory(
        RegistrationFactory, conference=factory.LazyAttribute(lambda o: o.factory_parent.phase.conference)
    )
    status = "seated"


class DiscussionGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "registrations.DiscussionGroup"

    phase = factory.SubFactory(WorkshopPhaseFactory, mode=WorkshopPhase.Mode.GROUPS)
    number = factory.Sequence(lambda n: n + 1)
    room = "Raum 2"


class GroupMembershipFactory(factory.django.DjangoModelFactory):
    """A place in a discussion group, created directly (reading tests only)."""

    class Meta:
        model = "registrations.GroupMembership"

    group = factory.SubFactory(DiscussionGroupFactory)
    phase = factory.LazyAttribute(lambda o: o.group.phase)
    registration = factory.SubFactory(
        RegistrationFactory, conference=factory.LazyAttribute(lambda o: o.factory_parent.phase.conference)
    )


class InvoiceFactory(factory.django.DjangoModelFactory):
    """An invoice created directly, bypassing the numbering service (reading tests only)."""

    class Meta:
        model = "registrations.Invoice"

    registration = factory.SubFactory(RegistrationFactory, stage="binding")
    year = 2025
    sequence = factory.Sequence(lambda n: 9000 + n)
    number = factory.LazyAttribute(lambda o: f"{o.year}-{o.sequence:05d}")
    issued_on = factory.LazyFunction(timezone.localdate)
    due_on = factory.LazyAttribute(lambda o: o.issued_on + dt.timedelta(days=14))
    recipient = "Stadt Musterstadt"
    participant_name = factory.LazyAttribute(lambda o: o.registration.full_name)
    description = "Teilnahmegebühr"
    service_period = "25.–26.09.2025"
    service_place = "Köln"
    amount = Decimal("250.00")


class PaymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "registrations.Payment"

    registration = factory.SubFactory(RegistrationFactory, stage="binding")
    amount = Decimal("250.00")
    received_on = factory.LazyFunction(timezone.localdate)


class AttendanceFactory(factory.django.DjangoModelFactory):
    """A recorded check-in, created directly (reading tests); by default on the conference's first day."""

    class Meta:
        model = "registrations.Attendance"

    registration = factory.SubFactory(RegistrationFactory)
    day = factory.LazyAttribute(lambda o: timezone.localtime(o.registration.conference.starts_at).date())


class UserFactory(factory.django.DjangoModelFactory):
    """An account without staff rights (a visitor who logged in, a user named in the history)."""

    class Meta:
        model = "auth.User"
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    password = factory.django.Password("x")


class StaffFactory(UserFactory):
    """A staff account, e.g. ``StaffFactory(roles=[OFFICE])`` or ``StaffFactory(permissions=["view_invoice"])``.

    ``roles`` names the groups the migration creates; ``permissions`` are codenames of the
    conference apps. A name that does not exist fails here instead of leaving a user without rights.
    """

    username = factory.Sequence(lambda n: f"staff{n}")
    is_staff = True

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for name in extracted or ():
            self.groups.add(Group.objects.get(name=name))

    @factory.post_generation
    def permissions(self, create, extracted, **kwargs):
        for codename in extracted or ():
            self.user_permissions.add(
                Permission.objects.get(
                    content_type__app_label__in=["registrations", "programme", "exports"], codename=codename
                )
            )


def group_contact_data(**extra):
    """What a secretariat types as the contact of a group registration (collective invoice)."""
    return {
        "contact_first_name": "Sabine",
        "contact_last_name": "Sekretär",
        "contact_email": "sekretariat@kreis-beispiel.de",
        "organisation": "Landkreis Beispiel",
        "billing": "collective",
        "billing_organisation": "Landkreis Beispiel",
        "billing_street": "Hauptstraße 1",
        "billing_postcode": "50667",
        "billing_city": "Köln",
        "billing_email": "",
        "terms_accepted": True,
        **extra,
    }


def group_colleague(first_name, **extra):
    """One colleague on a group registration (no own address unless given)."""
    return {"first_name": first_name, "last_name": "Beispiel", "email": "", "is_member": False, **extra}


def registered_group(conference, members, **contact):
    """A group registration made through the domain service (not yet confirmed by the contact)."""
    from registrations.domain import group_registrations

    return group_registrations.register_group(
        conference=conference, data=group_contact_data(**contact), members=members
    )

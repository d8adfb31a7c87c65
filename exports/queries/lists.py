"""Selectors for participant lists: which people, which columns, in which order.

Every export (PDF, Excel, CSV, badges, sign-in sheets, certificates) reads its
rows through `participant_table()`, which runs a constant number of queries
whatever the number of registrations: one for the phases, one for the
registrations and one per related set the chosen columns need.
"""

import datetime as dt
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.formatting import euro
from programme.models import WorkshopPhase
from registrations.models import Attendance, GroupMembership, Registration, WorkshopBooking
from registrations.rules import attendance as attendance_rules

TEXT = "text"
DATE = "date"
DATETIME = "datetime"
MONEY = "money"
BOOL = "bool"

BOOKINGS = "bookings"
GROUPS = "groups"
EVENING = "evening"
ATTENDANCE = "attendance"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    get: Callable[[Registration], Any]
    type: str = TEXT
    width: int = 20  # characters, for Excel and as a hint for PDF layouts
    needs: frozenset = field(default_factory=frozenset)


def _choice(field_name):
    return lambda r: getattr(r, f"get_{field_name}_display")()


def _local_date(value):
    return timezone.localtime(value).date() if value else None


def _sort_name(r):
    first = " ".join(p for p in (r.academic_title, r.first_name) if p)
    return f"{r.last_name}, {first}" if first else r.last_name


# Columns every conference has, in the order the picker shows them.
STATIC_COLUMNS = [
    Column("name", gettext_lazy("Name"), _sort_name, width=30),
    Column("salutation", gettext_lazy("Anrede"), _choice("salutation"), width=10),
    Column("academic_title", gettext_lazy("Titel"), lambda r: r.academic_title, width=10),
    Column("first_name", gettext_lazy("Vorname"), lambda r: r.first_name),
    Column("last_name", gettext_lazy("Nachname"), lambda r: r.last_name),
    Column("organisation", gettext_lazy("Organisation"), lambda r: r.organisation, width=35),
    Column("position", gettext_lazy("Funktion / Stelle"), lambda r: r.position, width=25),
    Column("email", gettext_lazy("E-Mail"), lambda r: r.email, width=36),
    Column("city", gettext_lazy("Ort"), lambda r: r.billing_city, width=18),
    Column("is_member", gettext_lazy("Mitglied"), lambda r: r.is_member, BOOL, width=12),
    Column("member_number", gettext_lazy("Mitgliedsnummer"), lambda r: r.member_number, width=14),
    Column("stage", gettext_lazy("Stufe"), _choice("stage"), width=22),
    Column("status", gettext_lazy("Status"), _choice("status"), width=16),
    Column("fee", gettext_lazy("Gebühr"), lambda r: r.fee, MONEY, width=14),
    Column("payment_status", gettext_lazy("Zahlung"), _choice("payment_status"), width=15),
    Column(
        "registered_at",
        gettext_lazy("angemeldet am"),
        lambda r: _local_date(r.registered_at or r.created_at),
        DATE,
        width=13,
    ),
    Column("dietary_needs", gettext_lazy("Ernährung"), lambda r: r.dietary_needs, width=25),
    Column(
        "accessibility_needs", gettext_lazy("Barrierefreiheit"), lambda r: r.accessibility_needs, width=25
    ),
    Column(
        "evening_events",
        gettext_lazy("Abendveranstaltungen"),
        lambda r: ", ".join(item.title for item in r.evening_events.all()),
        width=30,
        needs=frozenset({EVENING}),
    ),
    Column("list_consent", gettext_lazy("auf Aushangliste"), lambda r: r.list_consent, BOOL, width=12),
    Column("note", gettext_lazy("Anmerkung"), lambda r: r.note, width=30),
]
STATIC_KEYS = {c.key: c for c in STATIC_COLUMNS}

DEFAULT_COLUMNS = ["name", "organisation", "email", "is_member", "status", "payment_status"]
CONSENT_COLUMNS = ["name", "organisation"]
DEFAULT_FILTERS = {"status": [Registration.Status.HOLDS_PLACE]}


def _phase_column(phase):
    """One column per phase: the seated workshop, or the discussion group."""
    if phase.is_choice:

        def get(r):
            seated = [
                b.workshop.title
                for b in r.workshop_bookings.all()
                if b.phase_id == phase.pk and b.status == "seated"
            ]
            return ", ".join(seated)

        header = _("AP %(number)s: Workshop") % {"number": phase.number}
        needs = frozenset({BOOKINGS})
    else:

        def get(r):
            return ", ".join(str(m.group) for m in r.group_memberships.all() if m.phase_id == phase.pk)

        header = _("AP %(number)s: Gruppe") % {"number": phase.number}
        needs = frozenset({GROUPS})
    return Column(f"phase_{phase.number}", header, get, width=30, needs=needs)


def conference_phases(conference):
    return list(WorkshopPhase.objects.filter(conference=conference).order_by("number"))


def available_columns(conference, phases=None):
    """Every column the office can pick for this conference (static ones plus one per phase)."""
    phases = conference_phases(conference) if phases is None else phases
    return [*STATIC_COLUMNS, *(_phase_column(p) for p in phases)]


def sort_key(r):
    """German alphabetical order: umlauts sort like their base letter, case ignored."""

    def fold(text):
        return "".join(
            c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
        ).casefold()

    return (fold(r.last_name), fold(r.first_name), r.pk)


def filter_registrations(queryset, filters):
    """Apply the office's filters (status, stage, paid, member, workshop, group, ids)."""
    filters = filters or {}
    if statuses := filters.get("status"):
        queryset = queryset.filter(status__in=statuses)
    if stage := filters.get("stage"):
        queryset = queryset.filter(stage=stage)
    paid = filters.get("paid")
    if paid == "yes":
        queryset = queryset.filter(payment_status=Registration.PaymentStatus.PAID)
    elif paid == "no":
        queryset = queryset.exclude(
            payment_status__in=[Registration.PaymentStatus.PAID, Registration.PaymentStatus.REFUNDED]
        )
    member = filters.get("member")
    if member == "yes":
        queryset = queryset.filter(is_member=True)
    elif member == "no":
        queryset = queryset.filter(is_member=False)
    if workshop := filters.get("workshop"):
        queryset = queryset.filter(
            workshop_bookings__workshop_id=workshop, workshop_bookings__status=WorkshopBooking.Status.SEATED
        )
    if group := filters.get("group"):
        queryset = queryset.filter(group_memberships__group_id=group)
    if filters.get("list_consent"):
        queryset = queryset.filter(list_consent=True)
    if ids := filters.get("ids"):
        queryset = queryset.filter(pk__in=ids)
    if filters.get("attended"):
        queryset = queryset.filter(pk__in=Attendance.objects.values("registration_id"))
    return queryset


def registrations_queryset(conference, filters, needs=frozenset()):
    queryset = filter_registrations(Registration.objects.filter(conference=conference), filters)
    queryset = queryset.select_related("conference")
    if BOOKINGS in needs:
        queryset = queryset.prefetch_related(
            Prefetch(
                "workshop_bookings",
                queryset=WorkshopBooking.objects.select_related("workshop", "phase").order_by(
                    "phase__number"
                ),
            )
        )
    if GROUPS in needs:
        queryset = queryset.prefetch_related(
            Prefetch(
                "group_memberships",
                queryset=GroupMembership.objects.select_related("group", "phase").order_by("phase__number"),
            )
        )
    if EVENING in needs:
        queryset = queryset.prefetch_related("evening_events")
    if ATTENDANCE in needs:
        queryset = queryset.prefetch_related(
            Prefetch("attendances", queryset=Attendance.objects.order_by("day"))
        )
    return queryset


def count_rows(conference, filters):
    return filter_registrations(Registration.objects.filter(conference=conference), filters).count()


@dataclass
class ParticipantTable:
    conference: Any
    columns: list
    registrations: list
    phases: list

    @property
    def headers(self):
        return [str(c.header) for c in self.columns]

    def typed_rows(self):
        """Rows of Python values (str, bool, Decimal, date) in column order."""
        for r in self.registrations:
            yield [c.get(r) for c in self.columns]

    def text_rows(self):
        """Rows as German display text, for PDF documents."""
        for row in self.typed_rows():
            yield [display(value, c.type) for value, c in zip(row, self.columns, strict=True)]


def participant_table(conference, columns=None, filters=None, *, needs=frozenset()):
    """The rows of a participant list in German alphabetical order, with the chosen columns.

    Unknown column keys are dropped (a layout saved for another conference may
    name a phase this one does not have). `needs` asks for related data beyond
    the columns (badges show workshops and groups).
    """
    phases = conference_phases(conference)
    by_key = {c.key: c for c in available_columns(conference, phases)}
    chosen = [by_key[k] for k in (columns or DEFAULT_COLUMNS) if k in by_key]
    needs = frozenset(needs).union(*(c.needs for c in chosen))
    filters = DEFAULT_FILTERS if filters is None else filters
    registrations = sorted(registrations_queryset(conference, filters, needs), key=sort_key)
    return ParticipantTable(conference=conference, columns=chosen, registrations=registrations, phases=phases)


def display(value, kind=TEXT):
    """A value as German text: '250,00 €', '25.09.2025', 'ja'."""
    if value is None or value == "":
        return ""
    if kind == BOOL or isinstance(value, bool):
        return _("ja") if value else _("nein")
    if kind == MONEY or isinstance(value, Decimal):
        return euro(value)
    if isinstance(value, dt.datetime):
        return date_format(timezone.localtime(value), "d.m.Y H:i")
    if isinstance(value, dt.date):
        return date_format(value, "d.m.Y")
    return str(value)


def conference_days(conference):
    """The calendar days of a conference in Europe/Berlin (the check-in rule's days)."""
    return attendance_rules.conference_days(conference)


def attended_days(registration):
    """The days `registration` was checked in; needs ATTENDANCE prefetched."""
    return attendance_rules.certificate_days(registration.attendances.all())


def assignments(registration):
    """'AP 1: Workshop title' / 'AP 2: Gruppe 3' lines for badges; needs BOOKINGS and GROUPS prefetched."""
    lines = []
    for b in registration.workshop_bookings.all():
        if b.status == WorkshopBooking.Status.SEATED:
            lines.append((b.phase.number, b.workshop.title))
    for m in registration.group_memberships.all():
        lines.append((m.phase.number, str(m.group)))
    return [_("AP %(number)s: %(what)s") % {"number": n, "what": what} for n, what in sorted(lines)]

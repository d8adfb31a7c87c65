"""The office's dashboard on the admin start page: places, people, money and fill per conference.

`office_dashboard()` runs a fixed number of grouped queries, whatever the number
of registrations (each figure is an aggregate, grouped by conference).
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.formatting import euro
from programme.models import Conference, Workshop
from registrations.models import DiscussionGroup, Invoice, Payment, Registration
from registrations.queries.balances import with_balance
from registrations.queries.places import free_places, place_counts_by_conference
from registrations.rules.payments import OWED_BACK

RECENT_DAYS = 90
MAX_CONFERENCES = 3
RECENT_ITEMS = 10

ZERO = Decimal("0.00")


@dataclass
class ConferenceFigures:
    conference: Conference
    held_pre: int = 0
    held_binding: int = 0
    waiting: int = 0
    cancelled: int = 0
    members: int = 0
    non_members: int = 0
    invoiced: Decimal = ZERO
    received: Decimal = ZERO
    outstanding: Decimal = ZERO  # still to come in, per registration (never netted with refunds)
    refunds_due: Decimal = ZERO  # to pay back (overpaid, or paid and then cancelled)
    refunds_due_count: int = 0
    overdue: Decimal = ZERO
    overdue_count: int = 0
    workshops: list = field(default_factory=list)
    groups: list = field(default_factory=list)
    activity: list = field(default_factory=list)

    @property
    def held(self):
        return self.held_pre + self.held_binding

    @property
    def free(self):
        return free_places(self.conference.places, self.held)

    @property
    def open(self):
        """What is still to come in: the sum of each registration's open amount, refunds not deducted."""
        return self.outstanding


@dataclass(frozen=True)
class Activity:
    at: dt.datetime
    text: str
    registration_id: int


def dashboard_conferences(now=None):
    """Conferences still running or ended in the last RECENT_DAYS days; else the latest one."""
    now = now or timezone.now()
    conferences = list(
        Conference.objects.filter(ends_at__gte=now - dt.timedelta(days=RECENT_DAYS)).order_by("starts_at")[
            :MAX_CONFERENCES
        ]
    )
    return conferences or list(Conference.objects.order_by("-starts_at")[:1])


def office_dashboard(now=None):
    """Figures for the dashboard: a list of ConferenceFigures."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    conferences = dashboard_conferences(now)
    figures = {c.pk: ConferenceFigures(conference=c) for c in conferences}
    if not figures:
        return []
    ids = list(figures)
    S = Registration.Status  # noqa: N806 - short alias keeps the aggregates readable

    for conference_id, counts in place_counts_by_conference(ids).items():
        for key in ("held_pre", "held_binding", "waiting"):
            setattr(figures[conference_id], key, counts[key])

    rows = (
        Registration.objects.filter(conference_id__in=ids)
        .values("conference_id")
        .annotate(
            cancelled=Count("pk", filter=Q(status=S.CANCELLED)),
            members=Count("pk", filter=~Q(status=S.CANCELLED) & Q(is_member=True)),
            non_members=Count("pk", filter=~Q(status=S.CANCELLED) & Q(is_member=False)),
        )
        .order_by()
    )
    for row in rows:
        target = figures[row.pop("conference_id")]
        for key, value in row.items():
            setattr(target, key, value)

    _add_balances(figures, ids, today)

    payments = (
        Payment.objects.filter(registration__conference_id__in=ids)
        .values("registration__conference_id")
        .annotate(received=Sum("amount"))
        .order_by()
    )
    for row in payments:
        figures[row["registration__conference_id"]].received = row["received"] or ZERO

    workshops = (
        Workshop.objects.filter(phase__conference_id__in=ids)
        .select_related("phase")
        .annotate(
            seated=Count("bookings", filter=Q(bookings__status="seated")),
            waiting=Count("bookings", filter=Q(bookings__status="waiting")),
        )
        .order_by("phase__number", "order", "pk")
    )
    for workshop in workshops:
        figures[workshop.phase.conference_id].workshops.append(workshop)

    groups = (
        DiscussionGroup.objects.filter(phase__conference_id__in=ids)
        .select_related("phase")
        .annotate(members=Count("memberships"))
        .order_by("phase__number", "number")
    )
    for group in groups:
        figures[group.phase.conference_id].groups.append(group)

    _add_activity(figures, ids)
    return list(figures.values())


def _add_balances(figures, ids, today):
    """Invoiced, outstanding, overdue and refunds due, from each registration's own balance (one query).

    Netting them per conference would hide a refund owed behind money still to come in.
    Overdue: money open on a valid invoice past due, unless the registration counts as settled.
    """
    settled = [
        Registration.PaymentStatus.PAID,
        Registration.PaymentStatus.REFUNDED,
        *OWED_BACK,
    ]
    overdue_invoice = Invoice.objects.filter(
        registration=OuterRef("pk"),
        kind=Invoice.Kind.INVOICE,
        due_on__lt=today,
        cancelled_by__isnull=True,
    )
    rows = (
        with_balance(Registration.objects.filter(conference_id__in=ids))
        .annotate(has_overdue_invoice=Exists(overdue_invoice))
        .values_list("conference_id", "payment_status", "invoiced_total", "paid_total", "has_overdue_invoice")
        .order_by()
    )
    for conference_id, status, invoiced, paid, has_overdue_invoice in rows:
        target = figures[conference_id]
        target.invoiced += invoiced
        difference = invoiced - paid
        if difference > ZERO:
            target.outstanding += difference
            if has_overdue_invoice and status not in settled:
                target.overdue += difference
                target.overdue_count += 1
        elif difference < ZERO:
            target.refunds_due -= difference
            target.refunds_due_count += 1


def _add_activity(figures, ids):
    """Latest registrations, cancellations and payments, newest first (three small queries)."""
    activity = {pk: [] for pk in ids}
    latest = Registration.objects.filter(conference_id__in=ids).order_by("-created_at")[:RECENT_ITEMS]
    for r in latest.only("pk", "conference_id", "first_name", "last_name", "status", "stage", "created_at"):
        text = _("%(name)s: angemeldet (%(stage)s, %(status)s)") % {
            "name": f"{r.first_name} {r.last_name}",
            "stage": r.get_stage_display(),
            "status": r.get_status_display(),
        }
        activity[r.conference_id].append(Activity(r.created_at, text, r.pk))
    cancelled = (
        Registration.objects.filter(conference_id__in=ids, cancelled_at__isnull=False)
        .order_by("-cancelled_at")
        .only("pk", "conference_id", "first_name", "last_name", "cancelled_at")[:RECENT_ITEMS]
    )
    for r in cancelled:
        text = _("%(name)s: storniert") % {"name": f"{r.first_name} {r.last_name}"}
        activity[r.conference_id].append(Activity(r.cancelled_at, text, r.pk))
    payments = (
        Payment.objects.filter(registration__conference_id__in=ids)
        .select_related("registration")
        .only(
            "amount",
            "created_at",
            "registration__id",
            "registration__conference_id",
            "registration__first_name",
            "registration__last_name",
        )
        .order_by("-created_at")[:RECENT_ITEMS]
    )

    for p in payments:
        r = p.registration
        text = _("%(name)s: Zahlung %(amount)s") % {
            "name": f"{r.first_name} {r.last_name}",
            "amount": euro(p.amount),
        }
        activity[r.conference_id].append(Activity(p.created_at, text, r.pk))
    for pk, items in activity.items():
        figures[pk].activity = sorted(items, key=lambda a: a.at, reverse=True)[:RECENT_ITEMS]

"""Reads about workshop seats: the phases with their fill, a person's bookings, waiting lists."""

from dataclasses import dataclass, field

from django.db.models import Case, Count, Exists, F, OuterRef, Prefetch, Q, Subquery, Value, When
from django.db.models.functions import Coalesce

from programme.models import Workshop, WorkshopModerator, WorkshopPhase

from ..models import Registration, WorkshopBooking

SEATED = WorkshopBooking.Status.SEATED
WAITING = WorkshopBooking.Status.WAITING


@dataclass
class WorkshopFill:
    """A workshop with how many seats are taken and how many people wait for it."""

    workshop: Workshop
    seated: int
    waiting: int

    @property
    def seat_limit(self):
        return self.workshop.seat_limit

    @property
    def seats_left(self):
        """Free seats, or None when the workshop has no limit."""
        if self.workshop.seat_limit is None:
            return None
        return max(self.workshop.seat_limit - self.seated, 0)

    @property
    def is_full(self):
        return self.workshop.seat_limit is not None and self.seated >= self.workshop.seat_limit

    @property
    def moderator_names(self):
        return ", ".join(m.person.display_name for m in self.workshop.workshopmoderator_set.all())


@dataclass
class PhaseChoices:
    phase: WorkshopPhase
    workshops: list = field(default_factory=list)

    def fill_of(self, workshop_id):
        return next((fill for fill in self.workshops if fill.workshop.pk == workshop_id), None)


def workshop_choices(conference):
    """The phases of mode "choose" with their workshops and seat fill, in three queries."""
    phases = list(
        WorkshopPhase.objects.filter(conference=conference, mode=WorkshopPhase.Mode.CHOOSE).order_by("number")
    )
    by_phase = {phase.pk: PhaseChoices(phase=phase) for phase in phases}
    workshops = (
        Workshop.objects.filter(phase__in=phases)
        .annotate(
            seated_count=Count("bookings", filter=Q(bookings__status=SEATED)),
            waiting_count=Count("bookings", filter=Q(bookings__status=WAITING)),
        )
        .prefetch_related(
            Prefetch("workshopmoderator_set", WorkshopModerator.objects.select_related("person"))
        )
        .order_by("phase__number", "order", "pk")
    )
    for workshop in workshops:
        entry = by_phase[workshop.phase_id]
        workshop.phase = entry.phase
        entry.workshops.append(WorkshopFill(workshop, workshop.seated_count, workshop.waiting_count))
    return list(by_phase.values())


@dataclass
class PhaseBooking:
    """What one registration holds in one phase: a seat, a wish on a waiting list, or nothing."""

    phase: WorkshopPhase
    seat: WorkshopBooking | None = None
    wish: WorkshopBooking | None = None

    @property
    def position(self):
        return self.wish.position if self.wish else None


def bookings_of(registration, *, phases=None, with_positions=True):
    """The registration's seat and waiting-list wish per choose phase (that has workshops).

    `phases`: those phases, when the caller has read them already (the personal page
    shares one phases query between its boxes); otherwise one query reads them. Then
    one query for the bookings, and one more for the waiting-list positions when there
    is a wish and `with_positions` (the personal page shows positions only to people
    who hold a place).
    """
    if phases is None:
        phases = (
            WorkshopPhase.objects.filter(
                conference_id=registration.conference_id, mode=WorkshopPhase.Mode.CHOOSE
            )
            .annotate(workshop_count=Count("workshops"))
            .filter(workshop_count__gt=0)
            .order_by("number")
        )
    result = {phase.pk: PhaseBooking(phase=phase) for phase in phases}
    if not result:
        return []
    bookings = list(
        WorkshopBooking.objects.filter(registration=registration).select_related("workshop", "second_choice")
    )
    waiting = [booking.pk for booking in bookings if booking.status == WAITING]
    positions = {}
    if waiting and with_positions:
        positions = dict(
            with_waiting_positions(WorkshopBooking.objects.filter(pk__in=waiting)).values_list(
                "pk", "position"
            )
        )
    for booking in bookings:
        entry = result.get(booking.phase_id)
        if entry is None:
            continue
        booking.position = positions.get(booking.pk)  # None when seated
        if booking.status == SEATED:
            entry.seat = booking
        else:
            entry.wish = booking
    return list(result.values())


def with_waiting_positions(queryset):
    """Annotate `position`: the 1-based place on the workshop's waiting list (None when seated).

    Only people holding a conference place count as ahead: the others cannot
    take a seat yet and are skipped when a seat is handed on.
    """
    ahead = (
        WorkshopBooking.objects.filter(
            workshop=OuterRef("workshop"),
            status=WAITING,
            registration__status=Registration.Status.HOLDS_PLACE,
        )
        .filter(
            Q(created_at__lt=OuterRef("created_at"))
            | Q(created_at=OuterRef("created_at"), pk__lt=OuterRef("pk"))
        )
        .order_by()
        .values("workshop")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return queryset.annotate(_ahead=Coalesce(Subquery(ahead), Value(0))).annotate(
        position=Case(When(status=WAITING, then=F("_ahead") + 1), default=None)
    )


def waiting_list(workshop):
    """The people waiting for a workshop, first in line first."""
    return (
        WorkshopBooking.objects.filter(workshop=workshop, status=WAITING)
        .select_related("registration", "second_choice")
        .order_by("created_at", "pk")
    )


def without_workshop(phase):
    """The conference's confirmed participants (binding, holding a place) without a seat in any
    workshop of the phase; waiting for a full workshop counts as without (the "ohne Workshop" list)."""
    seated = WorkshopBooking.objects.filter(phase=phase, status=SEATED).values("registration_id")
    return (
        Registration.objects.filter(conference_id=phase.conference_id)
        .binding()
        .holding_places()
        .exclude(pk__in=seated)
    )


def without_workshop_counts(phases):
    """{phase id: how many are without a seat in it} for choose phases, in one query for all."""
    phases = list(phases)
    if not phases:
        return {}
    counts = {}
    for phase in phases:
        seated = WorkshopBooking.objects.filter(registration=OuterRef("pk"), phase=phase, status=SEATED)
        counts[f"phase_{phase.pk}"] = Count(
            "pk", filter=Q(conference_id=phase.conference_id) & ~Q(Exists(seated))
        )
    row = (
        Registration.objects.filter(conference_id__in={phase.conference_id for phase in phases})
        .binding()
        .holding_places()
        .aggregate(**counts)
    )
    return {phase.pk: row[f"phase_{phase.pk}"] for phase in phases}

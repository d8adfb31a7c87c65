"""Next year's conference from last year's: copy the programme skeleton, shifted in time.

The office copies a past conference instead of typing it again. What a conference is
built of comes along (its settings, fees, terms and texts, the work phases with their
workshops, moderators, rooms and seat limits, the schedule with its evening events and
who appears in it); what happened at it does not (no registrations, bookings,
invoices or payments: those belong to the registration app and are never read here).
The people on stage (`Person`) are shared between conferences and linked, not duplicated.

Every date and time moves by the same number of days, on the wall clock in
Europe/Berlin: 09:00 stays 09:00 across a change to or from summer time. Every copied
row is marked `needs_review` ("zu prüfen") until the office has looked at it, and the
copy starts as a draft that nobody outside the office sees.

Apps built on the programme copy what they own through the `conference_copied`
signal (discussion groups, list layouts), inside the same transaction.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Appearance, Conference, ProgrammeItem, Workshop, WorkshopModerator, WorkshopPhase
from .signals import conference_copied

# Conference fields that are not taken over, and why.
CONFERENCE_FIELDS_NOT_COPIED = {
    "id": "a new row",
    "title": "given by the office",
    "slug": "given by the office (unique)",
    "status": "a copy starts as a draft: closed and not public",
    "programme_published": "the copied programme is published once the office has reviewed it",
    "report": "the report is about last year's conference",
    "created_at": "set when the copy is made",
    "updated_at": "set when the copy is made",
    "needs_review": "always set on a copy",
}


def shift_moment(value, days):
    """`value` moved by `days` days on the wall clock in Europe/Berlin (None stays None)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        local = timezone.localtime(value).replace(tzinfo=None)
        return timezone.make_aware(local + dt.timedelta(days=days))
    return value + dt.timedelta(days=days)


def days_between(source_start, new_start_date):
    """The offset in days that moves a conference starting at `source_start` to `new_start_date`."""
    return (new_start_date - timezone.localdate(source_start)).days


@dataclass
class CopyResult:
    """The new conference and how many rows of each kind were copied (verbose plural → count)."""

    conference: Conference
    offset_days: int
    counts: dict = field(default_factory=dict)


def _values(instance, days, *, skip=()):
    """The copyable field values of `instance`, dates shifted; relations by their id."""
    values = {}
    for model_field in instance._meta.concrete_fields:
        if model_field.primary_key or model_field.name in skip:
            continue
        if getattr(model_field, "auto_now", False) or getattr(model_field, "auto_now_add", False):
            continue
        value = getattr(instance, model_field.attname)
        if isinstance(model_field, models.DateField):  # DateTimeField is a DateField too
            value = shift_moment(value, days)
        values[model_field.attname] = value
    return values


def _count(counts, model, number):
    counts[str(model._meta.verbose_name_plural)] = number


def copy_conference(*, source, title, slug, offset_days):
    """Create next year's conference from `source`, every date moved by `offset_days` days.

    Copies settings, fees, terms and texts, the work phases with their workshops and
    moderators, and the schedule with its people; no registrations or money. The copy
    is a draft and every copied row is marked "zu prüfen". A fixed number of queries
    however large the programme: one read and one bulk insert per kind of row.
    Returns a CopyResult.
    """
    with transaction.atomic():
        counts = {}
        values = _values(source, offset_days, skip=CONFERENCE_FIELDS_NOT_COPIED)
        conference = Conference(
            **values,
            title=title,
            slug=slug,
            status=Conference.Status.DRAFT,
            programme_published=False,
            needs_review=True,
        )
        conference.full_clean()
        conference.save()
        _count(counts, Conference, 1)

        # Work phases; a phase that meets in another phase's groups points to the copy of that phase.
        old_phases = list(WorkshopPhase.objects.filter(conference=source).order_by("number"))
        new_phases = WorkshopPhase.objects.bulk_create(
            [
                WorkshopPhase(
                    **_values(phase, offset_days, skip={"conference", "reuses_groups_of", "needs_review"}),
                    conference=conference,
                    needs_review=True,
                )
                for phase in old_phases
            ]
        )
        phase_map = {old.pk: new for old, new in zip(old_phases, new_phases, strict=True)}
        reusing = []
        for old, new in zip(old_phases, new_phases, strict=True):
            if old.reuses_groups_of_id in phase_map:
                new.reuses_groups_of = phase_map[old.reuses_groups_of_id]
                reusing.append(new)
        if reusing:
            WorkshopPhase.objects.bulk_update(reusing, ["reuses_groups_of"])
        _count(counts, WorkshopPhase, len(new_phases))

        old_workshops = list(Workshop.objects.filter(phase__conference=source).order_by("pk"))
        new_workshops = Workshop.objects.bulk_create(
            [
                Workshop(
                    **_values(workshop, offset_days, skip={"phase", "needs_review"}),
                    phase=phase_map[workshop.phase_id],
                    needs_review=True,
                )
                for workshop in old_workshops
            ]
        )
        workshop_map = {old.pk: new for old, new in zip(old_workshops, new_workshops, strict=True)}
        _count(counts, Workshop, len(new_workshops))

        moderations = WorkshopModerator.objects.bulk_create(
            [
                WorkshopModerator(workshop=workshop_map[m.workshop_id], person_id=m.person_id, order=m.order)
                for m in WorkshopModerator.objects.filter(workshop__phase__conference=source)
            ]
        )
        _count(counts, WorkshopModerator, len(moderations))

        old_items = list(ProgrammeItem.objects.filter(conference=source).order_by("starts_at", "pk"))
        new_items = ProgrammeItem.objects.bulk_create(
            [
                ProgrammeItem(
                    **_values(item, offset_days, skip={"conference", "workshop_phase", "needs_review"}),
                    conference=conference,
                    workshop_phase=phase_map.get(item.workshop_phase_id),
                    needs_review=True,
                )
                for item in old_items
            ]
        )
        item_map = {old.pk: new for old, new in zip(old_items, new_items, strict=True)}
        _count(counts, ProgrammeItem, len(new_items))

        appearances = Appearance.objects.bulk_create(
            [
                Appearance(item=item_map[a.item_id], person_id=a.person_id, role=a.role, order=a.order)
                for a in Appearance.objects.filter(item__conference=source)
            ]
        )
        _count(counts, Appearance, len(appearances))

        for _receiver, added in conference_copied.send(
            sender=Conference,
            source=source,
            conference=conference,
            phases=phase_map,
            offset_days=offset_days,
        ):
            counts.update(added or {})
    return CopyResult(conference=conference, offset_days=offset_days, counts=counts)


def copy_preview(source):
    """What copy_conference would take over from `source`, for the office's confirmation page."""
    phases = WorkshopPhase.objects.filter(conference=source)
    items = ProgrammeItem.objects.filter(conference=source)
    return [
        (WorkshopPhase._meta.verbose_name_plural, phases.count()),
        (Workshop._meta.verbose_name_plural, Workshop.objects.filter(phase__in=phases).count()),
        (ProgrammeItem._meta.verbose_name_plural, items.count()),
        (_("davon Abendveranstaltungen"), items.filter(kind=ProgrammeItem.Kind.EVENING).count()),
    ]

"""The participant's own calendar (.ics): only the items they attend, where and until when.

Built from the programme's items with the programme calendar's pieces (programme/ical.py),
so it looks like the programme's file, but holds the person's workshop (with its room),
their discussion group's room, their evening events and no members-only item for a
non-member. Rendering only; nothing here changes state.
"""

from django.utils.translation import gettext as _

from programme import ical
from programme.models import ProgrammeItem, WorkshopPhase

from ..models import GroupMembership, WorkshopBooking
from ..rules.calendar import is_own_item, item_end


def calendar_programme(conference):
    """The conference's items as the personal calendar needs them (read before taking locks; cached
    for a public programme)."""
    return ical.calendar_items(conference)


def personal_calendar_filename(registration):
    return f"{registration.conference.slug}.ics"


def personal_ical(registration, *, items=None, evening_events=None, bookings=None):
    """The person's calendar as iCalendar bytes; the whole conference as one event before the
    programme is published. `items` from calendar_programme(), `evening_events` the chosen
    ones and `bookings` the workshop bookings when the caller has them (the confirmation
    mail builds this inside the conference lock)."""
    conference = registration.conference
    if items is None:
        items = calendar_programme(conference)
    if not items:
        return ical.conference_calendar(conference, [])
    if evening_events is None:
        evening_events = registration.evening_events.all()
    evening_event_ids = {event.pk for event in evening_events}
    if bookings is None:
        bookings = WorkshopBooking.objects.filter(registration=registration).select_related("workshop")
    seats = {
        booking.phase_id: booking.workshop
        for booking in bookings
        if booking.status == WorkshopBooking.Status.SEATED
    }
    groups = {}
    if any(item.workshop_phase and item.workshop_phase.mode == WorkshopPhase.Mode.GROUPS for item in items):
        groups = {
            membership.phase_id: membership.group
            for membership in GroupMembership.objects.filter(registration=registration).select_related(
                "group"
            )
        }
    calendar = ical.new_calendar(conference.title)
    stamp = ical.calendar_stamp(conference)
    venue = ical.conference_venue(conference)
    for item in items:
        if not is_own_item(item, is_member=registration.is_member, evening_event_ids=evening_event_ids):
            continue
        summary, room, description = item.title, item.room, ical.item_description(item)
        phase = item.workshop_phase
        if phase is not None and item.kind == ProgrammeItem.Kind.WORKSHOP_PHASE:
            workshop = seats.get(phase.pk)
            group = groups.get(phase.pk) or groups.get(phase.reuses_groups_of_id)
            if workshop is not None:
                summary = f"{workshop.title} ({item.title})"
                room = workshop.room or room
                description = _("Ihr Workshop: %(title)s") % {"title": workshop.title} + "\n" + description
            elif group is not None:
                summary = f"{item.title} – {group}"
                room = group.room or room
                description = _("Ihre Diskussionsgruppe: %(group)s") % {"group": group} + "\n" + description
        calendar.add_component(
            ical.programme_event(
                item,
                uid=f"registration-{registration.pk}-item-{item.pk}@{ical.ICAL_DOMAIN}",
                stamp=stamp,
                summary=f"{summary} ({conference.title})",
                location=ical.item_location(room, venue),
                ends_at=item_end(item, items),
                description=description,
            )
        )
    return ical.calendar_bytes(calendar)

"""The conference as an iCalendar file: the programme download and the confirmation mails' attachment."""

import datetime as dt

import icalendar
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _

from . import selectors
from .caching import PROGRAMME_CACHE_SECONDS, cache_key, is_public_programme

ICAL_DOMAIN = "vsop-events"


def conference_ical(conference):
    """The conference's iCal file with its programme once published (as the confirmation mails carry it).

    The file is the same for everyone, so a public programme's file is cached like the
    programme days: per conference, `Conference.updated_at` (touched on every programme
    change, see signals.py), language and time zone. Anything else is built afresh.
    """
    if not is_public_programme(conference):
        items = selectors.programme_items(conference) if conference.programme_published else []
        return conference_calendar(conference, items)
    key = cache_key("programme-ical", conference)
    ical = cache.get(key)
    if ical is None:
        ical = conference_calendar(conference, selectors.programme_items(conference))
        cache.set(key, ical, PROGRAMME_CACHE_SECONDS)
    return ical


def calendar_items(conference):
    """The items every calendar of the conference is built from (the participants' own ones too):
    a public programme's are cached like its file, so building a calendar before a lock costs no query."""
    if not conference.programme_published:
        return []
    if not is_public_programme(conference):
        return selectors.programme_items(conference)
    key = cache_key("programme-ical-items", conference)
    items = cache.get(key)
    if items is None:
        items = selectors.programme_items(conference)
        cache.set(key, items, PROGRAMME_CACHE_SECONDS)
    return items


def conference_calendar(conference, items):
    """The conference as an iCalendar file: one VEVENT per programme item, or one for the whole
    conference when there are no items to publish. UIDs stay stable so calendars update in place."""
    calendar = new_calendar(conference.title)
    stamp = calendar_stamp(conference)
    venue = conference_venue(conference)
    if items:
        for item in items:
            calendar.add_component(
                programme_event(
                    item,
                    uid=f"item-{item.pk}@{ICAL_DOMAIN}",
                    stamp=stamp,
                    summary=f"{item.title} ({conference.title})",
                    location=", ".join(part for part in (item.room, venue) if part),
                    ends_at=item.ends_at,
                    description=item_description(item),
                )
            )
    else:
        event = icalendar.Event()
        event.add("uid", f"conference-{conference.pk}@{ICAL_DOMAIN}")
        event.add("dtstamp", stamp)
        event.add("dtstart", timezone.localtime(conference.starts_at))
        event.add("dtend", timezone.localtime(conference.ends_at))
        event.add("summary", conference.title)
        event.add("location", venue)
        event.add(
            "description", "\n\n".join(part for part in (conference.motto, conference.description) if part)
        )
        calendar.add_component(event)
    return calendar_bytes(calendar)


# The pieces below build other calendars from programme items (the participant's own calendar
# in registrations/documents/calendar.py), so every calendar of a conference looks alike.


def new_calendar(name):
    """An empty calendar named `name`, from the association."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", f"-//{settings.ASSOCIATION['short_name']}//VSOP Events//DE")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    return calendar


def calendar_stamp(conference):
    """DTSTAMP of every event: the conference's last change, so an unchanged file stays byte-identical."""
    return conference.updated_at.astimezone(dt.UTC)


def conference_venue(conference):
    """'Tagungsstätte, Straße, PLZ Ort': the address usually ends with the city; the city alone without one."""
    address_lines = [line.strip() for line in conference.venue_address.splitlines() if line.strip()]
    return ", ".join(part for part in (conference.venue_name, *(address_lines or [conference.city])) if part)


def item_location(room, venue):
    """Where something happens: a room ('Weißer Saal') is inside the venue; a room that names a
    place of its own ('Auerbachs Keller, Leipzig', with a comma) stands alone."""
    if room and "," in room:
        return room
    return ", ".join(part for part in (room, venue) if part)


def programme_event(item, *, uid, stamp, summary, location, ends_at, description):
    """One VEVENT for a programme item."""
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", timezone.localtime(item.starts_at))
    if ends_at:
        event.add("dtend", timezone.localtime(ends_at))
    event.add("summary", summary)
    event.add("location", location)
    event.add("description", description)
    return event


# VTIMEZONE components by TZID, built once per process: icalendar builds one from the zoneinfo
# data for every calendar (2.5 ms CPU each, in every binding confirmation), always for the same
# date range, so the component is the same every time. Never changed once built.
_TIMEZONES = {}


def _timezone(tzid):
    if tzid not in _TIMEZONES:
        try:
            _TIMEZONES[tzid] = icalendar.Timezone.from_tzid(tzid)
        except ValueError:  # unknown to zoneinfo: left out, as add_missing_timezones does
            _TIMEZONES[tzid] = None
    return _TIMEZONES[tzid]


def calendar_bytes(calendar):
    """The calendar as bytes, with a VTIMEZONE for every time zone its events use (as
    icalendar's add_missing_timezones, with the components kept per process)."""
    position = len(calendar.timezones)
    for tzid in sorted(calendar.get_missing_tzids()):
        timezone_component = _timezone(tzid)
        if timezone_component is not None:
            calendar.subcomponents.insert(position, timezone_component)
            position += 1
    return calendar.to_ical()


def item_description(item):
    """The item's kind, people and, for a workshop phase, its workshops with their moderators."""
    lines = [item.get_kind_display()]
    if item.members_only:
        lines.append(_("nur für Mitglieder"))
    if item.description:
        lines.append(item.description)
    for group in item.role_groups:
        names = "; ".join(person.display_with_organisation for person in group.people)
        lines.append(f"{group.label}: {names}")
    phase = item.workshop_phase
    if phase:
        lines.append(
            _("%(number)s. Arbeitsphase: %(title)s") % {"number": phase.number, "title": phase.title}
        )
        if phase.guiding_question:
            lines.append(phase.guiding_question)
        for workshop in phase.ordered_workshops:
            moderators = "; ".join(m.person.display_with_organisation for m in workshop.ordered_moderators)
            lines.append(f"– {workshop.title}" + (f" ({moderators})" if moderators else ""))
    return "\n".join(lines)

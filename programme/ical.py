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


def conference_calendar(conference, items):
    """The conference as an iCalendar file: one VEVENT per programme item, or one for the whole
    conference when there are no items to publish. UIDs stay stable so calendars update in place."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", f"-//{settings.ASSOCIATION['short_name']}//VSOP Events//DE")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", conference.title)
    stamp = conference.updated_at.astimezone(dt.UTC)
    address_lines = [line.strip() for line in conference.venue_address.splitlines() if line.strip()]
    # The address usually ends with the city; name the city only when there is no address.
    venue = ", ".join(part for part in (conference.venue_name, *(address_lines or [conference.city])) if part)
    if items:
        for item in items:
            event = icalendar.Event()
            event.add("uid", f"item-{item.pk}@{ICAL_DOMAIN}")
            event.add("dtstamp", stamp)
            event.add("dtstart", timezone.localtime(item.starts_at))
            if item.ends_at:
                event.add("dtend", timezone.localtime(item.ends_at))
            event.add("summary", f"{item.title} ({conference.title})")
            event.add("location", ", ".join(part for part in (item.room, venue) if part))
            event.add("description", _item_description(item))
            calendar.add_component(event)
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
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _item_description(item):
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

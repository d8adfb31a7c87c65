"""Public pages: thin views that ask the selectors and render."""

import datetime as dt

import icalendar
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from . import selectors
from .models import Conference


@require_safe
def home(request):
    upcoming = selectors.upcoming_conferences()
    return render(
        request,
        "programme/home.html",
        {
            "next_conference": upcoming[0] if upcoming else None,
            "other_upcoming": upcoming[1:],
            "past_conferences": selectors.past_conferences(),
            "today": timezone.localdate(),
        },
    )


@require_safe
def site_page(request, slug):
    return render(request, "programme/site_page.html", {"page": selectors.site_page(slug)})


@require_safe
def conference_detail(request, slug):
    conference = selectors.public_conference(slug, user=request.user)
    return render(
        request,
        "programme/conference_detail.html",
        {"conference": conference},
    )


def _may_see_programme(request, conference):
    return conference.programme_published or request.user.is_staff


@require_safe
def programme(request, slug):
    conference = selectors.public_conference(slug, user=request.user)
    page_key = _public_page_key(request, conference)
    if page_key is not None and (html := cache.get(page_key)) is not None:
        return HttpResponse(html)
    shows_items = _may_see_programme(request, conference)
    response = render(
        request,
        "programme/programme.html",
        {
            "conference": conference,
            "days_html": programme_days_html(conference) if shows_items else "",
            "is_preview": shows_items and not conference.programme_published,
        },
    )
    if page_key is not None:
        cache.set(page_key, response.content, PROGRAMME_CACHE_SECONDS)
    return response


# The rendered days of a published programme are the same for every visitor (nothing
# personal, no form, no CSRF token), so they are cached per conference and language.
# The key holds `Conference.updated_at`, which programme/signals.py touches whenever
# anything the programme shows changes; stale entries simply expire.
PROGRAMME_CACHE_SECONDS = 24 * 60 * 60


def _is_public_programme(conference):
    return conference.programme_published and conference.status == Conference.Status.PUBLISHED


def _cache_key(kind, conference, *parts):
    return ":".join(
        (
            kind,
            str(conference.pk),
            conference.updated_at.isoformat(),
            translation.get_language(),
            timezone.get_current_timezone_name(),
            *parts,
        )
    )


def _public_page_key(request, conference):
    """The cache key of the whole page, or None when this visitor needs it rendered.

    The page is the same for every anonymous visitor: base.html holds no CSRF token
    (the language switch is a GET form) and nothing personal. Staff (who may see
    previews), visitors with a pending message and URLs with a query string are
    always rendered fresh.
    """
    if (
        not _is_public_programme(conference)
        or request.user.is_authenticated
        or request.GET
        or len(messages.get_messages(request))
    ):
        return None
    return _cache_key("programme-page", conference, request.path)


def programme_days_html(conference):
    """The programme days as HTML; cached only for a programme the public may see."""
    if not _is_public_programme(conference):
        # A staff preview: always fresh, never stored.
        return _render_days(conference)
    key = _cache_key("programme-days", conference)
    html = cache.get(key)
    if html is None:
        html = _render_days(conference)
        cache.set(key, str(html), PROGRAMME_CACHE_SECONDS)
    return mark_safe(html)  # noqa: S308 -- our own template's output, escaped when rendered


def _render_days(conference):
    return loader.render_to_string(
        "programme/_programme_days.html", {"days": selectors.programme_days(conference)}
    )


@require_safe
def programme_ical(request, slug):
    conference = selectors.public_conference(slug, user=request.user)
    if _is_public_programme(conference):
        ical = conference_ical(conference)
    else:
        items = selectors.programme_items(conference) if _may_see_programme(request, conference) else []
        ical = conference_calendar(conference, items)
    response = HttpResponse(ical, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{conference.slug}.ics"'
    return response


def bad_request(request, exception):
    """Render 400.html without touching the request body or running the CSRF check again.

    Django's own handler runs the CSRF middleware once more, which reads `request.POST`:
    for a body Django could not decode (a POST declaring `charset=utf-16`) that raises
    again and turns the 400 into a 500.
    """
    return HttpResponseBadRequest(loader.get_template("400.html").render())


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    """Render 500.html without a request context: the database or a context processor may be what broke."""
    return HttpResponseServerError(loader.get_template("500.html").render())


# iCal export. It lives here because it is the one place that needs it; move it
# to its own module when a second export (e.g. mails with an attachment) needs it.

ICAL_DOMAIN = "vsop-events"


def conference_ical(conference):
    """The conference's iCal file with its programme once published (as the confirmation mails carry it).

    The file is the same for everyone, so a public programme's file is cached like the
    programme days: per conference, `Conference.updated_at` (touched on every programme
    change, see signals.py), language and time zone. Anything else is built afresh.
    """
    if not _is_public_programme(conference):
        items = selectors.programme_items(conference) if conference.programme_published else []
        return conference_calendar(conference, items)
    key = _cache_key("programme-ical", conference)
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

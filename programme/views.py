"""Public pages: thin views that ask the selectors and render."""

from django.core.cache import cache
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from core.pagecache import cached_public_page

from . import ical, selectors
from .caching import PROGRAMME_CACHE_SECONDS, cache_key, is_public_programme


@require_safe
@cached_public_page
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
@cached_public_page
def conference_list(request):
    """The archive page: upcoming conferences, then past ones with their reports."""
    return render(
        request,
        "programme/conference_list.html",
        {"upcoming": selectors.upcoming_conferences(), "past_conferences": selectors.past_conferences()},
    )


@require_safe
@cached_public_page
def site_page(request, slug):
    return render(request, "programme/site_page.html", {"page": selectors.site_page(slug)})


@require_safe
@cached_public_page
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
@cached_public_page
def programme(request, slug):
    conference = selectors.public_conference(slug, user=request.user)
    shows_items = _may_see_programme(request, conference)
    return render(
        request,
        "programme/programme.html",
        {
            "conference": conference,
            "days_html": programme_days_html(conference) if shows_items else "",
            "is_preview": shows_items and not conference.programme_published,
        },
    )


# The rendered days of a published programme are the same for every visitor (nothing
# personal, no form, no CSRF token), so they are cached on their own (see caching.py): a
# change elsewhere on the page (the conference's places) re-renders the page around them.
# Whole pages are cached for anonymous visitors by core/pagecache.py.


def programme_days_html(conference):
    """The programme days as HTML; cached only for a programme the public may see."""
    if not is_public_programme(conference):
        # A staff preview: always fresh, never stored.
        return _render_days(conference)
    key = cache_key("programme-days", conference)
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
    if is_public_programme(conference):
        calendar = ical.conference_ical(conference)
    else:
        items = selectors.programme_items(conference) if _may_see_programme(request, conference) else []
        calendar = ical.conference_calendar(conference, items)
    response = HttpResponse(calendar, content_type="text/calendar; charset=utf-8")
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
    """The 404 page; an Http404 that names a template of its own (a wrong personal link) gets that one."""
    return render(request, getattr(exception, "template_name", "404.html"), status=404)


def server_error(request):
    """Render 500.html without a request context: the database or a context processor may be what broke."""
    return HttpResponseServerError(loader.get_template("500.html").render())

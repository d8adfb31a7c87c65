"""Public pages: thin views that ask the selectors and render."""

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from . import ical, selectors
from .caching import PROGRAMME_CACHE_SECONDS, cache_key, is_public_programme


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
def conference_list(request):
    """The archive page: upcoming conferences, then past ones with their reports."""
    return render(
        request,
        "programme/conference_list.html",
        {"upcoming": selectors.upcoming_conferences(), "past_conferences": selectors.past_conferences()},
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
# personal, no form, no CSRF token), so they and the whole page are cached (see caching.py).


def _public_page_key(request, conference):
    """The cache key of the whole page, or None when this visitor needs it rendered.

    The page is the same for every anonymous visitor: base.html holds no CSRF token
    (the language switch is a GET form) and nothing personal. Staff (who may see
    previews), visitors with a pending message and URLs with a query string are
    always rendered fresh.
    """
    if (
        not is_public_programme(conference)
        or request.user.is_authenticated
        or request.GET
        or len(messages.get_messages(request))
    ):
        return None
    return cache_key("programme-page", conference, request.path)


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


def page_not_found(request, exception):
    """The 404 page; an Http404 that names a template of its own (a wrong personal link) gets that one."""
    return render(request, getattr(exception, "template_name", "404.html"), status=404)


def server_error(request):
    """Render 500.html without a request context: the database or a context processor may be what broke."""
    return HttpResponseServerError(loader.get_template("500.html").render())

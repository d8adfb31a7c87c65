from django import template
from django.utils import timezone
from django.utils.formats import date_format

from ..forms import PreRegistrationForm
from ..selectors import place_counts
from ..services.places import pre_registration_window

register = template.Library()


@register.filter
def conference_dates(conference):
    """'25.09.2025, 10:00 Uhr – 26.09.2025, 14:00 Uhr' in Europe/Berlin."""
    start = timezone.localtime(conference.starts_at)
    end = timezone.localtime(conference.ends_at)
    return f"{date_format(start, 'd.m.Y')}, {start:%H:%M} Uhr – {date_format(end, 'd.m.Y')}, {end:%H:%M} Uhr"


@register.inclusion_tag("registrations/_pre_registration_box.html", takes_context=True)
def pre_registration_box(context, conference):
    """The next step on a conference page: the pre-registration form while it is open."""
    return {
        "conference": conference,
        "window": pre_registration_window(conference),
        "counts": place_counts(conference),
        "form": PreRegistrationForm(),
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
    }


@register.simple_tag
def places_left(conference):
    """Places still free at a conference (one query)."""
    return place_counts(conference)["left"]

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ..public.forms.lost_link import LostLinkForm
from ..public.forms.personal import PreRegistrationForm
from ..queries.places import place_counts
from ..rules.windows import pre_registration_window

register = template.Library()


@register.filter
def conference_dates(conference):
    """'25.09.2025, 10:00 Uhr – 26.09.2025, 14:00 Uhr' in Europe/Berlin."""
    start = timezone.localtime(conference.starts_at)
    end = timezone.localtime(conference.ends_at)
    start_text = _("%(date)s, %(time)s Uhr") % {"date": date_format(start, "d.m.Y"), "time": f"{start:%H:%M}"}
    end_text = _("%(date)s, %(time)s Uhr") % {"date": date_format(end, "d.m.Y"), "time": f"{end:%H:%M}"}
    return f"{start_text} – {end_text}"


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
        # Set while the page is rendered for the shared page cache (core/pagecache.py).
        "submission_token_placeholder": context.get("submission_token_placeholder"),
    }


@register.simple_tag
def places_left(conference):
    """Places still free at a conference (one query)."""
    return place_counts(conference)["left"]


@register.inclusion_tag("registrations/_lost_link_box.html", takes_context=True)
def lost_link_box(context):
    """'Link vergessen?': one e-mail field, on the conference page and the page of a wrong link."""
    return {
        "form": LostLinkForm(),
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
    }

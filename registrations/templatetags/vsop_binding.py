"""Template tags for the binding registration on the personal page and the conference page."""

from django import template

from ..domain.consent import accepted_terms
from ..queries.places import place_counts
from ..rules.windows import binding_deadline_of, binding_window, binding_window_for

register = template.Library()


@register.inclusion_tag("registrations/_personal_binding.html")
def personal_binding(registration, office_view=False):
    """The binding registration's summary, or the link to the binding form while pre-registered.

    `office_view`: the office reads the page (read-only), so no links that act for the person."""
    context = {
        "registration": registration,
        "conference": registration.conference,
        "office_view": office_view,
    }
    if registration.is_cancelled:
        return context
    if registration.is_binding:
        context["evening_events"] = list(registration.evening_events.order_by("starts_at"))
        context["terms"] = accepted_terms(registration)
    else:
        context["window"] = binding_window_for(registration)
        context["binding_deadline"] = binding_deadline_of(registration)
    return context


@register.inclusion_tag("registrations/_binding_box.html")
def binding_box(conference):
    """On the conference page: the link to the binding form while it is open."""
    window = binding_window(conference)
    return {
        "conference": conference,
        "window": window,
        "counts": place_counts(conference) if window.is_open else None,
    }


@register.filter
def binding_deadline(registration):
    """The last day the person may register bindingly online (personal or general), None once over."""
    return binding_deadline_of(registration)

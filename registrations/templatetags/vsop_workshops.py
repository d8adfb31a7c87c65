"""The workshop box of the personal page, so personal.html only needs one line."""

from django import template

from ..services import workshops

register = template.Library()


@register.inclusion_tag("registrations/_personal_workshops.html")
def personal_workshops(registration):
    """The registration's workshop per choose phase (two queries) and whether it may still change them."""
    entries = [] if registration.is_cancelled else workshops.bookings_of(registration)
    return {
        "registration": registration,
        "entries": entries,
        "window": workshops.workshop_change_window(registration),
    }

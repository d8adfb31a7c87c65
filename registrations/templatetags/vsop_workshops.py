"""The workshop box of the personal page, so personal.html only needs one line."""

from django import template

from ..queries.personal import personal_bookings
from ..rules.windows import workshop_change_window

register = template.Library()


@register.inclusion_tag("registrations/_personal_workshops.html")
def personal_workshops(registration, office_view=False):
    """The registration's workshop per choose phase and whether it may still change them.

    One query (the bookings; the phases are shared with the groups box), none when
    the conference has no workshops to choose.
    """
    entries = [] if registration.is_cancelled else personal_bookings(registration)
    return {
        "registration": registration,
        "entries": entries,
        "window": workshop_change_window(registration),
        "office_view": office_view,
    }

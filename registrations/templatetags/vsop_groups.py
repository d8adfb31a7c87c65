"""The personal page's view of discussion groups and workshops, as an inclusion tag.

personal.html only says `{% personal_groups registration %}`; the queries live in
selectors_groups.py, so the view stays untouched.
"""

from django import template

from ..selectors_groups import personal_phases

register = template.Library()


@register.inclusion_tag("registrations/_personal_groups.html")
def personal_groups(registration):
    phases = personal_phases(registration)
    return {"registration": registration, "phases": phases}

"""The personal page's discussion groups, as an inclusion tag (workshops: vsop_workshops).

personal.html only says `{% personal_groups registration %}`; the queries live in
queries/groups.py, so the view stays untouched.
"""

from django import template

from ..queries.groups import personal_groups as personal_groups_of

register = template.Library()


@register.inclusion_tag("registrations/_personal_groups.html")
def personal_groups(registration, office_view=False):
    return {
        "registration": registration,
        "phases": personal_groups_of(registration),
        "office_view": office_view,
    }

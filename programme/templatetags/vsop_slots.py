"""Slots on the public conference pages that other apps fill (programme/signals.py).

`{% conference_slot "next_step" conference %}` includes, in the page's own context,
the template every receiver of the slot's signal names; with no receiver it renders
nothing. The programme app thus shows what, say, the registration app has to say
about a conference without knowing that app.
"""

from django import template
from django.utils.safestring import mark_safe

from ..models import Conference
from ..signals import conference_next_step, conference_places

register = template.Library()

SLOTS = {"next_step": conference_next_step, "places": conference_places}


@register.simple_tag(takes_context=True)
def conference_slot(context, slot, conference):
    engine = context.template.engine
    parts = []
    for _receiver, template_name in SLOTS[slot].send(sender=Conference, conference=conference):
        with context.push(conference=conference):
            parts.append(engine.get_template(template_name).render(context))
    return mark_safe("".join(parts))  # noqa: S308 -- templates rendered (and escaped) in this context

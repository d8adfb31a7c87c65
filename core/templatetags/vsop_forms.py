"""{% crispy_cached form %}: crispy-forms output of an empty form, rendered once per language.

The pre-registration form is the same for every visitor until they type into it:
no values, no errors, no CSRF token (that sits outside, in the page's <form>). Rendering
its 15 fields costs about 15 ms of CPU on every visit of the conference page and the
form page, so its HTML is kept in the cache. Bound forms (with the visitor's input or
errors) are always rendered fresh; initial values are part of the cache key, so the
tag suits forms whose empty state is the same for (nearly) every visitor.
"""

import hashlib

from crispy_forms.utils import render_crispy_form
from django import template
from django.conf import settings
from django.core.cache import cache
from django.utils import translation
from django.utils.safestring import mark_safe

register = template.Library()

CACHE_SECONDS = 24 * 60 * 60


@register.simple_tag
def crispy_cached(form):
    if form.is_bound:
        return render_crispy_form(form)
    key = f"crispy-form:{translation.get_language()}:{_form_shape(form)}"
    html = cache.get(key)
    if html is None:
        html = render_crispy_form(form)
        cache.set(key, str(html), CACHE_SECONDS)
    return mark_safe(html)  # noqa: S308 -- crispy-forms' own escaped output


def _form_shape(form):
    """Changes whenever the form's definition or initial values change."""
    parts = [type(form).__module__, type(form).__qualname__, settings.CRISPY_TEMPLATE_PACK]
    for name, field in form.fields.items():
        parts += [
            name,
            type(field).__name__,
            type(field.widget).__name__,
            str(field.label),
            str(field.help_text),
        ]
        parts += [repr(sorted(field.widget.attrs.items())), repr(form.get_initial_for_field(field, name))]
    helper = getattr(form, "helper", None)
    if helper is not None and helper.layout is not None:
        parts.append(repr(helper.layout.get_field_names()))
        parts += [str(getattr(i, "value", "")) for i in helper.inputs]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]

"""Crispy-forms output kept per process for fields that hold no personal data.

Rendering a field through crispy's templates costs about 1.4 ms of CPU; most of a
long form's fields look the same for everybody until they are filled in.
"""

import hashlib
import threading
import types
from collections import OrderedDict

from crispy_forms.layout import Div, Fieldset, LayoutObject
from crispy_forms.utils import TEMPLATE_PACK, render_field
from django import forms
from django.utils import translation
from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.safestring import SafeString


class RenderedHTML(LayoutObject):
    """HTML that is already rendered (crispy's HTML() would compile it as a template on every visit)."""

    def __init__(self, html):
        self.html = html

    def render(self, form, context, template_pack=TEMPLATE_PACK, **kwargs):
        return self.html


# The crispy-forms output of single fields of the unbound binding form, per process.
# Rendering a field through crispy's templates costs about 1.4 ms of CPU; most of the
# form's 27 fields look the same for everybody until they are filled in.
_FIELD_HTML = OrderedDict()
_FIELD_HTML_MAX = 2000
_FIELD_HTML_LOCK = threading.Lock()

# Template variables crispy's field templates read besides the field itself.
_FIELD_CONTEXT = (
    "bootstrap_checkbox_offsets",
    "error_text_inline",
    "field_class",
    "form_class",
    "form_show_errors",
    "form_show_labels",
    "help_text_inline",
    "inline_class",
    "label_class",
    "tag",
    "wrapper_class",
)


class _Uncacheable(Exception):
    pass


def _plain(value):
    """A stable text for a value that decides a field's HTML; _Uncacheable for anything unexpected."""
    if value is None or isinstance(value, (str, bool, int, float)):
        return repr(value)
    if isinstance(value, Promise):
        return repr(str(value))
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(_plain(item) for item in value) + "]"
    if isinstance(value, (set, frozenset)):
        return "{" + ",".join(sorted(_plain(item) for item in value)) + "}"
    if isinstance(value, dict):
        return "{" + ",".join(f"{_plain(key)}:{_plain(item)}" for key, item in value.items()) + "}"
    if isinstance(value, types.FunctionType) and "<" not in value.__qualname__:
        return f"{value.__module__}.{value.__qualname__}"  # e.g. CheckboxInput.check_test
    raise _Uncacheable


def _holds_no_personal_data(field, value):
    """Empty, yes/no or one of the field's fixed choices: nothing the person typed in."""
    if value in (None, "", [], ()) or isinstance(value, bool):
        return True
    choices = getattr(field, "choices", None)
    if not isinstance(choices, (list, tuple)):
        return False
    offered = {str(choice) for choice, _label in choices}
    values = value if isinstance(value, (list, tuple)) else [value]
    return all(str(item) in offered for item in values)


# Stands in for the text a person typed into a text or e-mail input while its HTML is
# rendered for the cache; letters, digits and hyphens only, so escaping leaves it alone.
_TYPED_VALUE = "vsop-typed-value-3f9c1e07"
_TYPED_WIDGETS = (forms.TextInput, forms.EmailInput)
_MISSING = object()


class CachedField(LayoutObject):
    """A form field, rendered exactly as crispy renders the plain field name.

    While the form is unbound, the HTML is kept in this process, keyed by everything
    that goes into it: the field's label, help text, widget with its attributes and
    choices, value, the crispy settings in the context and the language. Personal data
    never goes into the cache or its keys: a value is kept only when it is empty, a
    yes/no or one of the field's fixed choices (see _holds_no_personal_data). What a
    person typed into a plain text or e-mail input is put into the HTML afterwards:
    the input is rendered for the cache with a placeholder value, which each visit
    replaces with the escaped text, exactly as Django's input template would write it.
    Anything else (bound forms with input or errors, other widgets with typed values)
    is rendered fresh.
    """

    def __init__(self, name):
        self.name = name
        self.fields = [name]

    def render(self, form, context, template_pack=TEMPLATE_PACK, **kwargs):
        key, typed = self._key(form, context, template_pack)
        if key is None:
            return render_field(self.name, form, context, template_pack=template_pack, **kwargs)
        html = _FIELD_HTML.get(key)
        if html is not None:
            form.rendered_fields.add(self.name)  # as render_field does
        else:
            html = self._render_for_cache(form, context, template_pack, typed, kwargs)
            if html is None:  # the placeholder did not come out exactly once: no shortcut
                form.rendered_fields.discard(self.name)
                return render_field(self.name, form, context, template_pack=template_pack, **kwargs)
            with _FIELD_HTML_LOCK:
                _FIELD_HTML[key] = html
                while len(_FIELD_HTML) > _FIELD_HTML_MAX:
                    _FIELD_HTML.popitem(last=False)
        if typed is not None:
            html = SafeString(html.replace(f'value="{_TYPED_VALUE}"', f'value="{escape(typed)}"'))
        return html

    def _render_for_cache(self, form, context, template_pack, typed, kwargs):
        if typed is None:
            return render_field(self.name, form, context, template_pack=template_pack, **kwargs)
        bound = form[self.name]  # render_field takes the same BoundField from the form
        real = bound.__dict__.get("initial", _MISSING)
        bound.__dict__["initial"] = _TYPED_VALUE  # BoundField.initial is a cached_property
        try:
            html = render_field(self.name, form, context, template_pack=template_pack, **kwargs)
        finally:
            if real is _MISSING:
                del bound.__dict__["initial"]
            else:
                bound.__dict__["initial"] = real
        if html.count(_TYPED_VALUE) != 1 or html.count(f'value="{_TYPED_VALUE}"') != 1:
            return None
        return html

    def _key(self, form, context, template_pack):
        """(key, typed text to put in) or (None, None) for a field that is rendered fresh."""
        if form.is_bound or self.name not in form.fields or not hasattr(form, "rendered_fields"):
            return None, None
        bound = form[self.name]
        field = bound.field
        widget = field.widget
        value = bound.value()
        typed = None
        if bound.errors:
            return None, None
        if not _holds_no_personal_data(field, value):
            if not (
                type(widget) in _TYPED_WIDGETS
                and type(value) is str
                and not widget.is_localized
                and not field.show_hidden_initial
            ):
                return None, None
            typed, value = value, _TYPED_VALUE
        try:
            parts = [
                self._form_key(form, context, template_pack),
                self.name,
                type(field).__qualname__,
                _plain([field.label, field.help_text, field.required, field.disabled]),
                _plain([field.show_hidden_initial, field.localize, value]),
                type(widget).__module__,
                type(widget).__qualname__,
                _plain(sorted((name, _plain(item)) for name, item in vars(widget).items())),
            ]
        except _Uncacheable:
            return None, None
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest(), typed

    @staticmethod
    def _form_key(form, context, template_pack):
        """The part of the key that is the same for all fields of one form in one rendering."""
        cached = getattr(form, "_cached_field_form_key", None)
        if cached is not None and cached[0] is context and cached[1] == template_pack:
            return cached[2]
        key = "\x1f".join(
            [
                type(form).__module__,
                type(form).__qualname__,
                str(template_pack),
                str(form.crispy_field_template),
                translation.get_language(),
                _plain([form.auto_id, form.prefix, form.label_suffix, form.use_required_attribute]),
                _plain([getattr(form, "required_css_class", None), getattr(form, "error_css_class", None)]),
                _plain([context.get(name) for name in _FIELD_CONTEXT]),
            ]
        )
        form._cached_field_form_key = (context, template_pack, key)
        return key


def with_cached_fields(item):
    """The layout item with every field name in it (also inside Fieldset and Div) as a CachedField."""
    if isinstance(item, str):
        return CachedField(item)
    if isinstance(item, (Fieldset, Div)):
        item.fields = [with_cached_fields(inner) for inner in item.fields]
    return item

"""The placeholders of a Rundschreiben: which exist, where they may stand, and filling them in.

The office types `{{ anrede }}`, `{{ name }}`, `{{ tagung }}` and `{{ persoenlicher_link }}`. The text
is never run through the template engine (an office text is not a template: `{{ registration.token }}`
or `{% … %}` must not reach anything); only these names are replaced, and anything else in double
braces is an error the office sees next to the field, never left in a mail as typed.
"""

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# name → what it becomes (shown on the form).
PLACEHOLDERS = {
    "anrede": gettext_lazy(
        "die Anrede in der Sprache der Person, z. B. „Sehr geehrte Frau Dr. Muster,“ "
        "oder „Dear Ms Dr. Muster,“"
    ),
    "name": gettext_lazy("der volle Name, z. B. „Dr. Erika Muster“"),
    "tagung": gettext_lazy("der Titel der Tagung"),
    "persoenlicher_link": gettext_lazy(
        "der persönliche Link der Person; er geht nur an ihre eigene Adresse, nie an eine Rechnungsstelle"
    ),
}
PERSONAL_LINK = "persoenlicher_link"
# A subject is shown in mail lists and forwarded: no personal link there.
SUBJECT_PLACEHOLDERS = ("name", "tagung")

_PLACEHOLDER = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
_TEMPLATE_TAG = re.compile(r"\{%|%\}")


def _normalised(name):
    """'Persönlicher Link' and ' ANREDE ' mean what the office meant."""
    name = " ".join(name.split()).lower().replace("ö", "oe").replace("ä", "ae").replace("ü", "ue")
    return name.replace(" ", "_").replace("-", "_")


def placeholder_errors(text, *, allowed=tuple(PLACEHOLDERS)):
    """The German errors of `text`: unknown placeholders, placeholders not allowed here, stray braces."""
    errors = []
    for match in _PLACEHOLDER.finditer(text):
        name = _normalised(match.group(1))
        if name in allowed:
            continue
        if name in PLACEHOLDERS:
            errors.append(
                _("Der Platzhalter %(placeholder)s ist hier nicht möglich.") % {"placeholder": match.group(0)}
            )
        else:
            errors.append(
                _("Unbekannter Platzhalter %(placeholder)s. Möglich sind: %(known)s.")
                % {"placeholder": match.group(0), "known": ", ".join(f"{{{{ {n} }}}}" for n in allowed)}
            )
    rest = _PLACEHOLDER.sub("", text)
    if "{{" in rest or "}}" in rest:
        errors.append(_("Ein Platzhalter ist nicht geschlossen: bitte schreiben Sie ihn als {{ name }}."))
    if _TEMPLATE_TAG.search(rest):
        errors.append(
            _("„{%“ und „%}“ sind im Text nicht möglich; Platzhalter schreiben Sie als {{ name }}.")
        )
    return errors


def uses_placeholder(text, name):
    return any(_normalised(match.group(1)) == name for match in _PLACEHOLDER.finditer(text))


def fill_placeholders(text, values):
    """`text` with every placeholder replaced by its value; call it only on a text without errors."""
    return _PLACEHOLDER.sub(lambda match: str(values[_normalised(match.group(1))]), text)

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Line breaks are fine in multi-line fields; everything else of category C* is not.
_ALLOWED_IN_TEXT = {"\n", "\r", "\t"}


def has_control_characters(value, *, multiline=False):
    for char in value:
        if multiline and char in _ALLOWED_IN_TEXT:
            continue
        if unicodedata.category(char) in {"Cc", "Cf", "Cs", "Co", "Cn"} and char != "\u200d":
            return True
    return False


def reject_control_characters(value):
    if has_control_characters(value):
        raise ValidationError(_("Bitte keine Steuerzeichen oder Zeilenumbrüche eingeben."), code="control")


def reject_control_characters_multiline(value):
    if has_control_characters(value, multiline=True):
        raise ValidationError(_("Bitte keine Steuerzeichen eingeben."), code="control")


_NAME_RE = re.compile(r"^[^\d<>@\"{}\[\]|\\^~`=+*#$%;:/?!]+$")


def validate_person_name(value):
    """Names with umlauts, accents, apostrophes, hyphens, dots and spaces; no digits or markup."""
    if not _NAME_RE.match(value):
        raise ValidationError(
            _("Bitte nur Buchstaben, Leerzeichen, Bindestriche, Apostrophe und Punkte verwenden."),
            code="name",
        )

"""Money and date ranges as the association writes them (the template filters in core/templatetags wrap these)."""

import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

NBSP = "\u00a0"
EN_DASH = "\u2013"


def euro(value):
    """A sum of money in German notation, whatever the active language: '1.250,00 €'.

    Fees are printed on invoices and in letters in German, so the format is fixed
    instead of following the visitor's language. Empty values render as ''.
    """
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        return ""
    english = f"{abs(amount):,.2f}"  # 1,250.50
    german = english.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    sign = "-" if amount < 0 else ""
    return f"{sign}{german}{NBSP}€"


def _local(value):
    return timezone.localtime(value) if timezone.is_aware(value) else value


def datetime_range(start, end):
    """'25.09.2025 10:00 – 26.09.2025 14:00'; on a single day '25.09.2025 10:00 – 14:00'."""
    if not start:
        return ""
    start = _local(start)
    text = date_format(start, "d.m.Y H:i")
    if not end:
        return text
    end = _local(end)
    end_format = "H:i" if end.date() == start.date() else "d.m.Y H:i"
    return f"{text} {EN_DASH} {date_format(end, end_format)}"


def time_range(start, end):
    """'10:00 – 11:30' for a programme item; just '19:00' when it has no end."""
    if not start:
        return ""
    text = date_format(_local(start), "H:i")
    if not end:
        return text
    return f"{text} {EN_DASH} {date_format(_local(end), 'H:i')}"


# Word parts after which a long German compound may break ("Mitglieder|versammlung").
_BREAK_BEFORE = ("versammlung", "veranstaltung", "fassung", "phase", "gruppe")
SOFT_HYPHEN = "\u00ad"


def soft_hyphens(text):
    """Long German compounds with a soft hyphen before their last part, so a narrow column breaks
    them where a reader expects ("Mitglieder-versammlung"), never "Mitgliederversammlu-ng".

    Chromium on Linux has no German hyphenation data, so CSS `hyphens: auto` alone does not help.
    """
    words = []
    for word in str(text).split(" "):
        lowered = word.lower()
        for part in _BREAK_BEFORE:
            position = lowered.rfind(part)
            if position >= 4:
                word = word[:position] + SOFT_HYPHEN + word[position:]
                break
        words.append(word)
    return " ".join(words)


def field_value(field, value):
    """A model field's stored value as the office reads it: choice labels, 'ja'/'nein', local
    times ('01.12.2026 21:24'), German amounts ('1.234,56 €'), '–' for nothing.

    For places that show raw values outside a form, such as the change history: the database
    keeps `holds_place` and UTC, the office reads „Platz gesichert“ and Berlin time.
    """
    if value is None or value == "":
        return EN_DASH
    if getattr(field, "choices", None):
        labels = {str(key): label for key, label in field.flatchoices}
        return str(labels.get(str(value), value))
    if isinstance(value, bool):
        return gettext("ja") if value else gettext("nein")
    if isinstance(value, datetime.datetime):
        return date_format(_local(value), "d.m.Y H:i")
    if isinstance(value, datetime.date):
        return date_format(value, "d.m.Y")
    if isinstance(field, models.DecimalField) and field.decimal_places == 2:
        return euro(value)
    return str(value)

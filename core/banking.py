"""Bank account numbers: the IBAN check shared by forms, models and the SEPA file (schwifty)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def compact_iban(value):
    """'de02 1203 0000 …' → 'DE02120300000000202051'."""
    return "".join(str(value).split()).upper()


def validate_iban(value):
    """Refuse an IBAN with a wrong length, country or check digits (schwifty knows each country's format)."""
    from schwifty import IBAN
    from schwifty.exceptions import SchwiftyException

    if not value:
        return
    try:
        IBAN(compact_iban(value))
    except SchwiftyException as error:
        raise ValidationError(
            _("Bitte prüfen Sie die IBAN: %(error)s") % {"error": error}, code="invalid_iban"
        ) from error


def bic_for(iban):
    """The BIC schwifty knows for a German IBAN's bank code, or '' (SEPA needs none inside the EEA)."""
    from schwifty import IBAN

    try:
        bic = IBAN(compact_iban(iban)).bic
    except Exception:  # an unknown bank code is no error: the BIC is optional in SEPA
        return ""
    return str(bic) if bic else ""


GERMAN_TRANSLITERATION = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss", "ẞ": "SS"}
)


def sepa_text(value):
    """Names and references for a SEPA file, with German letters written out (Müller → Mueller).

    The SEPA basic character set has no umlauts; sepaxml reduces the rest to ASCII itself, but it
    would turn "Müller" into "Muller" and "Köln" into "Koln", which no accounts office recognises.
    """
    return value.translate(GERMAN_TRANSLITERATION)

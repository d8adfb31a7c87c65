"""The Leitweg-ID check (XRechnung routing id of a public buyer), done by python-stdnum.

`stdnum.de.leitweg` follows the KoSIT format specification 2.0.2: Grobadressierung
starting with the code of a Land (01–16) or 99 for the Bund, optional
Feinadressierung, two check digits (ISO 7064 Mod 97-10). Here its errors become
German messages for the person filling in the form.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_errors
from stdnum.de import leitweg


def normalise_leitweg_id(value):
    """The Leitweg-ID as stored and sent: surrounding spaces removed, letters upper-case."""
    return leitweg.compact(value)


def leitweg_check_digits_valid(value):
    """The check digits alone: ISO 7064 Mod 97-10 over the Leitweg-ID without hyphens, letters as 10…35.

    validate_leitweg_id checks them through stdnum; this is for explaining a refusal.
    """
    digits = "".join(str(int(char, 36)) for char in leitweg.compact(value).replace("-", ""))
    return int(digits) % 97 == 1


def validate_leitweg_id(value):
    """Raise a ValidationError with a German message unless `value` is a valid Leitweg-ID."""
    try:
        leitweg.validate(value)
    except stdnum_errors.InvalidChecksum:
        raise ValidationError(
            _(
                "Die Prüfziffer der Leitweg-ID stimmt nicht. Bitte vergleichen Sie sie mit der Angabe Ihrer Rechnungsstelle."
            ),
            code="leitweg_check",
        ) from None
    except stdnum_errors.ValidationError as error:
        # InvalidComponent (no Land 01-16 or Bund 99 at the start) has its own code; the
        # message is the format hint, which shows a valid start, until the catalogue has a finer one.
        raise ValidationError(
            _(
                "Die Leitweg-ID hat das Format Grobadressierung-Feinadressierung-Prüfziffer, "
                "z. B. 04011000-1234512345-06 (2 bis 12 Ziffern, optional bis zu 30 Buchstaben oder "
                "Ziffern, 2 Ziffern)."
            ),
            code="leitweg_region" if isinstance(error, stdnum_errors.InvalidComponent) else "leitweg_format",
        ) from None

"""Deploy checks of the association's invoice data (`manage.py check --deploy`).

Every invoice, GiroCode and e-invoice is printed from `settings.ASSOCIATION`.
An empty tax number or phone makes each XRechnung invalid (BR-DE-6, BR-DE-16)
and leaves the tax number off the PDF, and a wrong IBAN sends the participants'
money nowhere, so production refuses to start with them; the IBAN shipped as
a sample only warns, so that a test installation still runs.
"""

from django.conf import settings
from django.core import checks
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException

# The sample IBAN of vsop_events/settings.py (ASSOCIATION_IBAN's default): valid, but not ours.
PLACEHOLDER_IBAN = "DE02120300000000202051"


def _compact(value):
    return "".join(str(value or "").split()).upper()


def _iban_errors(association):
    iban = _compact(association.get("iban"))
    try:
        IBAN(iban)
    except SchwiftyException as error:
        return [
            checks.Error(
                f"ASSOCIATION_IBAN ist keine gültige IBAN ({iban or 'leer'}: {error}).",
                hint="Die IBAN des Vereinskontos steht auf jeder Rechnung und im GiroCode.",
                id="registrations.E003",
            )
        ]
    if iban == PLACEHOLDER_IBAN:
        return [
            checks.Warning(
                "ASSOCIATION_IBAN ist noch die Beispiel-IBAN aus den Einstellungen.",
                hint="Tragen Sie die IBAN des Vereinskontos ein, sonst überweisen die Teilnehmenden an ein fremdes Konto.",
                id="registrations.W001",
            )
        ]
    return []


def _bic_errors(association):
    bic = _compact(association.get("bic"))
    if not bic:  # optional within SEPA: the invoice and the GiroCode then go without one
        return []
    try:
        BIC(bic)
    except SchwiftyException as error:
        return [
            checks.Error(f"ASSOCIATION_BIC ist keine gültige BIC ({bic}: {error}).", id="registrations.E004")
        ]
    return []


def _required_errors(association):
    required = (
        ("tax_number", "ASSOCIATION_TAX_NUMBER", "die Steuernummer (BT-32)", "registrations.E001"),
        ("phone", "ASSOCIATION_PHONE", "die Telefonnummer der Geschäftsstelle (BT-42)", "registrations.E002"),
        (
            "register",
            "ASSOCIATION_REGISTER",
            "das Vereinsregister, z. B. „Amtsgericht Musterstadt VR 1234“ (BT-30, sonst BR-CO-26)",
            "registrations.E005",
        ),
    )
    return [
        checks.Error(
            f"{name} ist leer.",
            hint=f"Jede Rechnung und E-Rechnung braucht {what}.",
            id=check_id,
        )
        for key, name, what, check_id in required
        if not str(association.get(key) or "").strip()
    ]


@checks.register("vsop", deploy=True)
def check_association_invoice_data(app_configs=None, **kwargs):
    """Errors while tax number, phone or register are empty or IBAN/BIC invalid; a warning for the sample IBAN."""
    association = settings.ASSOCIATION
    return [*_required_errors(association), *_iban_errors(association), *_bic_errors(association)]

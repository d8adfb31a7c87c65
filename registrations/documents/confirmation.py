"""The confirmations for the employer: the pre-registration's and, once binding, the registration's
(Anmeldebestätigung, for the Dienstreiseantrag and the Reisekostenabrechnung).

Which one a person gets follows their state, so a binding participant is never handed a paper
that calls their registration non-binding.
"""

from core.pdf import render_pdf

from ..queries.invoices import current_invoice
from ..queries.places import waiting_position


def pre_registration_confirmation_pdf(registration):
    return render_pdf(
        "documents/pre_registration_confirmation.html",
        {
            "registration": registration,
            "conference": registration.conference,
            "position": waiting_position(registration),
        },
        language=registration_language(registration),
    )


def registration_confirmation_pdf(registration):
    """The Anmeldebestätigung: binding state, the person's own fee, dates, venue, payment terms."""
    invoice = current_invoice(registration) if registration.holds_place else None
    return render_pdf(
        "documents/registration_confirmation.html",
        {
            "registration": registration,
            "conference": registration.conference,
            "position": waiting_position(registration),
            "invoice": invoice,
        },
        language=registration_language(registration),
    )


def confirmation_pdf(registration):
    """The confirmation that matches the registration's state."""
    if registration.is_binding:
        return registration_confirmation_pdf(registration)
    return pre_registration_confirmation_pdf(registration)


def confirmation_filename(registration):
    prefix = "Anmeldebestaetigung" if registration.is_binding else "Voranmeldung"
    return f"{prefix}_{registration.conference.slug}.pdf"


def registration_language(registration):
    """The language the person registered in (German for everyone before the field existed)."""
    return getattr(registration, "language", "") or "de"

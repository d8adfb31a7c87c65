"""The confirmation of a pre-registration, for the employer's travel approval (Dienstreiseantrag)."""

from core.pdf import render_pdf

from ..queries.places import waiting_position


def pre_registration_confirmation_pdf(registration):
    return render_pdf(
        "documents/pre_registration_confirmation.html",
        {
            "registration": registration,
            "conference": registration.conference,
            "position": waiting_position(registration),
        },
    )

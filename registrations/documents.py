"""PDF documents rendered with WeasyPrint from ordinary templates (templates/documents/)."""

from core.pdf import render_pdf


def pre_registration_confirmation_pdf(registration):
    from .services.places import waiting_position

    return render_pdf(
        "documents/pre_registration_confirmation.html",
        {
            "registration": registration,
            "conference": registration.conference,
            "position": waiting_position(registration),
        },
    )

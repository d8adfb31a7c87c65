"""A copy of everything stored about one registration (DSGVO Art. 15, 20), as plain JSON-ready values."""

from django.conf import settings
from django.utils import timezone

from ..models import Registration
from .invitations import invitation_consent_of

# Fields of the registration that are internal or secret and not personal data.
_NOT_EXPORTED = {"id", "token", "conference", "privacy_consent", "terms_consent", "substituted_by"}


def _value(value):
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


def _row(instance, fields):
    return {name: _value(getattr(instance, name)) for name in fields}


def personal_data(registration):
    """Everything stored about a registration, as plain JSON-ready values."""
    registration = (
        Registration.objects.select_related("conference", "privacy_consent", "terms_consent")
        .prefetch_related(
            "evening_events",
            "workshop_bookings__workshop",
            "workshop_bookings__phase",
            "group_memberships__group",
            "group_memberships__phase",
            "invoices",
            "payments__bank_transactions",
            "mails",
            "pending_completions",
        )
        .get(pk=registration.pk)
    )
    fields = [f.name for f in Registration._meta.concrete_fields if f.name not in _NOT_EXPORTED]
    invitation = invitation_consent_of(registration)
    data = {
        "erstellt_am": timezone.now().isoformat(),
        "verantwortlich": {
            "name": settings.ASSOCIATION["name"],
            "anschrift": f"{settings.ASSOCIATION['street']}, {settings.ASSOCIATION['postcode']} {settings.ASSOCIATION['city']}",
            "email": settings.ASSOCIATION["email"],
        },
        "tagung": {
            "titel": registration.conference.title,
            "beginn": registration.conference.starts_at.isoformat(),
            "ende": registration.conference.ends_at.isoformat(),
            "ort": registration.conference.city,
        },
        "anmeldung": _row(registration, fields),
        "einwilligungen": {
            "datenschutz": (
                {
                    "version": registration.privacy_consent.version,
                    "zugestimmt_am": _value(registration.privacy_consented_at),
                    "text": registration.privacy_consent.body,
                }
                if registration.privacy_consent
                else None
            ),
            "teilnahmebedingungen": (
                {
                    "version": registration.terms_consent.version,
                    "akzeptiert_am": _value(registration.terms_accepted_at),
                    "text": registration.terms_consent.body,
                }
                if registration.terms_consent
                else None
            ),
            "kuenftige_tagungen": (
                {
                    "eingewilligt_am": _value(invitation.consented_at),
                    "name": f"{invitation.first_name} {invitation.last_name}",
                    "email": invitation.email,
                }
                if invitation
                else None
            ),
        },
        "abendveranstaltungen": [str(item.title) for item in registration.evening_events.all()],
        "workshops": [
            {
                "arbeitsphase": str(booking.phase),
                "workshop": booking.workshop.title,
                "status": booking.get_status_display(),
                "gebucht_am": _value(booking.created_at),
            }
            for booking in registration.workshop_bookings.all()
        ],
        "diskussionsgruppen": [
            {"arbeitsphase": str(membership.phase), "gruppe": str(membership.group)}
            for membership in registration.group_memberships.all()
        ],
        "rechnungen": [
            {
                "nummer": invoice.number,
                "art": invoice.get_kind_display(),
                "datum": _value(invoice.issued_on),
                "faellig_am": _value(invoice.due_on),
                "betrag": _value(invoice.amount),
                "rechnungsanschrift": invoice.recipient,
                "email": invoice.recipient_email,
                "teilnehmer": invoice.participant_name,
            }
            for invoice in registration.invoices.all()
        ],
        "zahlungen": [
            {
                "betrag": _value(payment.amount),
                "eingang_am": _value(payment.received_on),
                "notiz": payment.note,
                # The credit on the association's statement it was booked from (payer, remittance).
                "kontoeingaenge": [
                    {
                        "buchungstag": _value(credit.booked_on),
                        "betrag": _value(credit.amount),
                        "auftraggeber": credit.debtor_name,
                        "iban": credit.debtor_iban,
                        "verwendungszweck": credit.remittance,
                    }
                    for credit in payment.bank_transactions.all()
                ],
            }
            for payment in registration.payments.all()
        ],
        "emails": [
            {
                "angelegt_am": _value(outgoing.created_at),
                "versendet_am": _value(outgoing.sent_at),
                "status": outgoing.get_status_display(),
                "an": outgoing.to,
                "betreff": outgoing.subject,
                "text": outgoing.body_text,
            }
            for outgoing in registration.mails.all()
        ],
        # What a public form brought for this registration, kept until the owner applies it.
        "ausstehende_eingaben": [
            {
                "formular": completion.get_form_display(),
                "eingegangen_am": _value(completion.created_at),
                "gueltig_bis": _value(completion.expires_at),
                "uebernommen_am": _value(completion.applied_at),
                "eingaben": completion.data,
            }
            for completion in registration.pending_completions.all()
        ],
    }
    return data

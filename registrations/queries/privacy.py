"""A copy of everything stored about one registration (DSGVO Art. 15, 20), as plain JSON-ready values."""

from django.conf import settings
from django.utils import timezone

from ..models import GroupRegistration, Invoice, OutgoingMail, Registration
from .invitations import invitation_consent_of

# Fields of the registration that are internal or secret and not personal data.
_NOT_EXPORTED = {"id", "token", "conference", "privacy_consent", "terms_consent", "substituted_by"}


def _value(value):
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


def _row(instance, fields):
    return {name: _value(getattr(instance, name)) for name in fields}


# Fields of a group registration that are secret or internal (the contact's link, the consent row).
_GROUP_NOT_EXPORTED = {"id", "token", "conference", "privacy_consent"}


def _group_row(group):
    """A group registration's own data: the contact's, the employer's billing, the consent."""
    fields = [f.name for f in GroupRegistration._meta.concrete_fields if f.name not in _GROUP_NOT_EXPORTED]
    row = _row(group, fields)
    row["not_registered"] = group.not_registered  # a list, kept as it is
    row["datenschutz"] = (
        {"version": group.privacy_consent.version, "text": group.privacy_consent.body}
        if group.privacy_consent
        else None
    )
    return row


def _verantwortlich():
    return {
        "name": settings.ASSOCIATION["name"],
        "anschrift": f"{settings.ASSOCIATION['street']}, {settings.ASSOCIATION['postcode']} {settings.ASSOCIATION['city']}",
        "email": settings.ASSOCIATION["email"],
    }


def group_personal_data(group):
    """Everything stored about a group registration, for its contact (the group page's "Meine Daten"):
    the contact's and the employer's data, the colleagues the contact registered (with the data
    the contact entered for them), the group's invoices and the mails to the contact's address.
    A colleague's own choices made through their own link are theirs, in their own copy."""
    group = GroupRegistration.objects.select_related("conference", "privacy_consent").get(pk=group.pk)
    members = list(group.members.order_by("pk"))
    invoices = (
        Invoice.objects.filter(group_registration=group)
        .prefetch_related("lines")
        .order_by("year", "sequence")
    )
    mails = OutgoingMail.objects.filter(registration__in=members, to=group.contact_email).order_by(
        "created_at", "pk"
    )
    return {
        "erstellt_am": timezone.now().isoformat(),
        "verantwortlich": _verantwortlich(),
        "tagung": {
            "titel": group.conference.title,
            "beginn": group.conference.starts_at.isoformat(),
            "ende": group.conference.ends_at.isoformat(),
            "ort": group.conference.city,
        },
        "gruppenanmeldung": _group_row(group),
        "angemeldete_personen": [
            {
                "vorname": member.first_name,
                "nachname": member.last_name,
                "email": member.email,
                "position": member.position,
                "status": member.get_status_display(),
                "gebuehr": _value(member.fee),
                "ernaehrung": member.dietary_needs if member.needs_entered_by_contact else "",
                "barrierefreiheit": member.accessibility_needs if member.needs_entered_by_contact else "",
            }
            for member in members
        ],
        "sammelrechnungen": [
            {
                "nummer": invoice.number,
                "art": invoice.get_kind_display(),
                "datum": _value(invoice.issued_on),
                "betrag": _value(invoice.amount),
                "rechnungsanschrift": invoice.recipient,
                "email": invoice.recipient_email,
                "zeilen": [
                    {"teilnehmer": line.participant_name, "betrag": _value(line.amount)}
                    for line in invoice.lines.all()
                ],
            }
            for invoice in invoices
        ],
        "emails": [
            {
                "angelegt_am": _value(outgoing.created_at),
                "versendet_am": _value(outgoing.sent_at),
                "an": outgoing.to,
                "betreff": outgoing.subject,
                "text": outgoing.body_text,
            }
            for outgoing in mails
        ],
    }


def _group_of_member(registration):
    """What a colleague's copy holds about the group registration that registered them: who
    registered them and the employer's billing; not the other colleagues."""
    group = registration.group_registration
    if group is None:
        return None
    return {
        "kontaktperson": group.contact_name,
        "kontakt_email": group.contact_email,
        "kontakt_telefon": group.contact_phone,
        "organisation": group.organisation,
        "rechnung": group.get_billing_display(),
        "rechnungsempfaenger": group.billing_organisation,
        "abteilung": group.billing_department,
        "anschrift": f"{group.billing_street}, {group.billing_postcode} {group.billing_city}",
        "rechnungs_email": group.billing_email,
        "bestellnummer": group.order_number,
        "kostenstelle": group.cost_centre,
        "leitweg_id": group.leitweg_id,
        "angemeldet_am": _value(group.created_at),
        "bedarf_von_kontaktperson_eingetragen": registration.needs_entered_by_contact,
    }


def personal_data(registration):
    """Everything stored about a registration, as plain JSON-ready values."""
    registration = (
        Registration.objects.select_related(
            "conference", "privacy_consent", "terms_consent", "group_registration"
        )
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
        "verantwortlich": _verantwortlich(),
        "tagung": {
            "titel": registration.conference.title,
            "beginn": registration.conference.starts_at.isoformat(),
            "ende": registration.conference.ends_at.isoformat(),
            "ort": registration.conference.city,
        },
        "anmeldung": _row(registration, fields),
        # A colleague of a group registration: who registered them, and the employer's billing.
        "gruppenanmeldung": _group_of_member(registration),
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

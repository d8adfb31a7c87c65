"""Who gets next year's invitation (domain/invitations.py)."""

from dataclasses import dataclass

from django.db.models import Q

from ..models import InvitationContact, Registration
from ..rules.personal import person_key


@dataclass(frozen=True)
class Recipient:
    """One person to invite, with the address and name to use now."""

    contact: InvitationContact
    salutation: str
    academic_title: str
    first_name: str
    last_name: str
    email: str
    language: str


def invitation_recipients(conference, *, contacts=None):
    """Everyone who consented (of `contacts`, a queryset, when given), was not invited to
    `conference` yet and is not registered for it.

    While the registration the consent came with exists, its current name and address
    count, and only once the address is confirmed (a stranger's address typed into a
    form gets nothing). Two queries, however many people.
    """
    contacts = (
        (InvitationContact.objects.all() if contacts is None else contacts)
        .exclude(invited_to=conference)
        .filter(
            Q(registration__isnull=True)
            | Q(registration__email_confirmed_at__isnull=False)
            | Q(registration__hold_expires_at__isnull=True)
        )
        .select_related("registration")
        .order_by("last_name", "first_name", "pk")
    )
    registered = {
        person_key(email=email, first_name=first, last_name=last)
        for email, first, last in Registration.objects.filter(conference=conference)
        .active()
        .values_list("email", "first_name", "last_name")
    }
    recipients = []
    for contact in contacts:
        person = contact.registration or contact
        if (
            person_key(email=person.email, first_name=person.first_name, last_name=person.last_name)
            in registered
        ):
            continue
        recipients.append(
            Recipient(
                contact=contact,
                salutation=person.salutation,
                academic_title=person.academic_title,
                first_name=person.first_name,
                last_name=person.last_name,
                email=person.email,
                language=person.language or contact.language,
            )
        )
    return recipients


def contacts_of_person(*, email, first_name, last_name):
    """The consent rows of one person: the same address and name, in any case."""
    return InvitationContact.objects.filter(
        email__iexact=email, first_name__iexact=first_name, last_name__iexact=last_name
    )


def same_person_contacts(registration):
    """The consent rows of the person of `registration`."""
    return contacts_of_person(
        email=registration.email, first_name=registration.first_name, last_name=registration.last_name
    )


def invitation_consent_of(registration):
    """The consent to future invitations given with this registration or by its person, or None."""
    return (
        InvitationContact.objects.filter(
            Q(registration=registration) | Q(pk__in=same_person_contacts(registration).values("pk"))
        )
        .order_by("consented_at")
        .first()
    )

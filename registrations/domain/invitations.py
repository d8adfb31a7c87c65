"""Next year's invitation: a separate, withdrawable consent to hear about future conferences.

A person may tick "Über künftige Tagungen informieren" on the registration forms or on
their personal page, and withdraw it there or through the link in every invitation.
The consent is its own row (models.InvitationContact), apart from the registration: the
registration is anonymised after the retention period, the contact keeps only what an
invitation needs (domain/retention.py). The office sends the new conference's
invitation to everyone who consented and whose address is confirmed, once per conference.
"""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import RegistrationError

from ..models import InvitationContact
from ..queries.invitations import contacts_of_person, invitation_recipients, same_person_contacts
from . import outbox
from .locking import lock_conference

INVITATION = "future_invitation"


def give_invitation_consent(*, registration, now=None):
    """Record that the person of `registration` wants to hear about future conferences.

    One row per person (address and name): a consent already given stays as it is.
    Returns the InvitationContact.
    """
    return _consent_once(
        registration=registration,
        salutation=registration.salutation,
        academic_title=registration.academic_title,
        first_name=registration.first_name,
        last_name=registration.last_name,
        email=registration.email,
        language=registration.language,
        consented_at=now or timezone.now(),
    )


def give_group_contact_invitation_consent(*, group, now=None):
    """The contact of a group registration ticked "Über künftige Tagungen informieren" for
    themselves (never for their colleagues, who consent through their own links): recorded once
    the contact's address is confirmed. The contact has no registration of their own, so the row
    keeps name and address itself. One row per person, as give_invitation_consent. Returns it."""
    return _consent_once(
        registration=None,
        first_name=group.contact_first_name,
        last_name=group.contact_last_name,
        email=group.contact_email,
        language=group.language,
        consented_at=now or timezone.now(),
    )


def _consent_once(**fields):
    """The person's consent row: the one there is, or a new one with `fields` (also when the
    same person consents in a parallel request: the database's constraint decides)."""
    person = contacts_of_person(
        email=fields["email"], first_name=fields["first_name"], last_name=fields["last_name"]
    )
    existing = person.first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return InvitationContact.objects.create(**fields)
    except IntegrityError:  # the same person consented in a parallel request
        return person.get()


def withdraw_invitation_consent(*, registration=None, token=None):
    """Withdraw the consent: by the person's registration (personal page) or the invitation's link.

    The row is deleted, with the name and address it kept. Returns how many rows went (0 or 1).
    """
    if registration is not None:
        rows = InvitationContact.objects.filter(
            Q(registration=registration) | Q(pk__in=same_person_contacts(registration).values("pk"))
        )
    else:
        rows = InvitationContact.objects.filter(token=token or "-")
    deleted, _per_model = rows.delete()
    return min(deleted, 1)


def withdrawal_url(contact):
    return f"{settings.SITE_URL}{reverse('registrations:invitation_withdraw', kwargs={'withdrawal_token': contact.token})}"


def render_invitation(*, conference, recipient):
    """The invitation to `conference` for one recipient (queries.invitations.Recipient), not recorded."""
    subject, text, html = outbox.render_mail(
        INVITATION,
        {
            "conference": conference,
            "person": recipient,
            "conference_url": f"{settings.SITE_URL}{conference.get_absolute_url()}",
            "withdrawal_url": withdrawal_url(recipient.contact),
        },
        recipient.language,
    )
    return outbox.RenderedMail(INVITATION, recipient.email, subject, text, html)


def check_can_invite(conference, now=None):
    """Invitations link the public conference page: it must be published and not over."""
    now = now or timezone.now()
    if conference.status != conference.Status.PUBLISHED:
        raise RegistrationError(
            _(
                "„%(title)s“ ist noch nicht veröffentlicht. Die Einladung verlinkt die Tagungsseite: bitte zuerst veröffentlichen."
            )
            % {"title": conference.title}
        )
    if conference.ends_at < now:
        raise RegistrationError(_("„%(title)s“ ist vorbei.") % {"title": conference.title})


def send_invitations(*, conference, contacts=None, now=None):
    """Queue the invitation to `conference` for everyone who consented and was not invited to it yet.

    `contacts` (a queryset) limits it to the people the office selected.
    People registered for the conference already are left out. The mails go through
    the outbox after the commit; each person gets it once per conference, however often
    the office sends. Returns the number of mails queued.
    """
    check_can_invite(conference, now)
    with transaction.atomic():
        lock_conference(conference.pk)  # two clicks at once send once
        recipients = invitation_recipients(conference, contacts=contacts)
        for recipient in recipients:
            outbox.queue_mail(
                registration=None,
                template=INVITATION,
                rendered=render_invitation(conference=conference, recipient=recipient),
            )
        Invited = InvitationContact.invited_to.through
        Invited.objects.bulk_create(
            [Invited(invitationcontact_id=r.contact.pk, conference_id=conference.pk) for r in recipients]
        )
    return len(recipients)

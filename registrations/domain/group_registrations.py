"""Group registration: one contact (a Sekretariat) registers several named colleagues in one go.

Each colleague becomes an ordinary binding registration through lifecycle.register_binding,
so the conference's windows, places and waiting list apply to each person in the order
given, under the same conference lock as everyone else's (places are never oversold). All
of it happens in one transaction: the group and its colleagues are stored together or not
at all.

Mails: one per address. The contact gets one mail with the group link and every colleague's
place; a colleague with an own address gets their own confirmation with their own link;
a colleague without one is covered by the contact's mail (their registration carries the
contact's address). The holds end when the contact opens the group link (confirm_group): the
group's places are held by the contact's confirmation; a colleague opening their own link first
confirms only their own address (rules.group_registrations.confirmation_holds_place), and when
the contact's hold lapses, the whole unconfirmed group lapses and the waiting list moves up.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import RegistrationError

from ..models import GroupRegistration, Registration
from ..queries.places import waiting_positions
from ..rules.group_registrations import (
    MAX_MEMBERS,
    has_own_address,
    member_email,
    needs_refusal,
    not_registered_entry,
    repeated_people,
)
from ..rules.personal import normalise_email, registration_language
from ..rules.windows import binding_window
from . import invitations, invoicing, lifecycle, outbox
from .confirmations import queue_confirmation
from .consent import current_privacy_text
from .locking import lock_conference, prepare_to_lock

CONTACT_FIELDS = (
    "contact_first_name",
    "contact_last_name",
    "contact_email",
    "contact_phone",
    "organisation",
)
GROUP_BILLING_FIELDS = (
    "billing",
    "billing_organisation",
    "billing_department",
    "billing_street",
    "billing_postcode",
    "billing_city",
    "billing_email",
    "order_number",
    "cost_centre",
    "leitweg_id",
)
MEMBER_FIELDS = (
    "salutation",
    "academic_title",
    "first_name",
    "last_name",
    "email",
    "position",
    "is_member",
    "member_number",
    "dietary_needs",
    "accessibility_needs",
)


def register_group(*, conference, data, members, now=None):
    """Register `members` (dicts of MEMBER_FIELDS, `needs_agreed`, `workshop_choices`) for the
    contact and billing in `data` (CONTACT_FIELDS, GROUP_BILLING_FIELDS, `terms_accepted`,
    `terms_version`, `language`, and the contact's own `invitation_consent`, recorded when the
    contact confirms). Returns the GroupRegistration.

    Each colleague is registered bindingly as anyone is (a place while places are free, else
    the waiting list, in the order given), billed to the employer. A colleague who is
    registered already (the same person, rules.personal.person_key) is not registered again;
    their own address is sent their link, as the single form does, and the contact's mail and
    group page name them (GroupRegistration.not_registered, rules.group_registrations.not_registered_entry).
    """
    now = now or timezone.now()
    window = binding_window(conference, now=now)
    if not window.is_open:
        raise RegistrationError(window.reason)
    if not members:
        raise RegistrationError(_("Bitte geben Sie mindestens eine Person an."))
    if len(members) > MAX_MEMBERS:
        raise RegistrationError(
            _("Bitte melden Sie höchstens %(count)d Personen auf einmal an.") % {"count": MAX_MEMBERS}
        )
    if not data.get("terms_accepted"):
        raise RegistrationError(
            _("Bitte akzeptieren Sie die Zahlungsvereinbarung und die Teilnahmebedingungen.")
        )
    contact_email = normalise_email(data["contact_email"])
    if repeated_people(members, contact_email=contact_email):
        raise RegistrationError(_("Eine Person steht zweimal in der Liste."))
    for member in members:
        refusal = needs_refusal(
            dietary_needs=member.get("dietary_needs"),
            accessibility_needs=member.get("accessibility_needs"),
            colleague_agreed=member.get("needs_agreed"),
        )
        if refusal:
            raise RegistrationError(refusal)
    billing = {key: data.get(key) or "" for key in GROUP_BILLING_FIELDS}
    prepare_to_lock()
    with transaction.atomic():
        lock_conference(conference.pk)  # the colleagues' places are given in the order of the list
        group = GroupRegistration.objects.create(
            conference=conference,
            language=registration_language(data.get("language")),
            privacy_consent=current_privacy_text(),
            invitation_consent=bool(data.get("invitation_consent")),
            **{key: data.get(key) or "" for key in CONTACT_FIELDS},
            **{**billing, "billing": billing["billing"] or GroupRegistration.Billing.COLLECTIVE},
        )
        group.contact_email = contact_email
        group.save(update_fields=["contact_email"])
        not_registered = []
        for member in members:
            _registration, created = _register_member(group, member, data=data, now=now)
            if not created:  # registered already: their owner is mailed, the contact is told
                not_registered.append(not_registered_entry(member, contact_email=group.contact_email))
        if not_registered:
            group.not_registered = not_registered
            group.save(update_fields=["not_registered"])
        outbox.queue_mail(
            registration=group.members.order_by("pk").first(),
            template="group_registered",
            to=group.contact_email,
            rendered=_render_group_mail(group),
        )
    return group


def _register_member(group, member, *, data, now):
    email = member_email(own_email=member.get("email"), contact_email=group.contact_email)
    person = {key: member.get(key) for key in MEMBER_FIELDS if key in member}
    person["email"] = email
    binding = {
        "billing_recipient": Registration.BillingRecipient.EMPLOYER,
        **{key: getattr(group, key) for key in GROUP_BILLING_FIELDS if key != "billing"},
    }
    registration, created = lifecycle.register_binding(
        conference=group.conference,
        data={
            **person,
            **binding,
            "organisation": group.organisation,
            "terms_accepted": True,
            "terms_version": data.get("terms_version"),
            "language": group.language,
            "workshop_choices": member.get("workshop_choices") or {},
            "join_workshop_waiting_list": True,
        },
        now=now,
        notify=False,  # below, once the registration knows its group (the mail says so)
    )
    if created:
        registration.group_registration = group
        registration.needs_entered_by_contact = bool(
            member.get("dietary_needs") or member.get("accessibility_needs")
        )
        registration._change_reason = _("Gruppenanmeldung durch %(name)s") % {"name": group.contact_name}
        registration.save(update_fields=["group_registration", "needs_entered_by_contact", "updated_at"])
        if has_own_address(registration, group):
            queue_confirmation(registration, invoice=None)
    return registration, created


def _render_group_mail(group):
    members = list(group.members.select_related("conference").order_by("pk"))
    positions = waiting_positions(members)  # one query for all who wait, not one each
    context = {
        "group": group,
        "conference": group.conference,
        "group_url": f"{outbox.personal_url(group)}",
        "members": [
            {
                "registration": member,
                "position": positions.get(member.pk),
                "has_own_address": has_own_address(member, group),
            }
            for member in members
        ],
        "hold_expires_at": min((m.hold_expires_at for m in members if m.hold_expires_at), default=None),
        "not_registered": group.not_registered,
    }
    subject, text, html = outbox.render_mail("group_registered", context, group.language)
    return outbox.RenderedMail("group_registered", group.contact_email, subject, text, html)


def confirm_group(*, group, now=None):
    """The contact opened the group link: their address is confirmed, and with it every colleague's
    registration made by this group keeps its place (lifecycle.confirm_address for each, which
    issues per-person invoices); a collective invoice is then issued once for all and mailed to
    the employer. Idempotent. Returns the group."""
    now = now or timezone.now()
    with transaction.atomic():
        lock_conference(group.conference_id)
        group = GroupRegistration.objects.select_for_update().get(pk=group.pk)
        for member in group.members.select_related("conference", "group_registration").order_by("pk"):
            if member.awaits_confirmation and not member.is_cancelled:
                lifecycle.confirm_address(registration=member, now=now, by_group_contact=True)
        if group.email_confirmed_at is None:
            # Only now: until then a confirmed colleague issues no collective invoice of their own
            # (invoicing.issue_for_binding), so it is issued once, for everyone, below.
            group.email_confirmed_at = now
            group.save(update_fields=["email_confirmed_at"])
            if group.invitation_consent:  # the contact's own consent, now that the address is theirs
                invitations.give_group_contact_invitation_consent(group=group, now=now)
        if group.is_billed_collectively:
            storno, invoice = invoicing.update_collective_invoice(group, now=now)
            if storno is not None or invoice is not None:
                invoicing.queue_collective_invoice_mail(group, new_invoice=invoice, storno=storno)
    return group


def member_of(group, registration_id):
    """The group's colleague with this id (for the group page's actions), or RegistrationError."""
    found = (
        group.members.select_related("conference", "group_registration").filter(pk=registration_id).first()
    )
    if found is None:
        raise RegistrationError(_("Diese Person gehört nicht zu Ihrer Gruppenanmeldung."))
    return found


def set_needs_by_contact(*, group, registration, dietary_needs, accessibility_needs, colleague_agreed):
    """The contact enters a colleague's dietary and accessibility needs, only with the colleague's
    agreement (rules.group_registrations.needs_refusal). Logged in the registration's history."""
    refusal = needs_refusal(
        dietary_needs=dietary_needs,
        accessibility_needs=accessibility_needs,
        colleague_agreed=colleague_agreed,
    )
    if refusal:
        raise RegistrationError(refusal)
    registration = member_of(group, registration.pk)
    registration.dietary_needs = dietary_needs or ""
    registration.accessibility_needs = accessibility_needs or ""
    registration.needs_entered_by_contact = True
    registration._change_reason = _(
        "Bedürfnisse von der Kontaktperson %(name)s eingetragen (mit Einverständnis)"
    ) % {"name": group.contact_name}
    registration.save(
        update_fields=["dietary_needs", "accessibility_needs", "needs_entered_by_contact", "updated_at"]
    )
    return registration

"""The rules of a group registration (domain/group_registrations.py), pure.

A contact (Sekretariat) registers colleagues; a colleague's own address is optional.
Without one, the colleague's registration carries the contact's address: the contact's
mailbox receives what concerns them, and "Link vergessen?" for that address lists them.
"""

from django.utils.translation import gettext as _

from .personal import normalise_email, person_key

# How many colleagues one group form takes: a department, not a mailing list.
MAX_MEMBERS = 20


def member_email(*, own_email, contact_email):
    """The address a colleague's registration carries: their own, else the contact's."""
    return normalise_email(own_email or "") or normalise_email(contact_email)


def has_own_address(registration, group):
    """Whether the colleague has an address of their own (then their own link goes there)."""
    return normalise_email(registration.email) != normalise_email(group.contact_email)


def confirmation_holds_place(registration, *, by_contact=False):
    """Whether confirming this registration's address keeps its place (or waiting-list spot).

    The one rule for a group's holds: the places of a group are held by the contact's
    confirmation. Until the contact opens the group link (GroupRegistration.email_confirmed_at),
    a colleague who opens their own link confirms only their own address: their registration
    keeps the group's hold, is not invoiced and lapses with the whole unconfirmed group when that
    hold is over (the waiting list moves up as after any lapsed hold). So no place is ever held
    by a colleague while the binding registration that invoices it (the contact's, who accepted
    the terms for the employer) was never confirmed. `by_contact`: the contact's confirmation
    itself (domain.group_registrations.confirm_group). Anyone outside a group: always True.
    """
    group = registration.group_registration if registration.group_registration_id else None
    return group is None or by_contact or group.email_confirmed_at is not None


def not_registered_entry(member, *, contact_email):
    """What the contact is told about a colleague of the form who is registered already and so was
    not registered again (lifecycle.register_binding keeps the typed data for the registration's
    owner, who is mailed a link that applies it).

    The contact may learn which colleague was not registered and why only as far as it is their
    own business: a colleague under the contact's address is the contact's mailbox's registration
    ("registered already under your address"); a colleague with an own address gets their own mail
    (no enumeration), and the contact learns only that that person was not registered by this form
    and was written to. Returns {"name": ..., "own_address": bool}.
    """
    own = normalise_email(member.get("email") or "")
    name = " ".join(part for part in (member.get("first_name", ""), member.get("last_name", "")) if part)
    return {"name": name.strip(), "own_address": bool(own) and own != normalise_email(contact_email)}


def needs_refusal(*, dietary_needs, accessibility_needs, colleague_agreed):
    """Dietary and accessibility needs are health data: the contact enters them only after
    confirming that the colleague agreed; otherwise the colleague enters them through their
    own link. Returns the German message for the form, or None."""
    if (dietary_needs or accessibility_needs) and not colleague_agreed:
        return _(
            "Bitte bestätigen Sie, dass die Kollegin oder der Kollege mit der Angabe einverstanden ist, "
            "oder lassen Sie das Feld leer: Sie oder er kann es auch selbst über den eigenen Link ausfüllen."
        )
    return None


def repeated_people(members, *, contact_email):
    """Indexes of colleagues who appear twice in one group (the same person, rules.personal)."""
    seen, repeated = set(), []
    for index, member in enumerate(members):
        key = person_key(
            email=member_email(own_email=member.get("email"), contact_email=contact_email),
            first_name=member.get("first_name", ""),
            last_name=member.get("last_name", ""),
        )
        if key in seen:
            repeated.append(index)
        seen.add(key)
    return repeated

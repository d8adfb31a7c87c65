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

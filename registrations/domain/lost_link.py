"""'Link vergessen?': the personal links of an address, mailed to that address only.

Whoever types an address learns nothing about it: the page answers the same whether
the address is registered or not, and the links go only to the address on file.
"""

from ..models import Registration
from ..queries.group_registrations import groups_of_address
from ..rules.personal import normalise_email
from . import outbox


def registrations_of_address(email):
    """Every active registration with this address, newest conference first."""
    return list(
        Registration.objects.active()
        .filter(email=normalise_email(email))
        .select_related("conference")
        .order_by("-conference__starts_at", "pk")
    )


def send_lost_links(*, email):
    """Mail every active registration's personal link of `email` in one mail, each with the
    person's name and conference: colleagues sharing the address (a Sekretariat) each get their
    line, and a group contact's group page is listed too. Returns the mail, or None when the
    address has none."""
    email = normalise_email(email)
    found = registrations_of_address(email)
    groups = groups_of_address(email)
    if not found and not groups:
        return None
    return outbox.queue_mail(
        # A mail belongs to a registration (it is deleted with it); a contact who registered no
        # one under their own address is written to about the group's first member.
        registration=found[0] if found else groups[0].members.order_by("pk").first(),
        template="lost_links",
        to=email,
        context={
            "entries": [
                {"registration": registration, "url": outbox.personal_url(registration)}
                for registration in found
            ],
            "groups": [{"group": group, "url": outbox.personal_url(group)} for group in groups],
        },
    )

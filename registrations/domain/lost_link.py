"""'Link vergessen?': the personal links of an address, mailed to that address only.

Whoever types an address learns nothing about it: the page answers the same whether
the address is registered or not, and the links go only to the address on file.
"""

from ..models import Registration
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
    person's name and conference. Returns the mail, or None when the address has none."""
    found = registrations_of_address(email)
    if not found:
        return None
    first = found[0]
    return outbox.queue_mail(
        registration=first,
        template="lost_links",
        to=first.email,
        context={
            "entries": [
                {"registration": registration, "url": outbox.personal_url(registration)}
                for registration in found
            ]
        },
    )

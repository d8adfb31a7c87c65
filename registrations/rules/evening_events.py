"""Evening events people sign up for with the binding registration; some are for members only."""

from django.utils.translation import gettext as _


def members_only_refusal(items, *, is_member):
    """The German refusal for the first members-only item a non-member chose, else None."""
    if is_member:
        return None
    for item in items:
        if item.members_only:
            return _("„%(title)s“ ist nur für Mitglieder des VSOP e.V.") % {"title": item.title}
    return None

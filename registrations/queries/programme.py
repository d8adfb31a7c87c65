"""Programme items as the registration offers them."""

from programme.models import ProgrammeItem


def offered_evening_events(conference, *, is_member):
    """Programme items people sign up for with the registration; members-only ones only for members."""
    items = ProgrammeItem.objects.filter(conference=conference, requires_signup=True).order_by(
        "starts_at", "pk"
    )
    if not is_member:
        items = items.filter(members_only=False)
    return items

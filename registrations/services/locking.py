"""Row locks that serialise changes to counted things (places, seats, invoice numbers).

Always lock inside `transaction.atomic()`, lock late, and in this order:
conference → workshop → invoice sequence. On SQLite `select_for_update()` is
a no-op, but the database runs IMMEDIATE transactions (see settings), so
writers queue for the one write lock instead.
"""

from programme.models import Conference, Workshop


def lock_conference(conference_id):
    """Lock and return the conference row that holds the number of places."""
    return Conference.objects.select_for_update().get(pk=conference_id)


def lock_workshop(workshop_id):
    """Lock and return the workshop row that holds its seat limit."""
    return Workshop.objects.select_for_update().select_related("phase").get(pk=workshop_id)

"""Row locks that serialise changes to counted things (places, seats, invoice numbers).

Always lock inside `transaction.atomic()`, lock late, and in this order:
conference → workshop → invoice sequence. On SQLite `select_for_update()` is
a no-op, but the database runs IMMEDIATE transactions (see settings), so
writers queue for the one write lock instead.
"""

from simple_history.models import HistoricalRecords

from programme.models import Conference, Workshop


def prepare_to_lock():
    """Load lazily read request data before taking a lock, so it is not read while holding it.

    The audit trail asks for the request's user when it writes its first record;
    with a session that is a query and the session's decoding, which would
    otherwise happen under the lock.
    """
    request = getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    if user is not None:
        user.is_authenticated  # noqa: B018 -- evaluates the lazy user, as the audit trail will


def lock_conference(conference_id):
    """Lock and return the conference row that holds the number of places."""
    return Conference.objects.select_for_update().get(pk=conference_id)


def lock_workshop(workshop_id):
    """Lock and return the workshop row that holds its seat limit."""
    return Workshop.objects.select_for_update().select_related("phase").get(pk=workshop_id)


def lock_workshops_of_phases(phase_ids):
    """Lock every workshop of the given phases in ascending id order; returns {id: workshop}.

    A freed seat can move a waiting person out of another workshop of the same
    phase, so a change locks the whole phase, not one workshop: the fixed order
    keeps two such changes from deadlocking.
    """
    workshops = Workshop.objects.select_for_update().filter(phase_id__in=list(phase_ids)).order_by("pk")
    return {workshop.pk: workshop for workshop in workshops}

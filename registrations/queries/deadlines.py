"""Who missed, or is about to miss, the binding deadline: the selections behind the reminder,
the office's release at the deadline and the scheduled end of personal deadlines.

Deadlines are inclusive dates in Europe/Berlin (core.windows.deadline_passed): a deadline
has passed when it is before today. A person's deadline is the later of their personal
deadline (after moving up, rules.windows.personal_deadline_for) and the conference's.
"""

from django.db.models import Q
from django.utils import timezone

from programme.models import Conference

from ..models import Registration, claims_place
from ..rules.windows import binding_reminder_is_due


def _pre_registrations_holding_places(queryset, now):
    return queryset.filter(
        claims_place(now), stage=Registration.Stage.PRE, status=Registration.Status.HOLDS_PLACE
    )


def missed_binding_deadline(queryset, *, now=None):
    """The pre-registrations of `queryset` that still hold a place although their deadline passed:
    the conference's deadline and, if they have one, their personal deadline."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    return _pre_registrations_holding_places(queryset, now).filter(
        Q(personal_deadline__isnull=True) | Q(personal_deadline__lt=today),
        conference__registration_deadline__lt=today,
    )


def missed_personal_deadline(queryset, *, now=None):
    """Those of missed_binding_deadline whose personal deadline passed: the schedule releases their
    places (a personal deadline was announced to the person with that consequence)."""
    return missed_binding_deadline(queryset, now=now).filter(personal_deadline__isnull=False)


def with_running_personal_deadline(queryset, *, now=None):
    """Pre-registrations holding a place with a personal deadline that has not passed."""
    now = now or timezone.now()
    return _pre_registrations_holding_places(queryset, now).filter(
        personal_deadline__gte=timezone.localdate(now)
    )


def due_binding_reminders(*, now=None):
    """Active pre-registrations (holding a place or waiting) not reminded yet, of the conferences whose
    reminder is due (rules.windows.binding_reminder_is_due)."""
    now = now or timezone.now()
    conferences = Conference.objects.filter(
        registration_deadline__gte=timezone.localdate(now), binding_reminder_days__gt=0, starts_at__gt=now
    )
    due = [conference.pk for conference in conferences if binding_reminder_is_due(conference, now=now)]
    return (
        Registration.objects.active()
        .pre_registered()
        .filter(claims_place(now), conference_id__in=due, binding_reminder_sent_at__isnull=True)
        .select_related("conference")
        .order_by("conference_id", "pk")
    )

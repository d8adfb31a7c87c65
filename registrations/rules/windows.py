"""When participants may act online: pre-register, register bindingly, change workshops, cancel free.

Every window starts with the same checks (published, not begun, places offered);
deadlines are inclusive dates in Europe/Berlin (core.windows.deadline_passed). The
office may act when a window is closed.
"""

import datetime as dt

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.exceptions import WindowState
from core.windows import deadline_passed
from programme.models import Conference


def _conference_window(conference, now):
    """The checks every online window starts with; None while they pass."""
    if conference.status != Conference.Status.PUBLISHED:
        return WindowState(False, _("Diese Tagung ist noch nicht veröffentlicht."))
    if conference.starts_at <= now:
        return WindowState(False, _("Die Tagung hat bereits begonnen oder ist vorbei."))
    if conference.places == 0:
        return WindowState(False, _("Für diese Tagung ist noch keine Anmeldung möglich."))
    return None


def pre_registration_window(conference, *, now=None):
    """Whether the public pre-registration form is open, and if not, why (in German)."""
    now = now or timezone.now()
    closed = _conference_window(conference, now)
    if closed is not None:
        return closed
    if conference.pre_registration_opens_at and now < conference.pre_registration_opens_at:
        return WindowState(
            False,
            _("Die Voranmeldung beginnt am %(date)s.")
            % {"date": date_format(timezone.localtime(conference.pre_registration_opens_at), "d.m.Y")},
        )
    if deadline_passed(conference.pre_registration_deadline, now):
        return WindowState(
            False,
            _("Die Frist für die Voranmeldung ist am %(date)s abgelaufen.")
            % {"date": date_format(conference.pre_registration_deadline, "d.m.Y")},
        )
    return WindowState(True)


def binding_window(conference, *, now=None):
    """Whether people may register bindingly online, and if not, why (in German).

    The office may still register people when the window is closed.
    """
    now = now or timezone.now()
    closed = _conference_window(conference, now)
    if closed is not None:
        return closed
    if deadline_passed(conference.registration_deadline, now):
        return WindowState(
            False,
            _(
                "Die Frist für die verbindliche Anmeldung ist am %(date)s abgelaufen. "
                "Eine Anmeldung ist nur noch über die Geschäftsstelle möglich."
            )
            % {"date": date_format(conference.registration_deadline, "d.m.Y")},
        )
    return WindowState(True)


def personal_deadline_for(conference, *, now):
    """The personal deadline of a pre-registration that moves up `now`, or None.

    Moving up fewer than `personal_deadline_threshold_days` before the binding
    deadline, or after it, gives `personal_deadline_days` from today; it never
    ends before the general deadline (then None: the general one applies), nor
    after the day before the conference begins, nor before today. Without a
    binding deadline there is none.
    """
    deadline = conference.registration_deadline
    if deadline is None:
        return None
    today = timezone.localdate(now)
    if (deadline - today).days >= conference.personal_deadline_threshold_days:
        return None
    last_day = timezone.localdate(conference.starts_at) - dt.timedelta(days=1)
    personal = max(today, min(today + dt.timedelta(days=conference.personal_deadline_days), last_day))
    return personal if personal > deadline else None


def binding_deadline_of(registration, *, now=None):
    """The last day this person may still register bindingly online, or None when that is over or
    there is no deadline: their personal deadline, else the conference's. Never a day in the past,
    so a mail or page never asks for something that can no longer be done."""
    deadline = max(
        (d for d in (registration.personal_deadline, registration.conference.registration_deadline) if d),
        default=None,
    )
    if deadline is None or deadline_passed(deadline, now):
        return None
    return deadline


def binding_window_for(registration, *, now=None):
    """Whether this person may register bindingly online: the conference's window (binding_window),
    except that a personal deadline (after moving up) keeps it open for them after the general
    deadline until that day, inclusive, and closes it after that day with its own reason."""
    now = now or timezone.now()
    if registration.personal_deadline is None or not deadline_passed(
        registration.conference.registration_deadline, now
    ):
        return binding_window(registration.conference, now=now)
    closed = _conference_window(registration.conference, now)
    if closed is not None:
        return closed
    if deadline_passed(registration.personal_deadline, now):
        return WindowState(
            False,
            _(
                "Ihre persönliche Frist für die verbindliche Anmeldung ist am %(date)s abgelaufen; "
                "der Platz geht an die nächste Person auf der Warteliste."
            )
            % {"date": date_format(registration.personal_deadline, "d.m.Y")},
        )
    return WindowState(True)


def binding_reminder_is_due(conference, *, now=None):
    """Whether the pre-registered are reminded of the binding deadline now: from
    `binding_reminder_days` before it until the deadline itself (0 days: never)."""
    deadline = conference.registration_deadline
    if deadline is None or not conference.binding_reminder_days or deadline_passed(deadline, now):
        return False
    return (deadline - timezone.localdate(now)).days <= conference.binding_reminder_days


def workshop_change_window(registration, now=None):
    """Whether the participant may still change their workshops, and if not, why (in German).

    Participants change their choices until the binding-registration deadline; the
    office moves people at any time.
    """
    now = now or timezone.now()
    conference = registration.conference
    if registration.is_cancelled:
        return WindowState(False, _("Eine stornierte Anmeldung hat keine Workshops."))
    if conference.starts_at <= now:
        return WindowState(
            False, _("Die Tagung hat bereits begonnen; Workshops ändert nur noch die Geschäftsstelle.")
        )
    deadline = conference.registration_deadline
    if deadline_passed(deadline, now):
        return WindowState(
            False,
            _(
                "Workshops konnten bis zum %(date)s gewählt werden. Für Änderungen wenden Sie sich bitte an die Geschäftsstelle."
            )
            % {"date": date_format(deadline, "d.m.Y")},
        )
    return WindowState(True)


def cancellation_is_free(registration, *, now=None):
    """Whether cancelling now cancels the invoice too.

    The payment terms say: free of charge until the binding-registration
    deadline (inclusive), afterwards the full fee stays due. Without a deadline
    a cancellation is always free here; the office can still cancel an invoice
    by hand (goodwill) after the deadline.
    """
    return not deadline_passed(registration.conference.registration_deadline, now)

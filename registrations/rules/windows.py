"""When participants may act online: pre-register, register bindingly, change workshops, cancel free.

Every window starts with the same checks (published, not begun, places offered);
deadlines are inclusive dates in Europe/Berlin (core.windows.deadline_passed). The
office may act when a window is closed.
"""

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

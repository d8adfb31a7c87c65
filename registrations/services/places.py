"""Places and the waiting list.

Held places = registrations with status HOLDS_PLACE (pre-registered or
binding), never more than the conference's places. Every function that
changes who holds a place locks the conference row first, inside one
transaction, so concurrent requests cannot oversell.
"""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from programme.models import Conference

from ..models import Registration
from . import mail
from .consent import current_privacy_text
from .locking import lock_conference, prepare_to_lock

PERSONAL_FIELDS = (
    "salutation",
    "academic_title",
    "first_name",
    "last_name",
    "email",
    "organisation",
    "position",
    "is_member",
    "member_number",
    "note",
)


class RegistrationError(Exception):
    """A rule refused the change; the message is German and meant for the person."""


@dataclass(frozen=True)
class WindowState:
    is_open: bool
    reason: str = ""


def normalise_email(email):
    return email.strip().lower()


def places_left(conference):
    held = Registration.objects.filter(conference=conference).holding_places().count()
    return max(conference.places - held, 0)


def waiting_position(registration):
    """1-based position on the waiting list, or None when not waiting."""
    if not registration.is_waiting:
        return None
    return (
        Registration.objects.filter(
            conference_id=registration.conference_id,
            status=Registration.Status.WAITING,
            waiting_since__lt=registration.waiting_since,
        ).count()
        + 1
    )


def _deadline_passed(deadline, now):
    return deadline is not None and timezone.localdate(now) > deadline


def pre_registration_window(conference, *, now=None):
    """Whether the public pre-registration form is open, and if not, why (in German)."""
    now = now or timezone.now()
    if conference.status != Conference.Status.PUBLISHED:
        return WindowState(False, _("Diese Tagung ist noch nicht veröffentlicht."))
    if conference.starts_at <= now:
        return WindowState(False, _("Die Tagung hat bereits begonnen oder ist vorbei."))
    if conference.places == 0:
        return WindowState(False, _("Für diese Tagung ist noch keine Anmeldung möglich."))
    if conference.pre_registration_opens_at and now < conference.pre_registration_opens_at:
        return WindowState(
            False,
            _("Die Voranmeldung beginnt am %(date)s.")
            % {"date": date_format(timezone.localtime(conference.pre_registration_opens_at), "d.m.Y")},
        )
    if _deadline_passed(conference.pre_registration_deadline, now):
        return WindowState(
            False,
            _("Die Frist für die Voranmeldung ist am %(date)s abgelaufen.")
            % {"date": date_format(conference.pre_registration_deadline, "d.m.Y")},
        )
    return WindowState(True)


PLACE_CONFIRMATION = "pre_registration_confirmed"


def pre_register(*, conference, data, source=Registration.Source.WEB, now=None):
    """Pre-register a person: a place while places remain, otherwise the waiting list.

    `data` holds the personal fields. Returns (registration, created). When an
    active registration with the same e-mail exists, nothing is created and the
    personal link is sent again to the address on file.
    """
    now = now or timezone.now()
    if source == Registration.Source.WEB:
        window = pre_registration_window(conference, now=now)
        if not window.is_open:
            raise RegistrationError(window.reason)
    fields = {key: data[key] for key in PERSONAL_FIELDS if key in data}
    fields["email"] = normalise_email(fields["email"])
    privacy = current_privacy_text() if source == Registration.Source.WEB else None
    registration = Registration(
        conference=conference,
        stage=Registration.Stage.PRE,
        status=Registration.Status.HOLDS_PLACE,
        source=source,
        privacy_consent=privacy,
        privacy_consented_at=now if privacy else None,
        **fields,
    )
    # Every pre-registration of the conference waits for the one before it to commit,
    # so the confirmation of the usual case (a free place) is rendered before the lock
    # and used when the locked rows say the same; otherwise it is rendered again.
    confirmation = None
    if places_left(conference) > 0:
        confirmation = mail.render_for(registration=registration, template=PLACE_CONFIRMATION)
    rendered_for = conference.updated_at
    prepare_to_lock()
    try:
        with transaction.atomic():
            conference = lock_conference(conference.pk)
            existing = (
                Registration.objects.active().filter(conference=conference, email=fields["email"]).first()
            )
            if existing is not None:
                mail.queue_mail(registration=existing, template="link_resent")
                return existing, False
            holds_place = places_left(conference) > 0
            registration.conference = conference
            if not holds_place:
                registration.status = Registration.Status.WAITING
                registration.waiting_since = now
            registration.save(force_insert=True)
            if not holds_place or conference.updated_at != rendered_for:
                confirmation = None
            mail.queue_mail(
                registration=registration,
                template=PLACE_CONFIRMATION if holds_place else "waiting_list_confirmed",
                context={"position": waiting_position(registration)},
                rendered=confirmation,
            )
    except IntegrityError:
        # Another request with the same e-mail won the race; treat it as a repeat.
        existing = Registration.objects.active().filter(conference=conference, email=fields["email"]).first()
        if existing is None:
            raise
        mail.queue_mail(registration=existing, template="link_resent")
        return existing, False
    return registration, True


def update_personal_data(*, registration, data):
    """Correct a person's own data. A changed e-mail must stay unique per conference."""
    fields = {key: data[key] for key in PERSONAL_FIELDS if key in data}
    if "email" in fields:
        fields["email"] = normalise_email(fields["email"])
        clash = (
            Registration.objects.active()
            .filter(conference_id=registration.conference_id, email=fields["email"])
            .exclude(pk=registration.pk)
            .exists()
        )
        if clash:
            raise RegistrationError(
                _("Für diese E-Mail-Adresse gibt es schon eine Anmeldung zu dieser Tagung.")
            )
    for key, value in fields.items():
        setattr(registration, key, value)
    registration.save(update_fields=[*fields, "updated_at"])
    return registration


def cancel(*, registration, now=None, notify=True):
    """Cancel a registration: its place goes to the first person on the waiting list."""
    now = now or timezone.now()
    with transaction.atomic():
        lock_conference(registration.conference_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.is_cancelled:
            raise RegistrationError(_("Diese Anmeldung ist bereits storniert."))
        registration.status = Registration.Status.CANCELLED
        registration.cancelled_at = now
        registration.save(update_fields=["status", "cancelled_at", "updated_at"])
        from .hooks import run_cancel_hooks

        run_cancel_hooks(registration)
        if notify:
            mail.queue_mail(registration=registration, template="cancelled")
        fill_free_places(conference_id=registration.conference_id, now=now, _locked=True)
    return registration


def fill_free_places(*, conference_id, now=None, _locked=False):
    """Move people up from the waiting list, first come first served, while places are free."""
    now = now or timezone.now()
    moved = []
    with transaction.atomic():
        conference = (
            lock_conference(conference_id) if not _locked else Conference.objects.get(pk=conference_id)
        )
        free = places_left(conference)
        if free <= 0:
            return moved
        for registration in (
            Registration.objects.filter(conference=conference).waiting().select_for_update()[:free]
        ):
            moved.append(_move_up(registration, now))
    return moved


def move_up(*, registration, now=None):
    """The office moves a particular person up; only while a place is free."""
    now = now or timezone.now()
    with transaction.atomic():
        conference = lock_conference(registration.conference_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if not registration.is_waiting:
            raise RegistrationError(
                _("%(name)s steht nicht auf der Warteliste.") % {"name": registration.full_name}
            )
        if places_left(conference) <= 0:
            raise RegistrationError(
                _("Es ist kein Platz frei. Erhöhen Sie zuerst die Anzahl der Plätze der Tagung.")
            )
        return _move_up(registration, now)


def _move_up(registration, now):
    registration.status = Registration.Status.HOLDS_PLACE
    registration.moved_up_at = now
    registration.save(update_fields=["status", "moved_up_at", "updated_at"])
    from .hooks import run_move_up_hooks

    run_move_up_hooks(registration)
    mail.queue_mail(registration=registration, template="moved_up")
    return registration


def resend_link(*, registration):
    """Send the personal link again to the address on file."""
    return mail.queue_mail(registration=registration, template="link_resent")


def send_programme_mailing(*, conference):
    """Send every active pre-registration the programme and the link to the binding form, once.

    Returns the number of mails queued now (people who already got it are skipped).
    """
    sent = 0
    recipients = Registration.objects.filter(conference=conference, stage=Registration.Stage.PRE).exclude(
        status=Registration.Status.CANCELLED
    )
    with transaction.atomic():
        for registration in recipients.select_related("conference"):
            if mail.queue_mail(
                registration=registration,
                template="programme_mailing",
                dedup_key=f"programme-mailing-{conference.pk}",
            ):
                sent += 1
    return sent

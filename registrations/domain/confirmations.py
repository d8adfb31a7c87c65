"""The mails that confirm a registration or send its link again: what a person gets in writing."""

from django.db import transaction
from django.utils import timezone

from ..documents import calendar as documents_calendar
from ..documents.invoice import invoice_attachment
from ..models import Registration
from ..queries.deadlines import due_binding_reminders
from ..queries.invoices import current_invoice
from ..queries.places import waiting_position
from ..rules.windows import binding_deadline_of
from . import outbox

PLACE_CONFIRMATION = "pre_registration_confirmed"


def calendar_programme(conference):
    """The programme items the personal calendar is built from: read them before taking locks."""
    return documents_calendar.calendar_programme(conference)


def _confirmation_context(registration, *, evening_events=None):
    bookings = list(
        registration.workshop_bookings.select_related("phase", "workshop").order_by("phase__number")
    )
    if evening_events is None:
        evening_events = list(registration.evening_events.order_by("starts_at"))
    else:
        evening_events = sorted(evening_events, key=lambda item: item.starts_at)
    return {
        "workshop_bookings": bookings,
        "evening_events": evening_events,
        "position": waiting_position(registration),
    }


_UNKNOWN = object()


def queue_confirmation(
    registration,
    *,
    template=None,
    dedup_key=None,
    context=None,
    programme=None,
    invoice=_UNKNOWN,
    evening_events=None,
):
    """The confirmation of a binding registration with the person's own calendar and, if issued, the invoice.

    A caller that has them already passes the `programme` items (calendar_programme(),
    best read before taking the locks), the registration's valid `invoice` (or None)
    and its `evening_events`; otherwise they are looked up here.
    """
    if template is None:
        template = "registration_confirmed" if registration.holds_place else "registration_waiting"
    if invoice is _UNKNOWN:
        invoice = current_invoice(registration) if registration.holds_place else None
    elif not registration.holds_place:
        invoice = None
    confirmation = _confirmation_context(registration, evening_events=evening_events)
    ics = documents_calendar.personal_ical(
        registration,
        items=programme,
        evening_events=confirmation["evening_events"],
        bookings=confirmation["workshop_bookings"],
    )
    attachments = [(documents_calendar.personal_calendar_filename(registration), ics, "text/calendar")]
    if invoice is not None:
        attachments.append(invoice_attachment(invoice))
    return outbox.queue_mail(
        registration=registration,
        template=template,
        context={
            **confirmation,
            "invoice": invoice,
            **(context or {}),
        },
        dedup_key=dedup_key,
        attachments=attachments,
    )


def resend_link(*, registration):
    """Send the personal link again to the address on file."""
    return outbox.queue_mail(registration=registration, template="link_resent")


def programme_mailing_key(conference):
    return f"programme-mailing-{conference.pk}"


def programme_mailing_recipients(*, conference, registrations=None):
    """Who the programme mailing reaches now: the active pre-registrations of `conference` among
    `registrations` (all of them when None) that have not had it yet."""
    recipients = Registration.objects.filter(conference=conference, stage=Registration.Stage.PRE).exclude(
        status=Registration.Status.CANCELLED
    )
    if registrations is not None:
        recipients = recipients.filter(pk__in=registrations.values("pk"))
    return recipients.exclude(mails__dedup_key=programme_mailing_key(conference))


def send_programme_mailing(*, conference, registrations=None):
    """Send the programme and the link to the binding form, once, to the active pre-registrations
    of `conference` among `registrations` (the office's selection; all of them when None).

    Returns the number of mails queued now (people who already got it are skipped).
    """
    sent = 0
    recipients = programme_mailing_recipients(conference=conference, registrations=registrations)
    with transaction.atomic():
        for registration in recipients.select_related("conference").order_by("pk"):
            if outbox.queue_mail(
                registration=registration,
                template="programme_mailing",
                context={"binding_deadline": binding_deadline_of(registration)},
                dedup_key=programme_mailing_key(conference),
            ):
                sent += 1
    return sent


def send_binding_reminders(*, now=None):
    """Remind every pre-registered person of the binding deadline once, when the conference's
    reminder is due (queries.deadlines.due_binding_reminders); recorded on the registration.

    Each person in a transaction of their own, the row locked, so two runs at once never
    mail anyone twice. Returns the number of mails queued.
    """
    now = now or timezone.now()
    sent = 0
    for candidate in due_binding_reminders(now=now):
        with transaction.atomic():
            registration = (
                due_binding_reminders(now=now).select_for_update(of=("self",)).filter(pk=candidate.pk).first()
            )
            if registration is None:
                continue  # reminded, registered or cancelled meanwhile
            deadline = binding_deadline_of(registration, now=now)
            if deadline is None:
                continue
            registration.binding_reminder_sent_at = now
            registration.save(update_fields=["binding_reminder_sent_at", "updated_at"])
            if outbox.queue_mail(
                registration=registration,
                template="binding_reminder",
                context={"binding_deadline": deadline, "position": waiting_position(registration)},
                dedup_key=f"binding-reminder-{registration.conference_id}",
            ):
                sent += 1
    return sent

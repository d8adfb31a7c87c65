"""The mails that confirm a registration or send its link again: what a person gets in writing."""

from django.db import transaction
from django.utils import timezone

from ..documents import calendar as documents_calendar
from ..documents.invoice import invoice_attachment
from ..models import Invoice, Registration
from ..queries.deadlines import due_binding_reminders
from ..queries.invoices import current_invoice
from ..queries.places import waiting_position
from ..rules.windows import binding_deadline_of
from . import outbox

PLACE_CONFIRMATION = "pre_registration_confirmed"


def calendar_programme(conference):
    """The programme items the personal calendar is built from: read them before taking locks."""
    return documents_calendar.calendar_programme(conference)


_UNKNOWN = object()


def _confirmation_context(registration, *, evening_events=None, position=_UNKNOWN):
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
        "position": waiting_position(registration) if position is _UNKNOWN else position,
    }


def _confirmation_mail(registration, *, template, invoice, context, programme, evening_events, position):
    """The confirmation's text and attachments: the person's calendar and, if issued, the invoice."""
    confirmation = _confirmation_context(registration, evening_events=evening_events, position=position)
    ics = documents_calendar.personal_ical(
        registration,
        items=programme,
        evening_events=confirmation["evening_events"],
        bookings=confirmation["workshop_bookings"],
    )
    attachments = [(documents_calendar.personal_calendar_filename(registration), ics, "text/calendar")]
    if invoice is not None:
        attachments.append(invoice_attachment(invoice))
    rendered = outbox.render_for(
        registration=registration,
        template=template,
        context={**confirmation, "invoice": invoice, **(context or {})},
    )
    return rendered, attachments


DEFERRED_CONFIRMATION = "confirmation"


def _render_deferred_confirmation(
    mail, spec, *, registration=None, invoice=None, programme=None, evening_events=None
):
    """The renderer of a confirmation queued with `deferred=True` (outbox.render_deferred).

    The caller's objects when it still holds them (right after its transaction), otherwise
    read now: the registration, its workshop bookings and evening events as committed, the
    invoice issued with it (by its primary key, so the attachment is exactly that invoice),
    the waiting position as it was under the lock.
    """
    if registration is None or registration.pk != mail.registration_id:
        registration = Registration.objects.select_related("conference").get(pk=mail.registration_id)
        evening_events = None
    if spec["invoice"] is None:
        invoice = None
    elif invoice is None or invoice.pk != spec["invoice"]:
        invoice = Invoice.objects.get(pk=spec["invoice"])
    return _confirmation_mail(
        registration,
        template=spec["template"],
        invoice=invoice,
        context=spec["context"],
        programme=programme,
        evening_events=evening_events,
        position=spec["position"],
    )


outbox.DEFERRED_RENDERERS[DEFERRED_CONFIRMATION] = _render_deferred_confirmation


def queue_confirmation(
    registration,
    *,
    template=None,
    dedup_key=None,
    context=None,
    programme=None,
    invoice=_UNKNOWN,
    evening_events=None,
    deferred=False,
):
    """The confirmation of a binding registration with the person's own calendar and, if issued, the invoice.

    A caller that has them already passes the `programme` items (calendar_programme(),
    best read before taking the locks), the registration's valid `invoice` (or None)
    and its `evening_events`; otherwise they are looked up here.

    `deferred=True` records the mail without its text (outbox.queue_deferred): the caller holds
    the conference lock and renders it right after its transaction with
    outbox.render_deferred_after_commit(mail, registration=..., invoice=..., programme=...,
    evening_events=...). What the text needs from under the lock (the waiting position, which
    invoice, `context`, which must be JSON) is stored with it.
    """
    if template is None:
        template = "registration_confirmed" if registration.holds_place else "registration_waiting"
    if invoice is _UNKNOWN:
        invoice = current_invoice(registration) if registration.holds_place else None
    elif not registration.holds_place:
        invoice = None
    if deferred:
        return outbox.queue_deferred(
            registration=registration,
            template=template,
            renderer=DEFERRED_CONFIRMATION,
            spec={
                "invoice": invoice.pk if invoice is not None else None,
                "position": waiting_position(registration),
                "context": context or {},
            },
            dedup_key=dedup_key,
        )
    rendered, attachments = _confirmation_mail(
        registration,
        template=template,
        invoice=invoice,
        context=context,
        programme=programme,
        evening_events=evening_events,
        position=_UNKNOWN,
    )
    return outbox.queue_mail(
        registration=registration,
        template=template,
        dedup_key=dedup_key,
        attachments=attachments,
        rendered=rendered,
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

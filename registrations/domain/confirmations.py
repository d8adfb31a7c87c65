"""The mails that confirm a registration or send its link again: what a person gets in writing."""

from django.db import transaction

from ..documents.invoice import invoice_attachment
from ..models import Registration
from ..queries.invoices import current_invoice
from ..queries.places import waiting_position
from . import outbox

PLACE_CONFIRMATION = "pre_registration_confirmed"


def conference_ics(conference):
    """The conference as an iCal file (the published programme, or one event for the whole conference).

    The same file for everyone: a public programme's file comes from the cache
    (programme.ical.conference_ical), so call it before taking locks.
    """
    from programme.ical import conference_ical

    return conference_ical(conference)


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
    ics=None,
    invoice=_UNKNOWN,
    evening_events=None,
):
    """The confirmation of a binding registration with the iCal file and, if issued, the invoice.

    A caller that has them already passes the iCal file (`ics`, best computed
    before taking the locks), the registration's valid `invoice` (or None) and
    its `evening_events`; otherwise they are looked up here.
    """
    conference = registration.conference
    if template is None:
        template = "registration_confirmed" if registration.holds_place else "registration_waiting"
    if ics is None:
        ics = conference_ics(conference)
    if invoice is _UNKNOWN:
        invoice = current_invoice(registration) if registration.holds_place else None
    elif not registration.holds_place:
        invoice = None
    attachments = [(f"{conference.slug}.ics", ics, "text/calendar")]
    if invoice is not None:
        attachments.append(invoice_attachment(invoice))
    return outbox.queue_mail(
        registration=registration,
        template=template,
        context={
            **_confirmation_context(registration, evening_events=evening_events),
            "invoice": invoice,
            **(context or {}),
        },
        dedup_key=dedup_key,
        attachments=attachments,
    )


def resend_link(*, registration):
    """Send the personal link again to the address on file."""
    return outbox.queue_mail(registration=registration, template="link_resent")


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
            if outbox.queue_mail(
                registration=registration,
                template="programme_mailing",
                dedup_key=f"programme-mailing-{conference.pk}",
            ):
                sent += 1
    return sent

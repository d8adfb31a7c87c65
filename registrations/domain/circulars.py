"""Rundschreiben: the office writes one text to a selection of people; each gets a mail of their own.

The mails go through the outbox like every other (queued, then delivered by the task workers), one
per person, always to that person's own address: the personal link in `{{ persoenlicher_link }}`
never reaches an accounts office. A Rundschreiben is sent once: the confirmation page carries a
one-time key, and a second click finds the Rundschreiben the first one made.
"""

import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import RegistrationError

from ..documents.circulars import placeholder_values
from ..models import Circular, CircularRecipient, Registration
from ..rules.circulars import PLACEHOLDERS, SUBJECT_PLACEHOLDERS, fill_placeholders, placeholder_errors
from . import outbox

TEMPLATE = "circular"


class CircularError(RegistrationError):
    """A Rundschreiben that cannot go out as written; `field` names the form field it belongs to."""

    def __init__(self, message, *, field=None):
        super().__init__(message)
        self.field = field


def new_submission_key():
    return secrets.token_urlsafe(24)


def text_errors(*, subject, body):
    """{field: [German errors]} for a subject and body as the office typed them."""
    errors = {
        "subject": placeholder_errors(subject, allowed=SUBJECT_PLACEHOLDERS),
        "body": placeholder_errors(body, allowed=tuple(PLACEHOLDERS)),
    }
    return {field: messages for field, messages in errors.items() if messages}


def _ensure_valid(subject, body):
    for field, messages in text_errors(subject=subject, body=body).items():
        raise CircularError(messages[0], field=field)


def render_circular_mail(*, subject, body, registration):
    """The mail `registration` gets, exactly as queue_mail records it (the preview shows this one)."""
    _ensure_valid(subject, body)
    language = outbox.mail_language(registration)
    values = placeholder_values(
        registration, language=language, personal_url=outbox.personal_url(registration)
    )
    return outbox.render_for(
        registration=registration,
        template=TEMPLATE,
        context={
            "circular_subject": fill_placeholders(subject, values),
            "circular_text": fill_placeholders(body, values),
        },
    )


def circular_recipients(registrations):
    """Who a selection reaches: each person once, only those with an address (not anonymised)."""
    return list(
        Registration.objects.filter(pk__in=registrations.values("pk"))
        .exclude(email="")
        .filter(anonymised_at__isnull=True)
        .select_related("conference")
        .order_by("last_name", "first_name", "pk")
    )


def send_circular(*, conference, subject, body, registrations, author, submission_key, source=""):
    """Record the Rundschreiben and queue one mail per recipient; returns (circular, created).

    Only the given `registrations` of `conference` are written to. With a `submission_key` already
    used, nothing is sent again and the existing Rundschreiben is returned with created=False.
    """
    _ensure_valid(subject, body)
    existing = Circular.objects.filter(submission_key=submission_key).first()
    if existing is not None:
        return existing, False
    recipients = circular_recipients(registrations)
    if not recipients:
        raise CircularError(_("Die Auswahl enthält niemanden mit E-Mail-Adresse."))
    if any(registration.conference_id != conference.pk for registration in recipients):
        raise CircularError(_("Ein Rundschreiben geht an die Personen einer einzigen Tagung."))
    # Render before writing: a template error leaves nothing half recorded.
    rendered = [
        (registration, render_circular_mail(subject=subject, body=body, registration=registration))
        for registration in recipients
    ]
    try:
        with transaction.atomic():
            circular = Circular.objects.create(
                conference=conference,
                subject=subject,
                body=body,
                source=source,
                author=author,
                submission_key=submission_key,
            )
            rows = []
            for registration, mail in rendered:
                queued = outbox.queue_mail(
                    registration=registration,
                    template=TEMPLATE,
                    dedup_key=f"circular-{circular.pk}",
                    rendered=mail,
                )
                rows.append(CircularRecipient(circular=circular, registration=registration, mail=queued))
            CircularRecipient.objects.bulk_create(rows)
            circular.queued_at = timezone.now()
            circular.save(update_fields=["queued_at"])
    except IntegrityError:
        # The same confirmation posted twice at once: the other request recorded and queued it.
        existing = Circular.objects.filter(submission_key=submission_key).first()
        if existing is None:
            raise
        return existing, False
    return circular, True

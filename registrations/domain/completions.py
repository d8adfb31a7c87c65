"""An address that is registered already: what a public form brought is kept, never dropped.

The one rule for every public form (pre-registration, binding registration): when the form
names an address whose person has an active registration of the conference, nothing about it
is shown to the visitor (the page is the one a new address gets) and nothing they typed is
thrown away. It is kept as a PendingCompletion, and the address on file gets a mail with a
link that shows what would change and applies it with one click (lifecycle.apply_completion,
through the usual domain functions). When the form brought nothing new, the mail only sends
the personal link again.

A submission carries a hidden token; a repeat of an accepted one (same token, same data: a
double click) gets the first outcome again, with no second registration and no second mail.
"""

import datetime as dt

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.exceptions import RegistrationError

from ..models import FormSubmission, PendingCompletion
from ..queries.completions import (
    completion_plan,
    earlier_submission,
    fingerprint,
    storable_data,
    submission_token,
)
from . import outbox


def completion_expiry(now):
    """When a completion made now stops being applicable (settings.PENDING_COMPLETION_HOURS)."""
    return now + dt.timedelta(hours=settings.PENDING_COMPLETION_HOURS)


def completion_url(completion):
    return f"{settings.SITE_URL}{completion.get_absolute_url()}"


def repeated_submission(data):
    """The registration an accepted submission with the same token and data led to, or None."""
    earlier = earlier_submission(data)
    return earlier.registration if earlier is not None else None


def remember_submission(data, *, registration, completion=None):
    """Record that the submission in `data` was accepted and what it led to (no token: nothing)."""
    token = submission_token(data)
    if token:
        FormSubmission.objects.create(
            token=token, fingerprint=fingerprint(data), registration=registration, completion=completion
        )


def keep_for_owner(*, registration, form, data, now):
    """Keep what a public `form` brought for the person's existing `registration` and mail the owner.

    Runs inside the caller's transaction with the conference row locked. Older open completions
    of the registration are superseded: only the newest input can be applied. Returns the new
    PendingCompletion, or None when the form brought nothing that differs (the mail then sends
    the personal link again).
    """
    stored = storable_data(data)
    with translation.override(outbox.mail_language(registration)):  # the plan's labels go into the mail
        plan = completion_plan(registration, stored, form)
        form_name = str(PendingCompletion.Form(form).label)
    completion = None
    if plan.changes_anything or plan.not_applied:
        PendingCompletion.objects.filter(
            registration=registration, applied_at__isnull=True, superseded_at__isnull=True
        ).update(superseded_at=now)
        completion = PendingCompletion.objects.create(
            registration=registration,
            form=form,
            data=stored,
            created_at=now,
            expires_at=completion_expiry(now),
        )
        outbox.queue_mail(
            registration=registration,
            template="completion_pending",
            context={
                "completion": completion,
                "completion_url": completion_url(completion),
                "plan": plan,
                "form_name": form_name,
            },
        )
    else:
        outbox.queue_mail(registration=registration, template="link_resent")
    remember_submission(data, registration=registration, completion=completion)
    return completion


class CompletionClosed(RegistrationError):
    """The completion cannot be applied (any more): applied, superseded or expired; the message says which."""


def closed_reason(completion, now=None):
    """Why the completion cannot be applied, in German, or "" while it can."""
    now = now or timezone.now()
    if completion.applied_at is not None:
        return _("Diese Angaben haben Sie bereits übernommen.")
    if completion.superseded_at is not None:
        return _(
            "Für Ihre Anmeldung kamen danach neuere Angaben. Bitte verwenden Sie den Link aus der "
            "neuesten E-Mail."
        )
    if completion.expires_at <= now:
        return _(
            "Dieser Link ist abgelaufen; die Angaben haben wir nicht übernommen. Ihre Anmeldung ist "
            "unverändert. Sie können das Formular über Ihren persönlichen Link erneut ausfüllen."
        )
    return ""


def lock_open_completion(completion, *, now):
    """Lock the completion's row and return it; CompletionClosed when it can no longer be applied.

    Runs inside the caller's transaction, after the conference row is locked."""
    completion = (
        PendingCompletion.objects.select_for_update()
        .select_related("registration__conference")
        .get(pk=completion.pk)
    )
    reason = closed_reason(completion, now)
    if reason:
        raise CompletionClosed(reason)
    return completion


def mark_applied(completion, *, now):
    """The completion was applied: it cannot be applied again, and the typed data is not kept twice."""
    completion.applied_at = now
    completion.data = {}
    completion.save(update_fields=["applied_at", "data"])
    return completion

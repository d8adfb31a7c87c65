"""The outbox: mails are recorded in the database with the data that caused them
and delivered only after that data is committed. A failed delivery stays in the
outbox and is retried with growing pauses, so a mail server that is down for a
day loses nothing.
"""

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template import Context
from django.template.loader import render_to_string, select_template
from django.utils import timezone, translation

from ..documents.einvoice import cii_xml
from ..documents.invoice import XML_MIMETYPE, invoice_pdf
from ..models import OutgoingMail, OutgoingMailAttachment

logger = logging.getLogger(__name__)

# Pause before the n-th retry; the last value repeats.
RETRY_DELAYS = [dt.timedelta(minutes=m) for m in (1, 5, 15, 30, 60)]
# A claimed mail is not picked up by another worker for this long.
CLAIM_LEASE = dt.timedelta(minutes=5)


def personal_url(registration):
    return f"{settings.SITE_URL}{registration.get_absolute_url()}"


def _header_safe(value):
    """Mail headers never contain line breaks, whatever a user typed."""
    return " ".join(str(value).split())


def _render_subject(names, context):
    """A subject is plain text: rendered without HTML escaping ("Stadt & Land", not "Stadt &amp; Land")."""
    compiled = select_template(names).template
    return compiled.render(Context(context, autoescape=False))


def fit_subject(subject):
    """A subject that fits the outbox column: cut at a word with "…" (a long workshop title must not
    turn a move-up into a database error)."""
    limit = OutgoingMail._meta.get_field("subject").max_length
    subject = _header_safe(subject)
    if len(subject) <= limit:
        return subject
    cut = subject[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip() + "…"


def render_mail(template, context, language="de"):
    """Render subject, plain text and HTML of a mail template in `language` (German by default).

    A mail written out per language lives in registrations/mails/<language>/; otherwise
    the one template is rendered with its {% translate %} strings in that language.
    """
    context = {"association": settings.ASSOCIATION, "site_url": settings.SITE_URL, **context}

    def names(name):
        found = [f"registrations/mails/{name}"]
        if language != settings.LANGUAGE_CODE:
            found.insert(0, f"registrations/mails/{language}/{name}")
        return found

    with translation.override(language):
        subject = _render_subject(names(f"{template}_subject.txt"), context)
        text = render_to_string(names(f"{template}.txt"), context)
        html = render_to_string(names(f"{template}.html"), context)
    return fit_subject(subject), text, html


def mail_language(registration, to=None):
    """A participant is written to in their registration's language; anyone else (the accounts
    office at a billing address) in German."""
    if registration is None or (to and to.strip().lower() != registration.email):
        return settings.LANGUAGE_CODE
    return getattr(registration, "language", "") or settings.LANGUAGE_CODE


@dataclass(frozen=True)
class RenderedMail:
    template: str
    to: str
    subject: str
    text: str
    html: str


def render_for(*, registration, template, context=None, to=None, with_personal_link=True):
    """Render a mail to `registration` (or `to`) as queue_mail would, without recording it.

    Lets a caller render before it takes a lock, when it knows what the mail will say.
    `with_personal_link=False` for a mail meant to be forwarded (to an accounts office):
    its template cannot even reach the secret link.
    """
    context = {
        "registration": registration,
        "conference": registration.conference if registration else None,
        "personal_url": personal_url(registration) if registration and with_personal_link else None,
        **(context or {}),
    }
    subject, text, html = render_mail(template, context, mail_language(registration, to))
    return RenderedMail(template, _header_safe(to or registration.email), subject, text, html)


def queue_mail(
    *,
    registration,
    template,
    context=None,
    to=None,
    cc="",
    kind=None,
    with_personal_link=True,
    dedup_key=None,
    attachments=(),
    rendered=None,
):
    """Record a mail to `registration` (or `to`, with `cc` in copy) and deliver it once the transaction commits.

    `kind` defaults to the template's name; an accounts-office variant of a mail keeps the
    kind of the mail it stands for (an invoice mail, a reminder).

    Returns the OutgoingMail, or None when a mail with the same `dedup_key` was
    already queued for this registration (a mailing never reaches anyone twice).
    `attachments` holds (filename, content, mimetype) tuples or unsaved
    OutgoingMailAttachment objects (e.g. an invoice attached by reference).
    `rendered` is the mail from render_for(), when the caller rendered it already.
    """
    if rendered is None:
        rendered = render_for(
            registration=registration,
            template=template,
            context=context,
            to=to,
            with_personal_link=with_personal_link,
        )
    elif rendered.template != template:
        raise ValueError(f"Rendered {rendered.template!r}, asked to queue {template!r}")
    mail = _create_mail(
        attachments,
        registration=registration,
        kind=kind or template,
        dedup_key=dedup_key,
        to=rendered.to,
        cc=_header_safe(cc),
        subject=rendered.subject,
        body_text=rendered.text,
        body_html=rendered.html,
    )
    if mail is not None:
        transaction.on_commit(lambda: _enqueue_delivery(mail.pk))
    return mail


def _create_mail(attachments, **fields):
    """Write the mail and its attachments together; None when its dedup key was used already.

    Only a mail with a dedup key needs a savepoint: its duplicate is expected and swallowed
    here; any other error rolls back the caller's transaction as well."""
    try:
        with transaction.atomic(savepoint=fields["dedup_key"] is not None):
            mail = OutgoingMail.objects.create(**fields)
            _add_attachments(mail, attachments)
    except IntegrityError:
        if fields["dedup_key"] is None:
            raise
        return None
    return mail


# Renderers of deferred mails (queue_deferred), by the name in the mail's render_spec. The domain
# module that queues such a mail registers its renderer when imported (the app's ready() imports it).
DEFERRED_RENDERERS = {}


DEFERRED_MAIL = "mail"


def _render_deferred_mail(mail, spec, *, registration=None):
    """The renderer of a plain mail to its registration (queue_deferred with renderer=DEFERRED_MAIL):
    the template with the JSON `context` stored under the lock, no attachments."""
    if registration is None or registration.pk != mail.registration_id:
        registration = mail.registration
    return render_for(registration=registration, template=spec["template"], context=spec["context"]), []


DEFERRED_RENDERERS[DEFERRED_MAIL] = _render_deferred_mail


def queue_deferred(*, registration, template, renderer, spec, kind=None, dedup_key=None):
    """Record a mail to `registration` now and render its text once the caller's transaction is over.

    For a mail queued inside a locked transaction: the row (recipient, kind and `spec`, the JSON
    of what its text needs besides the rows it reads then: numbers, flags, primary keys) is
    written with the caller's data, so it is never lost, and nobody waits for the conference
    lock while templates render. The caller renders it right after its transaction
    (render_deferred, with the objects it holds); deliver_mail renders it first if that never
    happened. `renderer` names a function in DEFERRED_RENDERERS. Returns the OutgoingMail, or
    None for a duplicate `dedup_key` (as queue_mail).
    """
    if renderer not in DEFERRED_RENDERERS:
        raise ValueError(f"No renderer {renderer!r} for deferred mails")
    mail = _create_mail(
        (),
        registration=registration,
        kind=kind or template,
        dedup_key=dedup_key,
        to=_header_safe(registration.email),
        subject="",
        body_text="",
        render_spec={"renderer": renderer, "template": template, **spec},
    )
    # Its delivery is queued by render_deferred_after_commit, once the text is written; should
    # the process stop before, the mail is due all the same (deliver_due_mails, every 5 minutes).
    return mail


def render_deferred(mail, **known):
    """Render a mail queued with queue_deferred: subject, texts and attachments, written at once.

    `known` are objects the caller holds already (the registration, ...) for the renderer, to
    spare queries. Safe to call from two processes at once (the request that queued it and a
    worker delivering due mails): only a mail still waiting for its text is written, in one transaction
    with its attachments, so it gets one text and one set of attachments. Returns True when
    this call wrote it.
    """
    spec = mail.render_spec
    if spec is None:
        return False
    # The renderer's reads are in the same transaction (a savepoint inside the caller's): a
    # database error while rendering then rolls back only this, and a caller that holds a
    # transaction of its own (a completion registering bindingly) keeps it usable.
    with transaction.atomic():
        rendered, attachments = DEFERRED_RENDERERS[spec["renderer"]](mail, spec, **known)
        if rendered.template != spec["template"]:
            raise ValueError(f"Rendered {rendered.template!r} for a deferred {spec['template']!r}")
        written = OutgoingMail.objects.filter(pk=mail.pk, render_spec__isnull=False).update(
            subject=rendered.subject, body_text=rendered.text, body_html=rendered.html, render_spec=None
        )
        if written:
            _add_attachments(mail, attachments)
    if written:
        mail.subject, mail.body_text, mail.body_html = rendered.subject, rendered.text, rendered.html
        mail.render_spec = None
    return bool(written)


def render_deferred_after_commit(mail, **known):
    """render_deferred for the request that queued the mail, right after its transaction, then its
    delivery is queued (once the outermost transaction commits). A failure to render is logged,
    not raised: what the person did is committed, and delivery renders the mail again."""
    if mail is None:
        return
    try:
        render_deferred(mail, **known)
    except Exception:
        logger.exception("Could not render deferred mail %s; delivery renders it", mail.pk)
    transaction.on_commit(lambda: _enqueue_delivery(mail.pk))


def _add_attachments(mail, attachments):
    rows = []
    for attachment in attachments:
        if not isinstance(attachment, OutgoingMailAttachment):
            name, content, mimetype = attachment
            attachment = OutgoingMailAttachment(filename=name, mimetype=mimetype, content=content)
        attachment.mail = mail
        rows.append(attachment)
    if rows:
        OutgoingMailAttachment.objects.bulk_create(rows)


def _enqueue_delivery(mail_id):
    from ..tasks import deliver_mail_task

    try:
        deliver_mail_task.enqueue(mail_id)
    except Exception:  # the outbox keeps the mail; `send_queued_mails` retries it
        logger.exception("Could not enqueue delivery of mail %s", mail_id)


def _claim(mail_id, now):
    """Take the mail for delivery unless it is sent or another worker holds it."""
    claimed = (
        OutgoingMail.objects.filter(pk=mail_id)
        .exclude(status=OutgoingMail.Status.SENT)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(next_attempt_at=now + CLAIM_LEASE)
    )
    return claimed == 1


def _attachment_content(attachment):
    """Stored bytes, or the referenced invoice rendered now (outside any lock): its XML or its PDF."""
    if attachment.invoice_id is not None and attachment.mimetype == XML_MIMETYPE:
        return cii_xml(attachment.invoice)
    if attachment.invoice_id is not None:
        return invoice_pdf(attachment.invoice)
    return bytes(attachment.content)


def deliver_mail(mail_id):
    """Try to send one outbox mail; record success or the error and when to retry."""
    now = timezone.now()
    if not _claim(mail_id, now):
        return False
    mail = OutgoingMail.objects.prefetch_related("attachments").get(pk=mail_id)
    if mail.render_spec is not None:
        # Queued with queue_deferred and not rendered yet (the process that queued it stopped
        # in between, or this worker came first): render it now, then read what was written.
        try:
            render_deferred(mail)
        except Exception as error:
            return _failed(mail, mail.attempts + 1, error)
        mail = OutgoingMail.objects.prefetch_related("attachments").get(pk=mail_id)
    message = EmailMultiAlternatives(
        subject=mail.subject,
        body=mail.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[mail.to],
        cc=[mail.cc] if mail.cc else None,
        reply_to=[settings.ASSOCIATION["email"]],
    )
    if mail.body_html:
        message.attach_alternative(mail.body_html, "text/html")
    attempts = mail.attempts + 1
    try:
        for attachment in mail.attachments.all():
            message.attach(attachment.filename, _attachment_content(attachment), attachment.mimetype)
        message.send(using="default")
    except Exception as error:  # any failure of the mail server is retried later
        return _failed(mail, attempts, error)
    OutgoingMail.objects.filter(pk=mail.pk).update(
        status=OutgoingMail.Status.SENT,
        attempts=attempts,
        sent_at=timezone.now(),
        next_attempt_at=None,
        last_error="",
    )
    return True


def _failed(mail, attempts, error):
    delay = RETRY_DELAYS[min(attempts, len(RETRY_DELAYS)) - 1]
    OutgoingMail.objects.filter(pk=mail.pk).update(
        status=OutgoingMail.Status.FAILED,
        attempts=attempts,
        last_error=f"{type(error).__name__}: {error}"[:2000],
        next_attempt_at=timezone.now() + delay,
    )
    logger.warning("Mail %s not delivered (attempt %s): %s", mail.pk, attempts, type(error).__name__)
    return False


def deliver_due_mails(*, limit=500):
    """Deliver every queued or failed mail whose retry time has come. Returns (sent, failed)."""
    now = timezone.now()
    due = list(
        OutgoingMail.objects.exclude(status=OutgoingMail.Status.SENT)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    sent = failed = 0
    for mail_id in due:
        if deliver_mail(mail_id):
            sent += 1
        else:
            failed += 1
    return sent, failed


def retry_now(mail_ids):
    """Make unsent mails due at once and queue their delivery (the office's 'Jetzt erneut senden').

    The task workers deliver them, not the office's web request. Returns how many were made due.
    """
    with transaction.atomic():
        due = list(
            OutgoingMail.objects.filter(pk__in=mail_ids)
            .exclude(status=OutgoingMail.Status.SENT)
            .values_list("pk", flat=True)
        )
        OutgoingMail.objects.filter(pk__in=due).update(next_attempt_at=None)
        for mail_id in due:
            transaction.on_commit(lambda mail_id=mail_id: _enqueue_delivery(mail_id))
    return len(due)

"""Data protection (DSGVO): anonymise what we no longer need ("shredder", as pretix calls it).

Personal data of a registration is kept while the conference is being prepared
and RETENTION_MONTHS (default 12) after it ended: for questions, certificates,
the next invitation. Then the person's data goes: names, addresses, notes,
needs, billing data, the bodies, recipients and attachments of the mails we
sent, payment notes, the audit-trail rows that still hold the old values and
stored list exports of the conference (also when one person is anonymised on request). The rows themselves stay (anonymised),
so counts and statistics still add up.

Invoices are accounting records: German law (§ 147 AO, § 14b UStG) requires
keeping them, with recipient and participant name, for INVOICE_RETENTION_YEARS
(8) after the end of the calendar year they were issued in. They survive the
registration's anonymisation untouched and are anonymised once that period is
over. Bank statements are accounting records too (Kontoauszüge, § 147 AO): a credit's payer,
IBAN and remittance text are blanked on the same schedule (`anonymise_bank_data`), the uploaded
statement files are deleted then, and an upload nobody booked goes after a month. The same
service serves the daily command (`anonymise_registrations`)
and the office's admin action for a person's deletion request.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import RegistrationError

from ..models import (
    BankStatementImport,
    BankTransaction,
    GroupRegistration,
    InvitationContact,
    Invoice,
    OutgoingMail,
    OutgoingMailAttachment,
    Payment,
    PendingCompletion,
    Registration,
    new_checkin_token,
    new_token,
)

ANONYMISED = "anonymisiert"

# Personal fields of a registration and what they become. Everything a person
# typed or that identifies them; status, dates, fee and stage stay.
_BLANKED_FIELDS = (
    "academic_title",
    "organisation",
    "position",
    "member_number",
    "note",
    "billing_organisation",
    "billing_department",
    "billing_street",
    "billing_postcode",
    "billing_city",
    "billing_email",
    "order_number",
    "cost_centre",
    "leitweg_id",
    "dietary_needs",
    "accessibility_needs",
    "substitution_note",
    "refund_account_holder",
    "refund_iban",
)

_INVOICE_PERSONAL_FIELDS = ("recipient_email", "order_number", "cost_centre", "leitweg_id")


def months_before(moment, months):
    """The same day and time `months` months earlier (clamped to the month's last day)."""
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    for day in (moment.day, 30, 29, 28):
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    raise ValueError(moment)  # pragma: no cover - day 28 exists in every month


def invoice_retention_ends(invoice, *, years=None):
    """The last day an invoice must be kept: end of the issue year plus `years` years."""
    years = settings.INVOICE_RETENTION_YEARS if years is None else years
    return dt.date(invoice.issued_on.year + years, 12, 31)


def anonymised_email(registration_id):
    return f"{ANONYMISED}-{registration_id}@example.invalid"


@dataclass
class RetentionPlan:
    """What a run would do; `anonymise_registrations --dry-run` prints it."""

    cutoff: dt.datetime
    invoice_cutoff_year: int
    registrations: list = field(default_factory=list)
    invoices_kept: list = field(default_factory=list)
    invoices_due: list = field(default_factory=list)


def registrations_due(*, now=None, months=None):
    """Registrations not yet anonymised whose conference ended more than `months` months ago."""
    now = now or timezone.now()
    months = settings.RETENTION_MONTHS if months is None else months
    return (
        Registration.objects.filter(
            anonymised_at__isnull=True, conference__ends_at__lt=months_before(now, months)
        )
        .select_related("conference")
        .order_by("conference__ends_at", "pk")
    )


def invoices_due(*, today=None, years=None):
    """Invoices whose retention period is over and that still hold personal data."""
    today = today or timezone.localdate()
    years = settings.INVOICE_RETENTION_YEARS if years is None else years
    # Retention ends on 31 Dec of (issue year + years): due from the year after.
    return Invoice.objects.filter(
        anonymised_at__isnull=True, issued_on__year__lt=today.year - years
    ).order_by("issued_on", "pk")


def plan_retention(*, now=None, months=None, years=None):
    """Collect what a run at `now` would anonymise and which invoices it keeps."""
    now = now or timezone.now()
    months = settings.RETENTION_MONTHS if months is None else months
    years = settings.INVOICE_RETENTION_YEARS if years is None else years
    today = timezone.localdate(now)
    registrations = list(
        registrations_due(now=now, months=months)
        .prefetch_related("invoices")
        .annotate(mail_count=Count("mails", distinct=True), payment_count=Count("payments", distinct=True))
    )
    due = list(invoices_due(today=today, years=years))
    due_ids = {invoice.pk for invoice in due}
    kept = [
        invoice
        for registration in registrations
        for invoice in registration.invoices.all()
        if invoice.pk not in due_ids and invoice.anonymised_at is None
    ]
    return RetentionPlan(
        cutoff=months_before(now, months),
        invoice_cutoff_year=today.year - years,
        registrations=registrations,
        invoices_kept=kept,
        invoices_due=due,
    )


def _delete_history(model, **filters):
    """Delete audit-trail rows (simple_history) that may still hold old personal values."""
    history = getattr(model, "history", None)
    if history is None:
        return 0
    deleted, _ = history.filter(**filters).delete()
    return deleted


def _export_job_model():
    try:
        return apps.get_model("exports", "ExportJob")
    except LookupError:
        return None


def anonymise_registration(*, registration, now=None, force=False):
    """Remove a person's data from their registration and everything attached to it.

    Invoices are kept as they are (accounting records). A registration that
    still holds a place or waits for one at a conference that has not ended is
    refused unless `force`: cancel it first, so the waiting list moves up.
    Returns the anonymised registration.
    """
    now = now or timezone.now()
    with transaction.atomic():
        registration = (
            Registration.objects.select_for_update().select_related("conference").get(pk=registration.pk)
        )
        if registration.anonymised_at is not None:
            return registration
        if not force and not registration.is_cancelled and registration.conference.ends_at > now:
            raise RegistrationError(
                _("%(name)s ist noch angemeldet. Bitte stornieren Sie die Anmeldung vor dem Anonymisieren.")
                % {"name": registration.full_name}
            )
        pk = registration.pk

        mails = OutgoingMail.objects.filter(registration_id=pk)
        OutgoingMailAttachment.objects.filter(mail__in=mails).delete()
        mails.update(
            to=anonymised_email(pk),
            subject=ANONYMISED,
            body_text="",
            body_html="",
            last_error="",
        )
        PendingCompletion.objects.filter(registration_id=pk).delete()  # what a form brought, unapplied
        Payment.objects.filter(registration_id=pk).exclude(note="").update(note="")
        _delete_history(Payment, registration_id=pk)

        keep_invitation_contact(registration)
        # The audit trail keeps only the row written below: who anonymised, when.
        _delete_history(Registration, id=pk)
        registration.salutation = Registration.Salutation.NONE
        registration.first_name = ANONYMISED
        registration.last_name = ANONYMISED
        registration.email = anonymised_email(pk)
        for name in _BLANKED_FIELDS:
            setattr(registration, name, "")
        registration.list_consent = False
        registration.token = new_token()  # the old personal link stops working
        registration.checkin_token = new_checkin_token()
        registration.anonymised_at = now
        registration.save()
        _anonymise_group_once_empty(registration.group_registration_id, now=now)
        delete_conference_exports(conference_id=registration.conference_id)
    return registration


def _anonymise_group_once_empty(group_id, *, now):
    """A group registration holds its contact's data: removed with its last member's (the employer's
    organisation stays, as on the invoices). Runs in the caller's transaction."""
    if (
        group_id is None
        or Registration.objects.filter(group_registration_id=group_id, anonymised_at=None).exists()
    ):
        return
    anonymise_group(GroupRegistration.objects.select_for_update().get(pk=group_id), now=now)


def anonymise_group(group, *, now):
    """Remove the contact's data from a group registration: names, addresses, the colleagues the
    form did not register, the audit trail and the mails to the contact that no colleague's
    registration carries (a group whose colleagues were all registered already). The employer's
    organisation and billing address stay, as on the invoices. Runs in the caller's transaction."""
    if group.anonymised_at is not None:
        return group
    group_id = group.pk
    OutgoingMail.objects.filter(
        registration__isnull=True, to=group.contact_email, kind="group_registered"
    ).update(
        to=f"{ANONYMISED}-gruppe-{group_id}@example.invalid", subject=ANONYMISED, body_text="", body_html=""
    )
    _delete_history(GroupRegistration, id=group_id)
    group.contact_first_name = ANONYMISED
    group.contact_last_name = ANONYMISED
    group.contact_email = f"{ANONYMISED}-gruppe-{group_id}@example.invalid"
    group.contact_phone = ""
    group.billing_email = ""
    group.not_registered = []
    group.token = new_token()  # the group link stops working
    group.anonymised_at = now
    group.save()
    return group


def groups_due(*, now=None, months=None):
    """Group registrations not yet anonymised whose conference ended more than `months` months ago
    and that no colleague's registration keeps (none, or all anonymised): the ones a colleague's
    anonymisation does not reach."""
    now = now or timezone.now()
    months = settings.RETENTION_MONTHS if months is None else months
    return (
        GroupRegistration.objects.filter(
            anonymised_at__isnull=True, conference__ends_at__lt=months_before(now, months)
        )
        .exclude(
            Exists(Registration.objects.filter(group_registration=OuterRef("pk"), anonymised_at__isnull=True))
        )
        .order_by("pk")
    )


def keep_invitation_contact(registration):
    """Before a registration is anonymised: the consent to future invitations keeps name and address.

    Only salutation, name, e-mail and language stay, in the InvitationContact row and for
    invitations only, no longer linked to the anonymised registration. An address that was
    never confirmed, or a person who asked for erasure, keeps nothing.
    """
    contacts = InvitationContact.objects.filter(registration_id=registration.pk)
    taken = InvitationContact.objects.filter(email=registration.email).exclude(
        registration_id=registration.pk
    )
    if registration.deletion_requested_at is not None or registration.awaits_confirmation or taken.exists():
        contacts.delete()
        return
    contacts.update(
        registration=None,
        salutation=registration.salutation,
        academic_title=registration.academic_title,
        first_name=registration.first_name,
        last_name=registration.last_name,
        email=registration.email,
        language=registration.language,
    )


def delete_conference_exports(*, conference_id):
    """Stored list exports of a conference may name anyone in it: after one of its registrations is
    anonymised they are deleted (the office exports again), so no file keeps the person's data."""
    ExportJob = _export_job_model()
    if ExportJob is None:
        return 0
    deleted, _ = ExportJob.objects.filter(conference_id=conference_id).delete()
    return deleted


def anonymise_invoice(*, invoice, now=None):
    """After the retention period: remove recipient and participant from an invoice."""
    now = now or timezone.now()
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if invoice.anonymised_at is not None:
            return invoice
        _delete_history(Invoice, id=invoice.pk)
        invoice.recipient = ANONYMISED
        invoice.participant_name = ANONYMISED
        for name in _INVOICE_PERSONAL_FIELDS:
            setattr(invoice, name, "")
        invoice.anonymised_at = now
        invoice.save()
    return invoice


def delete_old_exports(*, cutoff):
    """Stored list exports of conferences past retention hold names: delete them."""
    ExportJob = _export_job_model()
    if ExportJob is None:
        return 0
    deleted, _ = ExportJob.objects.filter(conference__ends_at__lt=cutoff).delete()
    return deleted


# An uploaded statement that was never booked is a review someone abandoned: deleted after this.
UNBOOKED_STATEMENT_DAYS = 30


def anonymise_bank_data(*, now, years=None):
    """Credits and statement files past the accounting retention (like invoices: end of the
    booking year + INVOICE_RETENTION_YEARS) lose the payer's name, IBAN and remittance text;
    their amounts, dates and bookings stay, so the payments still add up. Returns the count."""
    years = settings.INVOICE_RETENTION_YEARS if years is None else years
    cutoff_year = timezone.localdate(now).year - years
    with transaction.atomic():
        blanked = (
            BankTransaction.objects.filter(booked_on__year__lt=cutoff_year)
            .exclude(debtor_name=ANONYMISED, debtor_iban="", remittance="", note="")
            .update(debtor_name=ANONYMISED, debtor_iban="", remittance="", note="")
        )
        BankStatementImport.objects.filter(booked_at__isnull=False, booked_at__year__lt=cutoff_year).delete()
        BankStatementImport.objects.filter(
            booked_at__isnull=True,
            uploaded_at__lt=now - dt.timedelta(days=UNBOOKED_STATEMENT_DAYS),
        ).delete()
    return blanked


# A pending completion's link answers "expired" for a week after it expired; then it is deleted.
STALE_COMPLETION_DAYS = 7


def delete_stale_completions(*, now):
    """Delete pending completions that expired more than a week ago: what a form brought is not
    kept longer than it can be applied (plus a week in which its link still says why not)."""
    cutoff = now - dt.timedelta(days=STALE_COMPLETION_DAYS)
    deleted, _ = PendingCompletion.objects.filter(expires_at__lt=cutoff).delete()
    return deleted


def run_retention(*, now=None, months=None, years=None):
    """The daily run: anonymise registrations and invoices past their retention. Returns the plan it carried out."""
    now = now or timezone.now()
    plan = plan_retention(now=now, months=months, years=years)
    for registration in plan.registrations:
        anonymise_registration(registration=registration, now=now, force=True)
    for group in groups_due(now=now, months=months):
        with transaction.atomic():
            anonymise_group(GroupRegistration.objects.select_for_update().get(pk=group.pk), now=now)
    for invoice in plan.invoices_due:
        anonymise_invoice(invoice=invoice, now=now)
    delete_old_exports(cutoff=plan.cutoff)
    delete_stale_completions(now=now)
    anonymise_bank_data(now=now, years=years)
    return plan

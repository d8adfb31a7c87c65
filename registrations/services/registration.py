"""The binding registration (verbindliche Anmeldung).

A pre-registration that holds a place becomes binding and keeps its place; a
waiting one becomes binding and keeps waiting (the move-up hooks then run the
binding hooks). Someone without a pre-registration gets a place while places
are free, otherwise the waiting list. Everything happens in one transaction
that locks the conference row first; the fee is frozen on the registration,
the accepted terms are stored with their version, and the confirmation mail is
recorded in the outbox in the same transaction.
"""

from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from programme.models import Conference, ProgrammeItem

from ..models import ConsentText, OutgoingMailAttachment, Registration
from . import fees, hooks, invoices, mail, workshops
from .consent import current_consent_text, current_privacy_text
from .hooks import run_binding_hooks
from .locking import lock_conference, prepare_to_lock
from .membership import check_membership, membership_status
from .places import (
    PERSONAL_FIELDS,
    RegistrationError,
    WindowState,
    normalise_email,
    places_left,
    waiting_position,
)

BILLING_FIELDS = (
    "billing_recipient",
    "billing_organisation",
    "billing_department",
    "billing_street",
    "billing_postcode",
    "billing_city",
    "billing_email",
    "order_number",
    "cost_centre",
    "leitweg_id",
)
BINDING_FIELDS = (*BILLING_FIELDS, "dietary_needs", "accessibility_needs", "list_consent")
EMPLOYER_REQUIRED_FIELDS = ("billing_organisation", "billing_street", "billing_postcode", "billing_city")
PERSON_REQUIRED_FIELDS = ("billing_street", "billing_postcode", "billing_city")


class AlreadyRegistered(RegistrationError):
    """The registration is binding already (a replayed or double-clicked submit)."""

    def __init__(self, registration):
        self.registration = registration
        super().__init__(_("Sie sind bereits verbindlich angemeldet."))


def _deadline_passed(deadline, now):
    return deadline is not None and timezone.localdate(now) > deadline


def binding_window(conference, *, now=None):
    """Whether people may register bindingly online, and if not, why (in German).

    The office may still register people when the window is closed.
    """
    now = now or timezone.now()
    if conference.status != Conference.Status.PUBLISHED:
        return WindowState(False, _("Diese Tagung ist noch nicht veröffentlicht."))
    if conference.starts_at <= now:
        return WindowState(False, _("Die Tagung hat bereits begonnen oder ist vorbei."))
    if conference.places == 0:
        return WindowState(False, _("Für diese Tagung ist noch keine Anmeldung möglich."))
    if _deadline_passed(conference.registration_deadline, now):
        return WindowState(
            False,
            _(
                "Die Frist für die verbindliche Anmeldung ist am %(date)s abgelaufen. "
                "Eine Anmeldung ist nur noch über die Geschäftsstelle möglich."
            )
            % {"date": date_format(conference.registration_deadline, "d.m.Y")},
        )
    return WindowState(True)


def terms_body(conference):
    """The payment agreement and conditions as shown in the form: the office's text, or the default."""
    text = conference.payment_terms.strip()
    if text:
        return text
    return render_to_string("registrations/default_payment_terms.txt", {"conference": conference}).strip()


def current_terms(conference):
    """The current version of the conference's terms (a new version when the text changed)."""
    return current_consent_text(
        kind=ConsentText.Kind.TERMS, conference=conference, body=terms_body(conference)
    )


def offered_evening_events(conference, *, is_member):
    """Programme items people sign up for with the registration; members-only ones only for members."""
    items = ProgrammeItem.objects.filter(conference=conference, requires_signup=True).order_by(
        "starts_at", "pk"
    )
    if not is_member:
        items = items.filter(members_only=False)
    return items


def _evening_events(conference, wanted, *, is_member):
    try:
        ids = {item.pk if isinstance(item, ProgrammeItem) else int(item) for item in wanted or ()}
    except (TypeError, ValueError) as error:
        raise RegistrationError(_("Bitte wählen Sie die Abendveranstaltungen aus der Liste.")) from error
    if not ids:
        return []
    items = list(ProgrammeItem.objects.filter(pk__in=ids, conference=conference, requires_signup=True))
    if len(items) != len(ids):
        raise RegistrationError(_("Diese Veranstaltung gehört nicht zur Anmeldung dieser Tagung."))
    for item in items:
        if item.members_only and not is_member:
            raise RegistrationError(
                _("„%(title)s“ ist nur für Mitglieder des VSOP e.V.") % {"title": item.title}
            )
    return items


def _check_billing(values):
    recipient = values.get("billing_recipient")
    if recipient not in Registration.BillingRecipient.values:
        raise RegistrationError(_("Bitte geben Sie an, an wen die Rechnung gehen soll."))
    required = (
        EMPLOYER_REQUIRED_FIELDS
        if recipient == Registration.BillingRecipient.EMPLOYER
        else PERSON_REQUIRED_FIELDS
    )
    if any(not values.get(name) for name in required):
        raise RegistrationError(_("Bitte geben Sie die vollständige Rechnungsanschrift an."))


def conference_ics(conference):
    """The conference as an iCal file (the published programme, or one event for the whole conference).

    The same file for everyone: a public programme's file comes from the cache
    (programme.views.conference_ical), so call it before taking locks.
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
        invoice = invoices.current_invoice(registration) if registration.holds_place else None
    elif not registration.holds_place:
        invoice = None
    attachments = [(f"{conference.slug}.ics", ics, "text/calendar")]
    if invoice is not None:
        attachments.append(
            OutgoingMailAttachment(
                invoice=invoice, filename=f"Rechnung_{invoice.number}.pdf", mimetype="application/pdf"
            )
        )
    return mail.queue_mail(
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


def _membership_inputs(registration, personal):
    """What the membership check of the registration-to-be depends on."""
    values = {
        key: personal.get(key, getattr(registration, key, "") if registration is not None else "")
        for key in ("is_member", "member_number", "email")
    }
    values["is_member"] = bool(values["is_member"])
    if not values["is_member"]:
        values["member_number"] = ""
    return values


def register_binding(*, conference, data, registration=None, source=Registration.Source.WEB, now=None):
    """Register a person bindingly. Returns (registration, created).

    `data` holds the personal fields (PERSONAL_FIELDS), the billing and other
    binding fields (BINDING_FIELDS), `evening_events` (items or ids),
    `terms_accepted` (must be true) and optionally `terms_version` (the version
    the person saw; refused when the office changed the text meanwhile),
    `workshop_choices` / `second_choices` ({phase_id: workshop_id}) and
    `join_workshop_waiting_list`.

    `registration` is the person's pre-registration (personal link). Without it,
    an existing active registration with the same e-mail is not touched: its
    personal link is sent again to the address on file and (existing, False)
    is returned. A registration that is binding already raises AlreadyRegistered.
    """
    now = now or timezone.now()
    if source == Registration.Source.WEB:
        window = binding_window(conference, now=now)
        if not window.is_open:
            raise RegistrationError(window.reason)
    if not data.get("terms_accepted"):
        raise RegistrationError(
            _("Bitte akzeptieren Sie die Zahlungsvereinbarung und die Teilnahmebedingungen.")
        )
    personal = {key: data[key] for key in PERSONAL_FIELDS if key in data}
    if "email" in personal:
        personal["email"] = normalise_email(personal["email"])
    binding = {key: data.get(key) or ("" if key != "list_consent" else False) for key in BINDING_FIELDS}
    binding["list_consent"] = bool(data.get("list_consent"))
    _check_billing(binding)
    if binding["billing_recipient"] == Registration.BillingRecipient.PERSON:
        for key in (
            "billing_organisation",
            "billing_department",
            "order_number",
            "cost_centre",
            "leitweg_id",
        ):
            binding[key] = ""
    terms = current_terms(conference)
    if data.get("terms_version") and str(data["terms_version"]) != str(terms.version):
        raise RegistrationError(
            _(
                "Die Teilnahmebedingungen wurden inzwischen geändert. Bitte lesen Sie die aktuelle "
                "Fassung und bestätigen Sie sie erneut."
            )
        )
    is_new = registration is None
    privacy = current_privacy_text() if is_new and source == Registration.Source.WEB else None
    # Everything that does not depend on the locked rows is done before the lock: every
    # binding registration of the conference waits for the one before it to commit.
    ics = conference_ics(conference)
    expected = _membership_inputs(registration, personal)
    membership = membership_status(**expected)
    evening_events = _evening_events(conference, data.get("evening_events"), is_member=expected["is_member"])
    choices = data.get("workshop_choices") or {}
    prepared_choices = (
        workshops.prepare_choices(
            conference_id=conference.pk, choices=choices, second_choices=data.get("second_choices") or {}
        )
        if choices
        else None
    )
    prepare_to_lock()
    try:
        with transaction.atomic():
            conference = lock_conference(conference.pk)
            if is_new:
                if not personal.get("email"):
                    raise RegistrationError(_("Bitte geben Sie Ihre E-Mail-Adresse an."))
                existing = (
                    Registration.objects.active()
                    .filter(conference=conference, email=personal["email"])
                    .first()
                )
                if existing is not None:
                    mail.queue_mail(registration=existing, template="link_resent")
                    return existing, False
                holds_place = places_left(conference) > 0
                registration = Registration(
                    conference=conference,
                    status=Registration.Status.HOLDS_PLACE if holds_place else Registration.Status.WAITING,
                    waiting_since=None if holds_place else now,
                    source=source,
                    privacy_consent=privacy,
                    privacy_consented_at=now if privacy else None,
                )
            else:
                registration = (
                    Registration.objects.select_for_update()
                    .select_related("conference")
                    .get(pk=registration.pk, conference=conference)
                )
                if registration.is_cancelled:
                    raise RegistrationError(
                        _("Diese Anmeldung ist storniert. Bitte wenden Sie sich an die Geschäftsstelle.")
                    )
                if registration.is_binding:
                    raise AlreadyRegistered(registration)
                if "email" in personal and personal["email"] != registration.email:
                    clash = (
                        Registration.objects.active()
                        .filter(conference=conference, email=personal["email"])
                        .exclude(pk=registration.pk)
                        .exists()
                    )
                    if clash:
                        raise RegistrationError(
                            _("Für diese E-Mail-Adresse gibt es schon eine Anmeldung zu dieser Tagung.")
                        )
            for key, value in {**personal, **binding}.items():
                setattr(registration, key, value)
            if not registration.is_member:
                registration.member_number = ""
            if _membership_inputs(registration, {}) != expected:
                # The stored data differed from what was read before the lock.
                evening_events = _evening_events(
                    conference, data.get("evening_events"), is_member=registration.is_member
                )
                membership = None
            registration.conference = conference
            registration.stage = Registration.Stage.BINDING
            registration.registered_at = now
            registration.terms_consent = terms
            registration.terms_accepted_at = now
            fees.freeze_fee(registration, is_member=registration.is_member)
            if membership is None:
                check_membership(registration)
            else:
                registration.membership_check = membership
            registration.save()
            if evening_events or not is_new:
                registration.evening_events.set(evening_events)
            if prepared_choices is not None:
                if source == Registration.Source.WEB:
                    workshops.check_change_window(registration, now)
                workshops.book_choices(
                    registration,
                    prepared_choices,
                    join_waiting_list=bool(data.get("join_workshop_waiting_list")),
                )
            if registration.holds_place:
                registration._confirmed_here = True  # the confirmation below; see confirm_after_move_up
                run_binding_hooks(registration)
            queue_confirmation(
                registration,
                ics=ics,
                invoice=getattr(registration, "binding_invoice", _UNKNOWN),
                evening_events=evening_events,
            )
    except IntegrityError:
        if not is_new:
            raise
        # A concurrent request with the same e-mail won the race: treat it as a repeat.
        existing = (
            Registration.objects.active().filter(conference=conference, email=personal["email"]).first()
        )
        if existing is None:
            raise
        mail.queue_mail(registration=existing, template="link_resent")
        return existing, False
    return registration, True


@hooks.on_binding
def confirm_after_move_up(registration):
    """A binding registration that moves up from the waiting list gets its confirmation with the invoice.

    The invoice is issued here first (idempotent, the invoices hook may run before or after this one).
    """
    if getattr(registration, "_confirmed_here", False) or not registration.holds_place:
        return
    invoices.invoice_binding_registration(registration)
    queue_confirmation(
        registration,
        invoice=getattr(registration, "binding_invoice", _UNKNOWN),
        context={"moved_up": True},
    )


# A substitute brings their own personal data; the note stays with the registration.
SUBSTITUTE_FIELDS = tuple(name for name in PERSONAL_FIELDS if name != "note")


def substitute(*, registration, data, source=Registration.Source.WEB, now=None):
    """Another person (Ersatzperson) takes over a binding registration's place.

    The registration keeps its place, workshops, billing data and invoice
    recipient (usually the employer); the person's data, the membership check
    and the personal link change. The previous person is recorded in
    `substitution_note` and the audit trail, and informed by mail; the new
    person gets the confirmation with their own link. When the fee changes with
    the membership status, or an invoice names the participant, the invoice is
    reissued (Storno and new invoice). The returned registration tells what
    happened: `fee_changed` and `invoice_reissued`.
    """
    from ..models import new_token

    now = now or timezone.now()
    fields = {key: data[key] for key in SUBSTITUTE_FIELDS if key in data}
    fields["email"] = normalise_email(fields.get("email") or "")
    if not fields["email"] or not fields.get("first_name") or not fields.get("last_name"):
        raise RegistrationError(_("Bitte geben Sie Name und E-Mail-Adresse der Ersatzperson an."))
    if not fields.get("is_member"):
        fields["member_number"] = ""
    with transaction.atomic():
        conference = lock_conference(registration.conference_id)
        registration = (
            Registration.objects.select_for_update().select_related("conference").get(pk=registration.pk)
        )
        if registration.is_cancelled:
            raise RegistrationError(_("Diese Anmeldung ist storniert."))
        if not registration.is_binding:
            raise RegistrationError(
                _("Eine Ersatzperson können Sie nach der verbindlichen Anmeldung benennen.")
            )
        if source == Registration.Source.WEB and conference.starts_at <= now:
            raise RegistrationError(
                _("Die Tagung hat bereits begonnen. Bitte wenden Sie sich an die Geschäftsstelle.")
            )
        clash = (
            Registration.objects.active()
            .filter(conference=conference, email=fields["email"])
            .exclude(pk=registration.pk)
            .exists()
        )
        if clash or fields["email"] == registration.email:
            raise RegistrationError(
                _("Für diese E-Mail-Adresse gibt es schon eine Anmeldung zu dieser Tagung.")
            )
        previous = {
            "previous_name": registration.full_name,
            "previous_email": registration.email,
            "previous_organisation": registration.organisation,
        }
        # The previous person is told first: the mail is rendered now, with their name and address.
        mail.queue_mail(
            registration=registration,
            template="substituted_previous",
            to=registration.email,
            context={
                "substitute_name": " ".join(
                    p for p in (fields.get("academic_title"), fields["first_name"], fields["last_name"]) if p
                )
            },
        )
        note = _("%(date)s: Ersatzperson für %(name)s <%(email)s>%(organisation)s") % {
            "date": date_format(timezone.localtime(now), "d.m.Y H:i"),
            "name": previous["previous_name"],
            "email": previous["previous_email"],
            "organisation": f" ({previous['previous_organisation']})"
            if previous["previous_organisation"]
            else "",
        }
        old_fee = registration.fee
        for key, value in fields.items():
            setattr(registration, key, value)
        registration.token = new_token()
        registration.substitution_note = "\n".join(p for p in (registration.substitution_note, note) if p)
        # Consents were the previous person's; the new person has given none yet.
        registration.privacy_consent = None
        registration.privacy_consented_at = None
        registration.list_consent = False
        registration.dietary_needs = ""
        registration.accessibility_needs = ""
        if not registration.is_member:
            registration.evening_events.remove(*registration.evening_events.filter(members_only=True))
        fees.freeze_fee(registration, is_member=registration.is_member)
        check_membership(registration)
        # simple-history keeps the reason in a varchar(100); the full note is in substitution_note.
        registration._change_reason = note[:100]
        registration.save()
        reissue = registration.holds_place and invoices.current_invoice(registration) is not None
        if reissue:
            invoices.reissue_invoice(registration=registration, now=now)
        queue_confirmation(
            registration,
            context={"substitution": previous},
        )
    registration.fee_changed = registration.fee != old_fee
    registration.invoice_reissued = reissue
    return registration

"""A registration's life, from pre-registration to cancellation: the one orchestrator.

Each public function here is one thing that happens to a registration and
calls the steps it consists of explicitly, inside one transaction that locks
the conference row first (domain/locking.py): places (domain/places.py),
invoices (invoicing.py), workshop seats (workshops.py), discussion groups
(groups.py) and mails (confirmations.py, outbox.py). Steps report what they
did by their return values; mails are recorded in the outbox in the same
transaction and delivered after commit.

- pre_register: a place while places remain, otherwise the waiting list.
- register_binding: a pre-registration that holds a place becomes binding and
  keeps it; a waiting one becomes binding and keeps waiting. Someone without a
  pre-registration gets a place while places are free, otherwise the waiting
  list. The fee is frozen and the accepted terms stored with their version.
- cancel: the place goes to the first person on the waiting list.
- fill_free_places / move_up: people move up, first come first served; a
  pre-registration moving up close to the binding deadline or after it gets a
  personal deadline.
- release_places / release_missed_personal_deadlines: a pre-registration that
  missed its binding deadline gives its place on (the office decides at the
  general deadline; a personal deadline ends by the schedule).
- substitute: another person takes over a binding registration's place with a new registration
  of their own; the previous one ends and keeps the previous person's data.
"""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.exceptions import RegistrationError
from programme.models import Conference

from ..documents.invoice import invoice_attachment
from ..models import PendingCompletion, Registration
from ..queries.completions import MEMBERSHIP_FIELDS, service_data
from ..queries.deadlines import missed_binding_deadline, missed_personal_deadline
from ..queries.invoices import invoice_concerning
from ..queries.places import active_registration_of_person, places_left, waiting_position
from ..rules import fees
from ..rules.billing import BILLING_FIELDS, goes_to_accounts_office
from ..rules.cancellation import cancellation_cost
from ..rules.group_registrations import confirmation_holds_place
from ..rules.personal import (
    PERSONAL_FIELDS,
    SUBSTITUTE_FIELDS,
    is_same_person,
    normalise_email,
    person_taken_message,
    registration_language,
)
from ..rules.windows import (
    binding_deadline_of,
    binding_window,
    binding_window_for,
    personal_deadline_for,
    pre_registration_window,
)
from . import completions, groups, invitations, invoicing, outbox, places, self_service, workshops
from .binding import binding_values, chosen_evening_events, membership_inputs
from .confirmations import PLACE_CONFIRMATION, calendar_programme, queue_confirmation
from .consent import current_privacy_text, current_terms
from .locking import lock_conference, prepare_to_lock
from .membership import check_membership, membership_status

PRE_REGISTRATION_FORM = PendingCompletion.Form.PRE_REGISTRATION
BINDING_FORM = PendingCompletion.Form.BINDING


class AlreadyRegistered(RegistrationError):
    """The registration is binding already (a replayed or double-clicked submit)."""

    def __init__(self, registration):
        self.registration = registration
        super().__init__(_("Sie sind bereits verbindlich angemeldet."))


# ---------------------------------------------------------------- pre-registration


def pre_register(*, conference, data, source=Registration.Source.WEB, now=None):
    """Pre-register a person: a place while places remain, otherwise the waiting list.

    `data` holds the personal fields and optionally `invitation_consent` (future
    conferences, domain/invitations.py). Returns (registration, created). When the
    person has an active registration already (same address and name,
    rules.personal.person_key), nothing is created: what was typed is kept for its
    owner (completions.keep_for_owner), who is mailed; a colleague with the same
    address is a new person. A repeat of an accepted submission
    (`data["submission_token"]`, same data) returns its registration.
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
        language=registration_language(data.get("language")),
        **fields,
    )
    places.start_hold(registration, conference=conference, now=now)
    # Every pre-registration of the conference waits for the one before it to commit,
    # so the confirmation of the usual case (a free place) is rendered before the lock
    # and used when the locked rows say the same; otherwise (the waiting list, a changed
    # conference) the mail is recorded under the lock and rendered after it.
    confirmation = deferred = None
    if places_left(conference) > 0:
        confirmation = outbox.render_for(registration=registration, template=PLACE_CONFIRMATION)
    rendered_for = conference.updated_at
    prepare_to_lock()
    try:
        with transaction.atomic():
            conference = lock_conference(conference.pk)
            release_lapsed_holds(conference, now=now)
            repeated = completions.repeated_submission(data)
            if repeated is not None:
                return repeated, False
            existing = _same_person(conference, fields)
            if existing is not None:
                completions.keep_for_owner(
                    registration=existing, form=PRE_REGISTRATION_FORM, data=data, now=now
                )
                return existing, False
            registration.conference = conference
            holds_place = places.hold_place_or_wait(registration, conference=conference, now=now)
            registration.save(force_insert=True)
            completions.remember_submission(data, registration=registration)
            if data.get("invitation_consent"):
                invitations.give_invitation_consent(registration=registration, now=now)
            template = PLACE_CONFIRMATION if holds_place else "waiting_list_confirmed"
            if holds_place and conference.updated_at == rendered_for and confirmation is not None:
                outbox.queue_mail(registration=registration, template=template, rendered=confirmation)
            else:
                deferred = outbox.queue_deferred(
                    registration=registration,
                    template=template,
                    renderer=outbox.DEFERRED_MAIL,
                    spec={"context": {"position": waiting_position(registration)}},
                )
    except IntegrityError as error:
        return _repeated(conference, data, PRE_REGISTRATION_FORM, error, now), False
    outbox.render_deferred_after_commit(deferred, registration=registration)
    return registration, True


def _same_person(conference, fields, *, exclude=None):
    """The conference's active registration of the person in `fields` (address and name), or None."""
    return active_registration_of_person(
        conference,
        email=fields["email"],
        first_name=fields.get("first_name", ""),
        last_name=fields.get("last_name", ""),
        exclude=exclude,
    )


def _person_after(registration, fields):
    """The address and name `registration` has once `fields` are applied."""
    return {key: fields.get(key, getattr(registration, key)) for key in ("email", "first_name", "last_name")}


def _ensure_person_free(conference, registration, fields):
    """Refuse changing `registration`'s address or name to another active registration's person."""
    person = _person_after(registration, fields)
    if not is_same_person(registration, **person):
        places.ensure_person_free(conference=conference, exclude=registration, **person)


def _repeated(conference, data, form, error, now):
    """A concurrent request of the same person won the race: treat this one as a repeat."""
    with transaction.atomic():
        lock_conference(conference.pk)
        repeated = completions.repeated_submission(data)
        if repeated is not None:
            return repeated
        existing = _same_person(conference, {**data, "email": normalise_email(data["email"])})
        if existing is None:
            raise error
        completions.keep_for_owner(registration=existing, form=form, data=data, now=now)
    return existing


def update_personal_data(*, registration, data):
    """Correct a person's own data. A changed address or name must not make it another active
    registration's person (rules.personal.person_key).

    A change of address or name takes the conference lock, as every new registration does, so
    two people changing to the same person at once get the form error, not an
    IntegrityError: the second one sees the first one's committed data.
    """
    fields = {key: data[key] for key in PERSONAL_FIELDS if key in data}
    with transaction.atomic():
        if "email" in fields:
            fields["email"] = normalise_email(fields["email"])
        if not is_same_person(registration, **_person_after(registration, fields)):
            lock_conference(registration.conference_id)
            _ensure_person_free(registration.conference_id, registration, fields)
        for key, value in fields.items():
            setattr(registration, key, value)
        registration.save(update_fields=[*fields, "updated_at"])
    return registration


# ---------------------------------------------------------------- binding registration


def register_binding(
    *,
    conference,
    data,
    registration=None,
    source=Registration.Source.WEB,
    now=None,
    notify=True,
    terms=None,
    choose_phases=None,
):
    """Register a person bindingly. Returns (registration, created).

    `data` holds the personal fields (PERSONAL_FIELDS), the billing and other
    binding fields (rules.billing.BINDING_FIELDS), `evening_events` (items or
    ids), `terms_accepted` (must be true) and optionally `terms_version` (the
    version the person saw; refused when the office changed the text
    meanwhile), `workshop_choices` / `second_choices` ({phase_id: workshop_id})
    and `join_workshop_waiting_list`, and optionally `invitation_consent`.

    `registration` is the person's pre-registration (personal link). Without it,
    an existing active registration of the same person (address and name,
    rules.personal.person_key) is not touched: what was typed is kept for its
    owner, who is mailed a link that applies it (completions.keep_for_owner,
    apply_completion), and (existing, False) is returned. A repeat of an accepted
    submission (`data["submission_token"]`, same data) returns (registration,
    False) again; any other submission for a registration that is binding already
    raises AlreadyRegistered.
    `notify=False` leaves out the person's confirmation mail: a group registration's colleague
    without an own address is told through the contact's one mail (domain/group_registrations.py).
    `terms`: the conference's current terms (consent.current_terms) when the caller read them
    for this request already (the form showed them); read here otherwise. `choose_phases`
    likewise: the conference's workshop phases of mode "choose" (the form's workshop fields).
    """
    now = now or timezone.now()
    if source == Registration.Source.WEB:
        window = (
            binding_window(conference, now=now)
            if registration is None
            else binding_window_for(registration, now=now)
        )
        if not window.is_open:
            raise RegistrationError(window.reason)
    if not data.get("terms_accepted"):
        raise RegistrationError(
            _("Bitte akzeptieren Sie die Zahlungsvereinbarung und die Teilnahmebedingungen.")
        )
    personal = {key: data[key] for key in PERSONAL_FIELDS if key in data}
    if "email" in personal:
        personal["email"] = normalise_email(personal["email"])
    binding = binding_values(data)
    if terms is None:
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
    programme = calendar_programme(conference)
    expected = membership_inputs(registration, personal)
    membership = membership_status(**expected)
    evening_events = chosen_evening_events(
        conference, data.get("evening_events"), is_member=expected["is_member"]
    )
    choices = data.get("workshop_choices") or {}
    prepared_choices = (
        workshops.prepare_choices(
            conference_id=conference.pk,
            choices=choices,
            second_choices=data.get("second_choices") or {},
            choose_phases=choose_phases,
        )
        if choices
        else None
    )
    prepare_to_lock()
    try:
        with transaction.atomic():
            conference = lock_conference(conference.pk)
            release_lapsed_holds(conference, now=now)
            repeated = completions.repeated_submission(data)
            if repeated is not None and (is_new or repeated.pk == registration.pk):
                return repeated, False
            if is_new:
                if not personal.get("email"):
                    raise RegistrationError(_("Bitte geben Sie Ihre E-Mail-Adresse an."))
                existing = _same_person(conference, personal)
                if existing is not None:
                    completions.keep_for_owner(registration=existing, form=BINDING_FORM, data=data, now=now)
                    return existing, False
                registration = Registration(
                    conference=conference,
                    source=source,
                    privacy_consent=privacy,
                    privacy_consented_at=now if privacy else None,
                    language=registration_language(data.get("language")),
                )
                places.start_hold(registration, conference=conference, now=now)
                places.hold_place_or_wait(registration, conference=conference, now=now)
            else:
                registration = (
                    Registration.objects.select_for_update()
                    .select_related("conference")
                    .get(pk=registration.pk, conference=conference)
                )
                if registration.hold_has_lapsed(now):
                    raise RegistrationError(hold_lapsed_message())
                if registration.is_cancelled:
                    raise RegistrationError(
                        _("Diese Anmeldung ist storniert. Bitte wenden Sie sich an die Geschäftsstelle.")
                    )
                if registration.is_binding:
                    raise AlreadyRegistered(registration)
                if registration.awaits_confirmation:
                    # Only the personal link leads here: using it confirms the address.
                    registration.email_confirmed_at = now
                _ensure_person_free(conference, registration, personal)
            for key, value in {**personal, **binding}.items():
                setattr(registration, key, value)
            if data.get("language"):  # the language the person uses now, for the mails from here on
                registration.language = registration_language(data["language"])
            if not registration.is_member:
                registration.member_number = ""
            if membership_inputs(registration, {}) != expected:
                # The stored data differed from what was read before the lock.
                evening_events = chosen_evening_events(
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
            if data.get("invitation_consent"):
                invitations.give_invitation_consent(registration=registration, now=now)
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
            invoice = take_binding_steps(registration) if registration.holds_place else None
            # Recorded under the lock, rendered after it (with the calendar) and only then
            # queued for delivery: every binding registration of the conference waits for
            # this transaction to commit.
            confirmation = (
                queue_confirmation(registration, invoice=invoice, deferred=True) if notify else None
            )
            completions.remember_submission(data, registration=registration)
    except IntegrityError as error:
        if not is_new:
            raise
        return _repeated(conference, data, BINDING_FORM, error, now), False
    outbox.render_deferred_after_commit(
        confirmation,
        registration=registration,
        invoice=invoice,
        programme=programme,
        evening_events=evening_events,
    )
    return registration, True


def take_binding_steps(registration):
    """What follows when a registration holds a place and is binding: it joins the discussion
    groups drawn already and gets its invoice (once; free places get none). Returns the invoice or None.

    Runs inside the caller's transaction with the conference row locked.
    """
    if registration.awaits_confirmation:
        return None  # confirm_address takes these steps once the address is confirmed
    groups.join_smallest_group(registration)
    return invoicing.issue_for_binding(registration)


# ---------------------------------------------------------------- completing from a mailed link


def apply_completion(*, completion, now=None):
    """The owner applies what a public form brought for their registration (completions.keep_for_owner).

    Through the usual steps, so fees, places, windows and invoices follow the normal rules: a
    pre-registration with the binding form's data becomes binding (register_binding, as from the
    personal link; the mailed link confirms the address too); otherwise the typed data replace the
    stored ones (update_personal_data and, after the binding registration, the self-service
    change, which corrects an invoice). Membership stays as it is on a binding registration (its
    fee is frozen). Raises completions.CompletionClosed when it was applied, superseded or expired.
    Returns the registration.
    """
    now = now or timezone.now()
    with transaction.atomic():
        conference = lock_conference(completion.registration.conference_id)
        release_lapsed_holds(conference, now=now)
        completion = completions.lock_open_completion(completion, now=now)
        registration = completion.registration
        if registration.is_cancelled:
            raise RegistrationError(
                hold_lapsed_message()
                if registration.hold_has_lapsed(now)
                else _("Diese Anmeldung ist storniert. Bitte wenden Sie sich an die Geschäftsstelle.")
            )
        data = service_data(completion)
        if completion.form == BINDING_FORM and not registration.is_binding:
            registration, _created = register_binding(
                conference=conference, data=data, registration=registration, now=now
            )
        else:
            registration = confirm_address(registration=registration, now=now)
            personal = {key: value for key, value in data.items() if key in PERSONAL_FIELDS}
            if registration.is_binding:
                personal = {key: value for key, value in personal.items() if key not in MEMBERSHIP_FIELDS}
            registration = update_personal_data(registration=registration, data=personal)
            if completion.form == BINDING_FORM:
                self_service.update_binding_details(registration=registration, data=data, now=now)
                booked = dict(registration.workshop_bookings.values_list("phase_id", "workshop_id"))
                changed = {
                    phase: wish
                    for phase, wish in (data.get("workshop_choices") or {}).items()
                    if wish and booked.get(phase) != wish
                }
                if changed:  # unchanged choices need no open workshop window
                    workshops.choose_workshops(
                        registration=registration,
                        choices=changed,
                        second_choices=data.get("second_choices") or {},
                        join_waiting_list=bool(data.get("join_workshop_waiting_list")),
                        now=now,
                    )
            if data.get("invitation_consent"):  # register_binding gives it on the other path
                invitations.give_invitation_consent(registration=registration, now=now)
        completions.mark_applied(completion, now=now)
    return Registration.objects.select_related("conference").get(pk=registration.pk)


# ---------------------------------------------------------------- address confirmation and holds


def hold_lapsed_message():
    return _(
        "Ihre Reservierung ist abgelaufen, weil die E-Mail-Adresse nicht rechtzeitig über den "
        "zugeschickten Link bestätigt wurde. Sie können sich gern erneut anmelden."
    )


def held_by_group_message(registration):
    """What a colleague reads on opening their own link before the group's contact confirmed
    (nothing is recorded for them then: confirm_address leaves the group's hold as it is)."""
    return _(
        "Vielen Dank. Ihr Platz ist bis %(until)s Uhr für Sie reserviert. "
        "Die Anmeldung gilt, sobald %(contact)s die Gruppenanmeldung über den Link zur Gruppenseite "
        "bestätigt. Geschieht das nicht rechtzeitig, verfällt die Anmeldung der ganzen Gruppe."
    ) % {
        "until": date_format(timezone.localtime(registration.hold_expires_at), "d.m.Y, H:i"),
        "contact": registration.group_registration.contact_name,
    }


def confirm_address(*, registration, now=None, by_group_contact=False):
    """The person opened their mailed link: the address is confirmed and the registration keeps its
    place (or waiting-list spot) for good. A binding one that holds a place now joins its groups and
    gets its invoice, mailed to it; invoice numbers are drawn only here, so they stay gapless.

    A hold that lapsed before the link was opened is released instead (release_lapsed_holds):
    its place may be someone else's already. A colleague of a group whose contact has not confirmed
    yet keeps the group's hold unchanged (rules.group_registrations.confirmation_holds_place);
    `by_group_contact`: called for the contact's confirmation (confirm_group). Returns the
    registration as stored now.
    """
    now = now or timezone.now()
    if not registration.awaits_confirmation:
        return registration
    with transaction.atomic():
        conference = lock_conference(registration.conference_id)
        registration = (
            Registration.objects.select_for_update().select_related("conference").get(pk=registration.pk)
        )
        if not registration.awaits_confirmation or registration.is_cancelled:
            return registration
        if registration.hold_has_lapsed(now):
            release_lapsed_holds(conference, now=now)
            return Registration.objects.select_related("conference").get(pk=registration.pk)
        if not confirmation_holds_place(registration, by_contact=by_group_contact):
            return registration  # held by the group until its contact confirms
        places.mark_confirmed(registration, now=now)
        if registration.is_binding and registration.holds_place:
            invoice = take_binding_steps(registration)
            if invoice is not None:
                invoicing.queue_invoice_mail(registration=registration, new_invoice=invoice)
    return registration


def release_lapsed_holds(conference, *, now):
    """End the conference's registrations whose hold lapsed unconfirmed; the next people move up.

    Runs inside the caller's transaction with the conference row locked (every
    registration releases them first, so a newcomer never takes a freed place
    from someone on the waiting list). A lapsed registration ends like a
    cancellation: its address is free again, its workshop seats go to the people
    waiting; it gets no mail (the address was never shown to be its owner's).
    Returns the released registrations.
    """
    lapsed = places.lapsed_holds(conference, now=now)
    for registration in lapsed:
        places.mark_lapsed(registration, now=now)
        workshops.release_workshops(registration)
    if lapsed:
        fill_free_places(conference_id=conference.pk, now=now, _locked=True)
    return lapsed


def release_expired_holds(*, now=None):
    """Release every lapsed hold of every conference (the scheduled task). Returns how many."""
    now = now or timezone.now()
    conference_ids = set(Registration.objects.lapsed(now).values_list("conference_id", flat=True))
    released = 0
    for conference_id in sorted(conference_ids):
        with transaction.atomic():
            released += len(release_lapsed_holds(lock_conference(conference_id), now=now))
    return released


# ---------------------------------------------------------------- cancellation and moving up


def cancel(*, registration, now=None, notify=True):
    """Cancel a registration: its place goes to the first person on the waiting list.

    It leaves its discussion groups, its invoice is cancelled while cancelling is
    free (rules.cancellation.cancellation_cost, which the mail states too), its
    workshop seats go to the people waiting for them. The person gets one mail, with
    the Stornorechnung attached (an accounts office gets its own invoice mail).
    """
    now = now or timezone.now()
    with transaction.atomic():
        lock_conference(registration.conference_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        cost = cancellation_cost(registration, invoice=invoice_concerning(registration), now=now)
        places.mark_cancelled(registration, now=now)
        groups.leave_groups(registration)
        storno = invoicing.cancel_for_cancellation(registration, now=now, mail_participant=not notify)
        if registration.is_billed_collectively:
            storno = None  # the collective Stornorechnung is the employer's, mailed to it
        workshops.release_workshops(registration)
        if notify:
            outbox.queue_mail(
                registration=registration,
                template="cancelled",
                context={"cost": cost, "storno": storno},
                attachments=[invoice_attachment(storno)] if storno is not None else (),
            )
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
        for registration in places.next_in_line(conference, free):
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
    """The waiting registration gets the place and one mail about it.

    A binding one joins its groups, is invoiced and gets its confirmation with the
    invoice attached (the accounts office, when the invoice has its own address,
    gets the invoice mail besides). A pre-registration is asked to register
    bindingly, by a personal deadline when it moves up close to the binding
    deadline or after it (rules.windows.personal_deadline_for).
    """
    personal_deadline = (
        None if registration.is_binding else personal_deadline_for(registration.conference, now=now)
    )
    places.mark_moved_up(registration, now=now, personal_deadline=personal_deadline)
    workshops.seat_wishes_after_move_up(registration)
    if registration.is_binding:
        invoice = take_binding_steps(registration)
        queue_confirmation(registration, invoice=invoice, context={"moved_up": True})
        if invoice is not None and goes_to_accounts_office(invoice, registration):
            invoicing.queue_invoice_mail(registration=registration, new_invoice=invoice)
    else:
        outbox.queue_mail(
            registration=registration,
            template="moved_up",
            context={"binding_deadline": binding_deadline_of(registration, now=now)},
        )
    return registration


# ---------------------------------------------------------------- missed binding deadlines


def release_places(*, registrations, now=None):
    """The office releases the places of pre-registrations that missed their binding deadline.

    Only those of `registrations` that hold a place as a pre-registration and
    whose deadline (personal, else the conference's) has passed
    (queries.deadlines.missed_binding_deadline) are released; each gets a mail
    and the waiting list moves up, with personal deadlines. Nothing else is
    released: the office decides. Returns the released registrations.
    """
    now = now or timezone.now()
    pks = [registration.pk for registration in registrations]
    conference_ids = sorted(
        set(Registration.objects.filter(pk__in=pks).values_list("conference_id", flat=True))
    )
    released = []
    for conference_id in conference_ids:
        with transaction.atomic():
            conference = lock_conference(conference_id)
            due = Registration.objects.filter(pk__in=pks, conference=conference)
            released += _release(conference, missed_binding_deadline(due, now=now), now=now)
    return released


def release_missed_personal_deadlines(*, now=None):
    """The scheduled task: the place of everyone whose personal deadline passed without a binding
    registration goes to the next person on the waiting list, with mails. Idempotent: a released
    registration is cancelled and never selected again. Returns how many were released."""
    now = now or timezone.now()
    missed = missed_personal_deadline(Registration.objects.all(), now=now)
    conference_ids = sorted(set(missed.values_list("conference_id", flat=True)))
    released = 0
    for conference_id in conference_ids:
        with transaction.atomic():
            conference = lock_conference(conference_id)
            due = Registration.objects.filter(conference=conference)
            released += len(_release(conference, missed_personal_deadline(due, now=now), now=now))
    return released


def _release(conference, queryset, *, now):
    """Release the places of `queryset` (locked here, conference locked by the caller), mail each
    person, then let the waiting list move up."""
    # Only the registration rows: the query joins the conference, whose lock the caller holds.
    released = list(queryset.select_for_update(of=("self",)).order_by("pk"))
    for registration in released:
        registration.conference = conference
        deadline = registration.personal_deadline or conference.registration_deadline
        places.mark_released(registration, now=now)
        groups.leave_groups(registration)
        workshops.release_workshops(registration)
        outbox.queue_mail(
            registration=registration,
            template="place_released",
            context={"deadline": deadline},
            dedup_key=f"place-released-{registration.pk}",
        )
    if released:
        fill_free_places(conference_id=conference.pk, now=now, _locked=True)
    return released


# ---------------------------------------------------------------- substitute


@dataclass(frozen=True)
class Substitution:
    """What a substitution did: the previous person's registration (ended), the substitute's new
    one (holding the place now) and whether money changed."""

    previous: Registration
    substitute: Registration
    fee_changed: bool
    invoice_reissued: bool

    @property
    def registration(self):
        """The registration that holds the place now: the substitute's."""
        return self.substitute


def _person_name(fields):
    return " ".join(p for p in (fields.get("academic_title"), fields["first_name"], fields["last_name"]) if p)


def substitute(*, registration, data, source=Registration.Source.WEB, now=None):
    """Another person (Ersatzperson) takes over a binding registration's place.

    The previous registration ends (cancelled, `substituted_by` the new one) and
    keeps what is the previous person's: their data, consents, mails, invoices
    and personal link, which from now on shows the ended registration. The
    substitute gets a new registration with their own link that takes over the
    place as it is (or the waiting-list spot), under the conference lock, so the
    place is never free and nobody moves up; the workshop seats, discussion
    groups, evening events (members-only ones only for members) and the accepted
    terms of the billing party move with it. Billing continues with the same
    employer: its billing data are copied; a previous person who paid
    themselves keeps their private address, and the substitute is invoiced
    under their own name and organisation until the office corrects it.
    Invoices and payments follow invoicing.hand_over_invoice: the previous
    invoice is cancelled on the previous registration, the substitute gets a new
    one, and what was paid for the place moves to it. Both people are mailed.
    Returns a Substitution.
    """
    now = now or timezone.now()
    fields = {key: data[key] for key in SUBSTITUTE_FIELDS if key in data}
    fields["email"] = normalise_email(fields.get("email") or "")
    if not fields["email"] or not fields.get("first_name") or not fields.get("last_name"):
        raise RegistrationError(_("Bitte geben Sie Name und E-Mail-Adresse der Ersatzperson an."))
    if not fields.get("is_member"):
        fields["member_number"] = ""
    programme = calendar_programme(registration.conference)
    with transaction.atomic():
        conference = lock_conference(registration.conference_id)
        previous = (
            Registration.objects.select_for_update().select_related("conference").get(pk=registration.pk)
        )
        if previous.is_cancelled:
            raise RegistrationError(_("Diese Anmeldung ist storniert."))
        if not previous.is_binding:
            raise RegistrationError(
                _("Eine Ersatzperson können Sie nach der verbindlichen Anmeldung benennen.")
            )
        if source == Registration.Source.WEB and conference.starts_at <= now:
            raise RegistrationError(
                _("Die Tagung hat bereits begonnen. Bitte wenden Sie sich an die Geschäftsstelle.")
            )
        person = {key: fields[key] for key in ("email", "first_name", "last_name")}
        if is_same_person(previous, **person):
            raise RegistrationError(person_taken_message())
        places.ensure_person_free(conference=conference, exclude=previous, **person)
        date = date_format(timezone.localtime(now), "d.m.Y H:i")
        new = Registration(
            conference=conference,
            stage=Registration.Stage.BINDING,
            source=source,
            registered_at=now,
            terms_consent=previous.terms_consent,
            terms_accepted_at=previous.terms_accepted_at,
            substitution_note=_("%(date)s: Ersatzperson für %(name)s")
            % {"date": date, "name": previous.full_name},
            **fields,
        )
        if previous.billing_recipient == Registration.BillingRecipient.EMPLOYER:
            for key in BILLING_FIELDS:
                setattr(new, key, getattr(previous, key))
            if new.billing_email == previous.email:  # the previous person's own address stays theirs
                new.billing_email = ""
        fees.freeze_fee(new, is_member=new.is_member)
        check_membership(new)
        # simple-history keeps the reason in a varchar(100); the full note is in substitution_note.
        new._change_reason = new.substitution_note[:100]
        note = _(
            "%(date)s: Platz von %(previous)s <%(previous_email)s>%(organisation)s an %(name)s <%(email)s> übergeben"
        ) % {
            "date": date,
            "previous": previous.full_name,
            "previous_email": previous.email,
            "organisation": f" ({previous.organisation})" if previous.organisation else "",
            "name": new.full_name,
            "email": new.email,
        }
        previous.substitution_note = "\n".join(p for p in (previous.substitution_note, note) if p)
        previous._change_reason = note[:100]
        places.hand_over_place(previous, new, now=now, update_fields=["substitution_note"])
        evening_events = [
            item for item in previous.evening_events.all() if new.is_member or not item.members_only
        ]
        new.evening_events.set(evening_events)
        workshops.hand_over_bookings(previous, new)
        groups.hand_over_memberships(previous, new)
        storno, invoice = invoicing.hand_over_invoice(previous, new, now=now)
        # The previous person is told, with their Stornorechnung; the mail names the substitute only.
        outbox.queue_mail(
            registration=previous,
            template="substituted_previous",
            context={"substitute_name": new.full_name, "storno": storno},
            attachments=[invoice_attachment(storno)] if storno is not None else (),
        )
        # An employer's accounts office with its own address gets the documents itself (the person
        # in copy): the Stornorechnung on the previous registration, the new invoice on the new one.
        if storno is not None and goes_to_accounts_office(storno, previous):
            invoicing.queue_invoice_mail(registration=previous, storno=storno, substitute_name=new.full_name)
        if invoice is not None and goes_to_accounts_office(invoice, new):
            invoicing.queue_invoice_mail(registration=new, new_invoice=invoice)
        queue_confirmation(
            new,
            programme=programme,
            invoice=invoice,
            evening_events=evening_events,
            context={"substitution": {"previous_name": previous.full_name}},
        )
    return Substitution(
        previous=previous,
        substitute=new,
        fee_changed=new.fee != previous.fee,
        invoice_reissued=invoice is not None,
    )

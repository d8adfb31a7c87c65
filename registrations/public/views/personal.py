"""Public registration views: thin wrappers around the domain (lifecycle.py) and the queries."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from core.exceptions import RegistrationError
from core.ratelimit import is_download_limited, is_form_post_limited, is_rate_limited
from programme.models import Conference

from ...documents.calendar import personal_calendar_filename, personal_ical
from ...documents.confirmation import confirmation_filename, confirmation_pdf
from ...domain import lifecycle
from ...queries.invoices import current_invoice, invoice_concerning
from ...queries.personal import keep_personal_phases, registration_for_token
from ...queries.places import place_counts, waiting_position
from ...rules.cancellation import cancellation_cost
from ...rules.group_registrations import confirmation_holds_place
from ...rules.holds import hold_time
from ...rules.windows import pre_registration_window
from ..forms.binding import lock_membership_fields
from ..forms.personal import CancelForm, PersonalDataForm, PreRegistrationForm
from ..outcome import has_outcome, remember_outcome


def public_conference(request, slug):
    queryset = Conference.objects.all() if request.user.is_staff else Conference.objects.public()
    return get_object_or_404(queryset, slug=slug)


def registration_for_link(request, token):
    """The registration behind a personal link; opening the link confirms its address.

    The link went only to the address on file, so whoever opens it reads that
    mailbox (domain.lifecycle.confirm_address). A hold that lapsed first is
    released instead, and the page says so.
    """
    registration = registration_for_token(token)
    if registration.awaits_confirmation:
        # The registration as stored now, with its conference: no second read by the token.
        registration = lifecycle.confirm_address(registration=registration)
        if registration.hold_has_lapsed():
            messages.warning(request, lifecycle.hold_lapsed_message())
        elif (
            registration.awaits_confirmation
            and not registration.is_cancelled
            and not confirmation_holds_place(registration)
        ):  # a colleague's place waits for the group's contact
            messages.info(request, lifecycle.held_by_group_message(registration))
        else:
            messages.success(request, _("Danke, Ihre E-Mail-Adresse ist bestätigt. Ihre Anmeldung gilt."))
    return registration


def too_many_requests(request):
    return render(request, "registrations/rate_limited.html", status=429)


RATE_LIMITED_MESSAGE = _(
    "In kurzer Zeit kamen sehr viele Anmeldungen von Ihrem Anschluss oder für diese E-Mail-Adresse. "
    "Zum Schutz vor Missbrauch nehmen wir vorübergehend keine weiteren an. Ihre Eingaben sind "
    "erhalten; bitte senden Sie das Formular in einigen Minuten noch einmal ab."
)


def typed_email(form):
    """The e-mail address a POST names (cleaned when valid, as typed otherwise), for the per-address limit."""
    if form.is_valid():
        return form.cleaned_data.get("email") or ""
    value = form.data.get("email", "")
    return value[:320] if isinstance(value, str) else ""


def is_public_form_limited(request, form, scope):
    """Count a public form's POST per client address and per e-mail address (core/ratelimit.py).

    When limited, the form gets the German message as an error, so the page shows
    it with everything the person typed (the caller answers 429)."""
    limited = is_form_post_limited(request, scope, email=typed_email(form), is_valid=form.is_valid())
    if limited:
        form.add_error(None, RATE_LIMITED_MESSAGE)
    return limited


@require_http_methods(["GET", "POST"])
def pre_register(request, slug):
    conference = public_conference(request, slug)
    window = pre_registration_window(conference)
    form = PreRegistrationForm(request.POST or None)
    status = 200 if request.method == "GET" or window.is_open else 409
    if request.method == "POST":
        if is_public_form_limited(request, form, "pre_register"):
            status = 429
        elif form.is_bot:
            return render(request, "registrations/rate_limited.html", {"bot": True}, status=400)
        elif window.is_open and form.is_valid():
            try:
                lifecycle.pre_register(
                    conference=conference, data={**form.cleaned_data, "language": request.LANGUAGE_CODE}
                )
            except RegistrationError as error:
                form.add_error(None, str(error))
            else:
                # The same answer for a new and a known address (no enumeration): what differs
                # is in the mail to the address (lifecycle.pre_register).
                return remember_outcome(
                    redirect("registrations:pre_register_done", slug=conference.slug),
                    "pre_registration",
                    conference,
                )
    return render(
        request,
        "registrations/pre_register.html",
        {"conference": conference, "form": form, "window": window, "counts": place_counts(conference)},
        status=status,
    )


def pre_register_done(request, slug):
    conference = public_conference(request, slug)
    if not has_outcome(request, "pre_registration", conference):
        return redirect(conference.get_absolute_url())
    return render(
        request,
        "registrations/pre_register_done.html",
        {"conference": conference, "hold_minutes": hold_time(conference).seconds // 60},
    )


@never_cache
def personal(request, token):
    registration = registration_for_link(request, token)
    keep_personal_phases(registration)  # one query for the workshops box and the groups box
    return render(
        request,
        "registrations/personal.html",
        {
            "registration": registration,
            "conference": registration.conference,
            "position": waiting_position(registration),
            "cost": cancellation_cost(
                registration, invoice=current_invoice(registration), now=registration.cancelled_at
            )
            if registration.is_cancelled
            else None,
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def personal_edit(request, token):
    registration = registration_for_token(token)
    if registration.is_cancelled:
        messages.error(request, _("Eine stornierte Anmeldung kann nicht mehr geändert werden."))
        return redirect(registration)
    form = PersonalDataForm(request.POST or None, instance=registration)
    if registration.is_binding:
        lock_membership_fields(form)
    if request.method == "POST":
        if is_rate_limited(request, "personal"):
            return too_many_requests(request)
        if form.is_valid():
            try:
                lifecycle.update_personal_data(registration=registration, data=form.cleaned_data)
            except RegistrationError as error:
                form.add_error("email", str(error))
            else:
                messages.success(request, _("Ihre Angaben wurden gespeichert."))
                return redirect(registration)
    return render(
        request,
        "registrations/personal_edit.html",
        {"registration": registration, "conference": registration.conference, "form": form},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def personal_cancel(request, token):
    registration = registration_for_token(token)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            lifecycle.cancel(registration=registration)
        except RegistrationError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, _("Ihre Anmeldung wurde storniert. Sie erhalten eine Bestätigung per E-Mail.")
            )
        return redirect(registration)
    cost = cancellation_cost(registration, invoice=invoice_concerning(registration))
    return render(
        request,
        "registrations/personal_cancel.html",
        {"registration": registration, "conference": registration.conference, "form": form, "cost": cost},
    )


@never_cache
def personal_confirmation_pdf(request, token):
    registration = registration_for_token(token)
    if is_download_limited(token):
        return render(request, "registrations/download_limited.html", status=429)
    if registration.is_cancelled:
        messages.error(request, _("Für eine stornierte Anmeldung gibt es keine Bestätigung."))
        return redirect(registration)
    pdf = confirmation_pdf(registration)
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = confirmation_filename(registration)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@never_cache
def personal_calendar(request, token):
    """The person's own items as an .ics file: their workshops, evening events, the plenary."""
    registration = registration_for_token(token)
    if registration.is_cancelled:
        messages.error(request, _("Eine stornierte Anmeldung hat keine Termine."))
        return redirect(registration)
    response = HttpResponse(personal_ical(registration), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{personal_calendar_filename(registration)}"'
    return response

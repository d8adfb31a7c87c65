"""Public registration views: thin wrappers around the domain (lifecycle.py) and the queries."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from core.exceptions import RegistrationError
from core.linklimit import is_download_limited
from core.ratelimit import is_rate_limited
from programme.models import Conference

from ...documents.calendar import personal_calendar_filename, personal_ical
from ...documents.confirmation import confirmation_filename, confirmation_pdf
from ...domain import lifecycle
from ...queries.invoices import current_invoice
from ...queries.personal import keep_personal_phases, registration_for_token
from ...queries.places import place_counts, waiting_position
from ...rules.cancellation import cancellation_cost
from ...rules.windows import pre_registration_window
from ..forms.binding import lock_membership_fields
from ..forms.personal import CancelForm, PersonalDataForm, PreRegistrationForm

OUTCOME_SESSION_KEY = "pre_registration_outcome"


def public_conference(request, slug):
    queryset = Conference.objects.all() if request.user.is_staff else Conference.objects.public()
    return get_object_or_404(queryset, slug=slug)


def too_many_requests(request):
    return render(request, "registrations/rate_limited.html", status=429)


@require_http_methods(["GET", "POST"])
def pre_register(request, slug):
    conference = public_conference(request, slug)
    window = pre_registration_window(conference)
    form = PreRegistrationForm(request.POST or None)
    if request.method == "POST":
        if is_rate_limited(request, "pre_register"):
            return too_many_requests(request)
        if form.is_bot:
            return render(request, "registrations/rate_limited.html", {"bot": True}, status=400)
        if window.is_open and form.is_valid():
            try:
                registration, created = lifecycle.pre_register(conference=conference, data=form.cleaned_data)
            except RegistrationError as error:
                form.add_error(None, str(error))
            else:
                request.session[OUTCOME_SESSION_KEY] = {
                    "conference": conference.pk,
                    "created": created,
                    "waiting": created and registration.is_waiting,
                    "position": waiting_position(registration) if created else None,
                }
                return redirect("registrations:pre_register_done", slug=conference.slug)
    return render(
        request,
        "registrations/pre_register.html",
        {"conference": conference, "form": form, "window": window, "counts": place_counts(conference)},
        status=200 if request.method == "GET" or window.is_open else 409,
    )


def pre_register_done(request, slug):
    conference = public_conference(request, slug)
    outcome = request.session.get(OUTCOME_SESSION_KEY)
    if not outcome or outcome.get("conference") != conference.pk:
        return redirect(conference.get_absolute_url())
    return render(
        request, "registrations/pre_register_done.html", {"conference": conference, "outcome": outcome}
    )


@never_cache
def personal(request, token):
    registration = registration_for_token(token)
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
    cost = cancellation_cost(registration, invoice=current_invoice(registration))
    return render(
        request,
        "registrations/personal_cancel.html",
        {"registration": registration, "conference": registration.conference, "form": form, "cost": cost},
    )


@never_cache
def personal_confirmation_pdf(request, token):
    registration = registration_for_token(token)
    if registration.is_cancelled:
        messages.error(request, _("Für eine stornierte Anmeldung gibt es keine Bestätigung."))
        return redirect(registration)
    if is_download_limited(token):
        return render(request, "registrations/download_limited.html", status=429)
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

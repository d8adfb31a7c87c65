"""Binding registration and substitute views: thin wrappers around domain/lifecycle.py."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from core.exceptions import RegistrationError
from core.ratelimit import is_rate_limited

from ...domain import lifecycle
from ...domain.consent import current_terms
from ...queries.completions import was_submitted_for
from ...queries.personal import registration_for_token
from ...queries.places import place_counts, places_left, waiting_position
from ...queries.programme import offered_evening_events
from ...queries.workshops import workshop_choices
from ...rules.holds import hold_time
from ...rules.windows import binding_window, binding_window_for
from ..forms.binding import BindingRegistrationForm, SubstituteForm
from ..outcome import has_outcome, remember_outcome
from .personal import is_public_form_limited, public_conference, registration_for_link, too_many_requests


def _form(request, conference, *, registration=None):
    return BindingRegistrationForm(
        request.POST or None,
        instance=registration,
        conference=conference,
        phases=workshop_choices(conference),
        evening_events=list(offered_evening_events(conference, is_member=True)),
        terms=current_terms(conference),
        needs_privacy_consent=registration is None or registration.privacy_consent_id is None,
    )


def _submit(request, form, conference, *, registration=None):
    """Validate and register; returns (registration, created) or None when the form shows errors."""
    if not form.is_valid():
        return None
    try:
        return lifecycle.register_binding(
            conference=conference,
            data={**form.service_data(), "language": request.LANGUAGE_CODE},
            registration=registration,
            terms=form.terms,  # read for this request's form already, as its workshop phases
            choose_phases=[choice.phase for choice in form.phases],
        )
    except lifecycle.AlreadyRegistered:
        raise
    except RegistrationError as error:
        form.add_error(None, str(error))
        return None


@never_cache
@require_http_methods(["GET", "POST"])
def register_with_link(request, token):
    """The binding form for a pre-registered person, prefilled from their pre-registration."""
    registration = registration_for_link(request, token)
    conference = registration.conference
    if registration.is_cancelled:
        messages.error(
            request, _("Diese Anmeldung ist storniert. Bitte wenden Sie sich an die Geschäftsstelle.")
        )
        return redirect(registration)
    if registration.is_binding and not (
        request.method == "POST" and was_submitted_for(request.POST, registration)
    ):  # a double-clicked submit gets the first answer again (lifecycle.register_binding)
        messages.info(request, _("Sie sind bereits verbindlich angemeldet."))
        return redirect(registration)
    window = binding_window_for(registration)
    form = _form(request, conference, registration=registration)
    if request.method == "POST":
        if is_rate_limited(request, "binding"):
            return too_many_requests(request)
        if form.is_bot:
            return render(request, "registrations/rate_limited.html", {"bot": True}, status=400)
        if window.is_open:
            try:
                outcome = _submit(request, form, conference, registration=registration)
            except lifecycle.AlreadyRegistered:
                messages.info(request, _("Sie sind bereits verbindlich angemeldet."))
                return redirect(registration)
            if outcome is not None:
                registered, _created = outcome
                if registered.holds_place:
                    messages.success(
                        request,
                        _(
                            "Vielen Dank! Sie sind verbindlich angemeldet. Die Bestätigung mit der Rechnung kommt per E-Mail."
                        ),
                    )
                else:
                    messages.success(
                        request,
                        _(
                            "Vielen Dank! Ihre verbindliche Anmeldung gilt, sobald Sie von der Warteliste nachrücken."
                        ),
                    )
                return redirect(registered)
    return render(
        request,
        "registrations/binding_register.html",
        {
            "conference": conference,
            "registration": registration,
            "form": form,
            "window": window,
            "position": waiting_position(registration),
        },
        status=200 if request.method == "GET" or window.is_open else 409,
    )


@require_http_methods(["GET", "POST"])
def register_direct(request, slug):
    """The binding form for people without a pre-registration, while the deadline has not passed."""
    conference = public_conference(request, slug)
    window = binding_window(conference)
    form = _form(request, conference)
    status = 200 if request.method == "GET" or window.is_open else 409
    if request.method == "POST":
        if is_public_form_limited(request, form, "binding"):
            status = 429
        elif form.is_bot:
            return render(request, "registrations/rate_limited.html", {"bot": True}, status=400)
        elif window.is_open:
            outcome = _submit(request, form, conference)
            if outcome is not None:
                # The same answer for a new and a known address (no enumeration): the owner of a
                # known address is told by mail what was sent (lifecycle.register_binding).
                return remember_outcome(
                    redirect("registrations:binding_done", slug=conference.slug),
                    "binding_registration",
                    conference,
                )
    return render(
        request,
        "registrations/binding_register.html",
        {"conference": conference, "form": form, "window": window, "counts": place_counts(conference)},
        status=status,
    )


def register_direct_done(request, slug):
    conference = public_conference(request, slug)
    if not has_outcome(request, "binding_registration", conference):
        return redirect(conference.get_absolute_url())
    return render(
        request,
        "registrations/binding_register_done.html",
        {
            "conference": conference,
            "hold_minutes": hold_time(conference).seconds // 60,
            # Public already (the conference page shows the places left); says nothing about the address.
            "is_full": places_left(conference) <= 0,
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def personal_substitute(request, token):
    registration = registration_for_token(token)
    if not registration.may_name_substitute:
        messages.error(request, _("Eine Ersatzperson können Sie nach der verbindlichen Anmeldung benennen."))
        return redirect(registration)
    form = SubstituteForm(request.POST or None)
    if request.method == "POST":
        if is_rate_limited(request, "personal"):
            return too_many_requests(request)
        if form.is_valid():
            try:
                lifecycle.substitute(registration=registration, data=form.cleaned_data)
            except RegistrationError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    _(
                        "Ihr Platz wurde an %(name)s übergeben. Die Ersatzperson erhält eine Bestätigung mit "
                        "eigenem Link; unter Ihrem Link sehen Sie Ihre beendete Anmeldung."
                    )
                    % {"name": f"{form.cleaned_data['first_name']} {form.cleaned_data['last_name']}"},
                )
                return redirect(registration.conference.get_absolute_url())
    return render(
        request,
        "registrations/personal_substitute.html",
        {"registration": registration, "conference": registration.conference, "form": form},
    )

"""The participant's workshop choice behind the personal link: thin, the rules are in domain/workshops.py."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from core.exceptions import RegistrationError
from core.ratelimit import is_rate_limited

from ...domain import workshops
from ...queries.personal import registration_for_token
from ...queries.workshops import bookings_of, workshop_choices
from ...rules.windows import workshop_change_window
from ..forms.workshops import WorkshopChoiceForm


@never_cache
@require_http_methods(["GET", "POST"])
def personal_workshops(request, token):
    registration = registration_for_token(token)
    window = workshop_change_window(registration)
    if not window.is_open:
        messages.error(request, window.reason)
        return redirect(registration)
    phases = workshop_choices(registration.conference)
    if not any(entry.workshops for entry in phases):
        messages.info(request, _("Bei dieser Tagung gibt es keine Workshops zur Wahl."))
        return redirect(registration)
    form = WorkshopChoiceForm(
        request.POST or None,
        phases=phases,
        current=bookings_of(registration),
        holds_place=registration.holds_place,
    )
    if request.method == "POST":
        if is_rate_limited(request, "personal"):
            return render(request, "registrations/rate_limited.html", status=429)
        if form.is_valid():
            try:
                workshops.choose_workshops(registration=registration, **form.service_arguments())
            except RegistrationError as error:
                # Seats changed since the form was shown: show it again with the current fill.
                messages.error(request, str(error))
                return redirect("registrations:personal_workshops", token=registration.token)
            else:
                messages.success(request, _("Ihre Workshop-Wahl wurde gespeichert."))
                return redirect(registration)
    return render(
        request,
        "registrations/personal_workshops.html",
        {
            "registration": registration,
            "conference": registration.conference,
            "form": form,
            "phases": phases,
        },
    )

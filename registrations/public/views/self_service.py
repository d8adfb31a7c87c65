"""The participant changes their binding registration: billing, evening events, needs, list consent."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from core.exceptions import RegistrationError
from core.ratelimit import is_rate_limited

from ...domain.self_service import update_binding_details
from ...queries.personal import registration_for_token
from ...queries.programme import offered_evening_events
from ..forms.self_service import SelfServiceForm
from .personal import too_many_requests


@never_cache
@require_http_methods(["GET", "POST"])
def personal_change(request, token):
    registration = registration_for_token(token)
    if registration.is_cancelled or not registration.is_binding:
        messages.error(request, _("Diese Angaben ändern Sie nach der verbindlichen Anmeldung."))
        return redirect(registration)
    form = SelfServiceForm(
        request.POST or None,
        instance=registration,
        evening_events=list(offered_evening_events(registration.conference, is_member=True)),
    )
    if request.method == "POST":
        if is_rate_limited(request, "personal"):
            return too_many_requests(request)
        if form.is_valid():
            try:
                change = update_binding_details(registration=registration, data=form.service_data())
            except RegistrationError as error:
                form.add_error(None, str(error))
            else:
                if change.new_invoice is not None:
                    messages.success(
                        request,
                        _(
                            "Ihre Änderungen wurden gespeichert. Die korrigierte Rechnung %(number)s "
                            "und die Stornorechnung der bisherigen erhalten Sie per E-Mail."
                        )
                        % {"number": change.new_invoice.number},
                    )
                elif change.changed:
                    messages.success(request, _("Ihre Änderungen wurden gespeichert."))
                else:
                    messages.info(request, _("Sie haben nichts geändert."))
                return redirect(registration)
    return render(
        request,
        "registrations/personal_change.html",
        {"registration": registration, "conference": registration.conference, "form": form},
    )

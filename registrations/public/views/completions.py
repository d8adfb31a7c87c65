"""The mailed link that applies what a public form brought for a registered person: thin, the rule is
in domain/completions.py and lifecycle.apply_completion."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from core.exceptions import RegistrationError
from core.ratelimit import is_rate_limited

from ...domain import lifecycle
from ...domain.completions import CompletionClosed, closed_reason
from ...queries.completions import completion_for_token, completion_plan, service_data
from .personal import too_many_requests


def _page(request, completion, *, error="", status=200):
    registration = completion.registration
    reason = closed_reason(completion)
    return render(
        request,
        "registrations/completion.html",
        {
            "completion": completion,
            "registration": registration,
            "conference": registration.conference,
            "closed": reason,
            "error": error,
            "plan": None
            if reason
            else completion_plan(registration, service_data(completion), completion.form),
        },
        status=410 if reason else status,
    )


def _applied_message(registration, *, became_binding):
    if not became_binding:
        return _("Ihre Angaben wurden übernommen.")
    if registration.holds_place:
        return _(
            "Ihre Angaben wurden übernommen: Sie sind verbindlich angemeldet. Die Bestätigung mit der "
            "Rechnung kommt per E-Mail."
        )
    return _(
        "Ihre Angaben wurden übernommen: Ihre verbindliche Anmeldung gilt, sobald Sie von der Warteliste "
        "nachrücken. Die Bestätigung kommt per E-Mail."
    )


@never_cache
@require_http_methods(["GET", "POST"])
def completion(request, completion_token):
    """GET shows what would change (a mail scanner that follows links applies nothing); POST applies it.

    The link's secret is a completion's, not a personal link's (hence its own URL keyword)."""
    completion = completion_for_token(completion_token)
    if request.method == "GET":
        return _page(request, completion)
    if is_rate_limited(request, "personal"):
        return too_many_requests(request)
    was_binding = completion.registration.is_binding
    try:
        registration = lifecycle.apply_completion(completion=completion)
    except CompletionClosed:
        completion.refresh_from_db()
        return _page(request, completion)
    except RegistrationError as error:
        return _page(request, completion, error=str(error), status=409)
    messages.success(
        request, _applied_message(registration, became_binding=registration.is_binding and not was_binding)
    )
    return redirect(registration)

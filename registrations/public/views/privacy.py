"""The person's data-protection rights on their personal page: a copy of their data, deletion."""

import json

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from core.ratelimit import is_download_limited, is_rate_limited

from ...domain import invitations, privacy
from ...queries.personal import registration_for_token
from ...queries.privacy import personal_data


class DeletionRequestForm(forms.Form):
    confirm = forms.BooleanField(
        label=gettext_lazy("Ja, bitte löschen Sie meine personenbezogenen Daten."),
        error_messages={"required": gettext_lazy("Bitte bestätigen Sie den Löschantrag.")},
    )


@never_cache
@require_GET
def personal_data_export(request, token):
    registration = registration_for_token(token)
    if is_download_limited(token):
        return render(request, "registrations/download_limited.html", status=429)
    return data_download(personal_data(registration), "meine-daten.json")


def data_download(data, filename):
    """A copy of stored data as a JSON file to download (DSGVO Art. 15, 20), readable umlauts."""
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def personal_deletion_request(request, token):
    registration = registration_for_token(token)
    form = DeletionRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if is_rate_limited(request, "personal"):
            return render(request, "registrations/rate_limited.html", status=429)
        if form.is_valid():
            privacy.request_deletion(registration=registration)
            messages.success(
                request,
                _(
                    "Ihr Löschantrag ist eingegangen. Die Geschäftsstelle bearbeitet ihn und "
                    "meldet sich innerhalb eines Monats bei Ihnen."
                ),
            )
            return redirect(registration)
    return render(
        request,
        "registrations/personal_deletion.html",
        {"registration": registration, "conference": registration.conference, "form": form},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def personal_invitations(request, token):
    """Give or withdraw the consent to future invitations from the personal page.

    A GET (a bookmarked or reloaded address) changes nothing and leads to the personal page;
    a wrong token gets the same 404 as every personal page."""
    registration = registration_for_token(token)
    if request.method != "POST":
        return redirect(registration)
    if is_rate_limited(request, "personal"):
        return render(request, "registrations/rate_limited.html", status=429)
    if request.POST.get("consent") == "give":
        invitations.give_invitation_consent(registration=registration)
        messages.success(request, _("Sie erhalten künftig die Einladungen zu unseren Tagungen."))
    else:
        invitations.withdraw_invitation_consent(registration=registration)
        messages.success(
            request,
            _("Sie erhalten keine Einladungen mehr. Name und E-Mail-Adresse für diesen Zweck sind gelöscht."),
        )
    return redirect(registration)


@never_cache
@require_http_methods(["GET", "POST"])
def invitation_withdraw(request, withdrawal_token):
    """The link in every invitation: a page with one button (a mail scanner's GET withdraws nothing).

    The answer is the same whether or not the link was valid: it reveals nothing. The token is an
    InvitationContact's, not a personal link (its own URL keyword, like `completion_token`): it opens
    no personal page, so the personal-link rules (tests/security/test_tokens.py) do not apply.
    """
    if request.method == "POST":
        if is_rate_limited(request, "personal"):
            return render(request, "registrations/rate_limited.html", status=429)
        invitations.withdraw_invitation_consent(token=withdrawal_token)
        return render(request, "registrations/invitation_withdraw.html", {"done": True})
    return render(request, "registrations/invitation_withdraw.html", {"done": False})

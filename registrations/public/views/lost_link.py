"""'Link vergessen?': one address in, the same answer out, whatever the address."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.ratelimit import is_rate_limited

from ...domain.lost_link import send_lost_links
from ..forms.lost_link import LostLinkForm
from .personal import too_many_requests


@require_http_methods(["GET", "POST"])
def lost_link(request):
    form = LostLinkForm(request.POST or None)
    if request.method == "POST":
        if is_rate_limited(request, "lost_link"):
            return too_many_requests(request)
        if form.is_valid():
            send_lost_links(email=form.cleaned_data["email"])
            messages.success(request, lost_link_answer())
            return redirect("registrations:lost_link")
    return render(request, "registrations/lost_link.html", {"form": form})


def lost_link_answer():
    """The one answer, for registered and unknown addresses alike."""
    return _(
        "Falls diese Adresse angemeldet ist, haben wir Ihnen den Link geschickt. "
        "Bitte sehen Sie auch im Spam-Ordner nach."
    )

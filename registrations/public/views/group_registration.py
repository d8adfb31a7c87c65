"""Group registration by a contact, and the contact's group page: thin wrappers around
domain/group_registrations.py and domain/lifecycle.py."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from core.exceptions import RegistrationError
from core.ratelimit import is_download_limited, is_form_post_limited, is_rate_limited

from ...documents.invoice import invoice_filename, invoice_pdf
from ...domain import group_registrations, lifecycle
from ...domain.consent import current_terms
from ...queries.group_registrations import group_for_token, group_overview
from ...queries.invoices import invoice_concerning
from ...queries.places import place_counts
from ...queries.privacy import group_personal_data
from ...queries.workshops import workshop_choices
from ...rules.cancellation import cancellation_cost
from ...rules.group_registrations import MAX_MEMBERS
from ...rules.holds import hold_time
from ...rules.windows import binding_window
from ..forms.binding import SubstituteForm
from ..forms.group_registration import GroupContactForm, GroupNeedsForm, group_member_formset
from ..forms.personal import CancelForm
from ..outcome import has_outcome, remember_outcome
from .personal import RATE_LIMITED_MESSAGE, public_conference, too_many_requests
from .privacy import data_download

DEFAULT_ROWS = 3


def _rows(request):
    try:
        return max(1, min(int(request.GET.get("personen", DEFAULT_ROWS)), MAX_MEMBERS))
    except ValueError:
        return DEFAULT_ROWS


@require_http_methods(["GET", "POST"])
def group_register(request, slug):
    """One contact registers several colleagues bindingly; the same answer for every address."""
    conference = public_conference(request, slug)
    window = binding_window(conference)
    terms = current_terms(conference)
    phases = workshop_choices(conference)
    rows = _rows(request)
    form = GroupContactForm(request.POST or None, terms=terms)
    members = group_member_formset(rows=rows)(request.POST or None, prefix="person", phases=phases)
    status = 200 if request.method == "GET" or window.is_open else 409
    if request.method == "POST":
        valid = form.is_valid() and members.is_valid()
        email = form.cleaned_data.get("contact_email", "") if form.is_valid() else ""
        if is_form_post_limited(request, "group_register", email=email, is_valid=valid):
            form.add_error(None, RATE_LIMITED_MESSAGE)
            status = 429
        elif form.is_bot:
            return render(request, "registrations/rate_limited.html", {"bot": True}, status=400)
        elif window.is_open and valid:
            try:
                group_registrations.register_group(
                    conference=conference,
                    data={**form.cleaned_data, "language": request.LANGUAGE_CODE},
                    members=members.members(),
                )
            except RegistrationError as error:
                form.add_error(None, str(error))
            else:
                return remember_outcome(
                    redirect("registrations:group_done", slug=conference.slug),
                    "group_registration",
                    conference,
                )
    return render(
        request,
        "registrations/group_register.html",
        {
            "conference": conference,
            "form": form,
            "members": members,
            "window": window,
            "counts": place_counts(conference),
            "rows": rows,
            "more_rows": min(rows + 3, MAX_MEMBERS),
            "max_members": MAX_MEMBERS,
        },
        status=status,
    )


def group_done(request, slug):
    conference = public_conference(request, slug)
    if not has_outcome(request, "group_registration", conference):
        return redirect(conference.get_absolute_url())
    return render(
        request,
        "registrations/group_register_done.html",
        {"conference": conference, "hold_minutes": hold_time(conference).seconds // 60},
    )


def _group_for_link(request, token):
    """The group behind the contact's link; opening it confirms the contact's address and so
    the holds of the colleagues registered under it (domain.group_registrations.confirm_group)."""
    group = group_for_token(token)
    if group.email_confirmed_at is None:
        group = group_registrations.confirm_group(group=group)
        messages.success(request, _("Danke, Ihre E-Mail-Adresse ist bestätigt. Die Anmeldungen gelten."))
    return group


@never_cache
def group_page(request, token):
    group = _group_for_link(request, token)
    return render(
        request,
        "registrations/group_page.html",
        {"group": group, "conference": group.conference, **group_overview(group)},
    )


def _member(request, group, registration_id):
    try:
        return group_registrations.member_of(group, registration_id)
    except RegistrationError as error:
        messages.error(request, str(error))
        return None


@never_cache
@require_http_methods(["GET", "POST"])
def group_member_cancel(request, token, registration_id):
    group = group_for_token(token)
    member = _member(request, group, registration_id)
    if member is None or member.is_cancelled:
        return redirect(group)
    form = CancelForm(request.POST or None)
    if request.method == "POST":
        if is_rate_limited(request, "personal"):
            return too_many_requests(request)
        if form.is_valid():
            try:
                lifecycle.cancel(registration=member)
            except RegistrationError as error:
                messages.error(request, str(error))
            else:
                messages.success(
                    request, _("Die Anmeldung von %(name)s wurde storniert.") % {"name": member.full_name}
                )
            return redirect(group)
    cost = cancellation_cost(member, invoice=invoice_concerning(member))
    return render(
        request,
        "registrations/group_member_cancel.html",
        {"group": group, "conference": group.conference, "member": member, "form": form, "cost": cost},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def group_member_substitute(request, token, registration_id):
    group = group_for_token(token)
    member = _member(request, group, registration_id)
    if member is None or not member.may_name_substitute:
        return redirect(group)
    form = SubstituteForm(request.POST or None)
    form.fields["confirm"].label = _(
        "%(name)s gibt den Platz an diese Person ab. Sie erhält eine Bestätigung; ohne eigene Adresse "
        "an Ihre Adresse."
    ) % {"name": member.full_name}
    form.fields["email"].required = False
    form.fields["email"].label = _("Eigene E-Mail-Adresse (optional)")
    if request.method == "POST":
        if is_rate_limited(request, "personal"):
            return too_many_requests(request)
        if form.is_valid():
            data = {**form.cleaned_data, "email": form.cleaned_data.get("email") or group.contact_email}
            try:
                lifecycle.substitute(registration=member, data=data)
            except RegistrationError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    _("Der Platz von %(previous)s ist an %(name)s übergeben.")
                    % {
                        "previous": member.full_name,
                        "name": f"{form.cleaned_data['first_name']} {form.cleaned_data['last_name']}",
                    },
                )
                return redirect(group)
    return render(
        request,
        "registrations/group_member_substitute.html",
        {"group": group, "conference": group.conference, "member": member, "form": form},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def group_member_needs(request, token, registration_id):
    group = group_for_token(token)
    member = _member(request, group, registration_id)
    if member is None or member.is_cancelled:
        return redirect(group)
    form = GroupNeedsForm(
        request.POST or None,
        initial={"dietary_needs": member.dietary_needs, "accessibility_needs": member.accessibility_needs},
    )
    if request.method == "POST":
        if is_rate_limited(request, "personal"):
            return too_many_requests(request)
        if form.is_valid():
            try:
                group_registrations.set_needs_by_contact(
                    group=group,
                    registration=member,
                    dietary_needs=form.cleaned_data["dietary_needs"],
                    accessibility_needs=form.cleaned_data["accessibility_needs"],
                    colleague_agreed=form.cleaned_data["needs_agreed"],
                )
            except RegistrationError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request, _("Die Angaben für %(name)s sind gespeichert.") % {"name": member.full_name}
                )
                return redirect(group)
    return render(
        request,
        "registrations/group_member_needs.html",
        {"group": group, "conference": group.conference, "member": member, "form": form},
    )


@never_cache
def group_invoice_pdf(request, token, number):
    """An invoice of the group (collective, or a colleague's own) as PDF, behind the contact's link."""
    group = group_for_token(token)
    invoice = next((found for found in group_overview(group)["invoices"] if found.number == number), None)
    if invoice is None:
        raise Http404
    if is_download_limited(token):
        return render(request, "registrations/download_limited.html", status=429)
    response = HttpResponse(invoice_pdf(invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{invoice_filename(invoice)}"'
    return response


@never_cache
@require_http_methods(["GET"])
def group_data_export(request, token):
    """The contact's copy of everything stored about the group registration (DSGVO Art. 15, 20)."""
    group = group_for_token(token)
    if is_download_limited(token):
        return render(request, "registrations/download_limited.html", status=429)
    return data_download(group_personal_data(group), "meine-daten-gruppe.json")

"""Check-in on site: the desk's phone page, its JSON endpoints, desk payments, receipts, the assembly list.

Mounted in the admin (AttendanceAdmin.get_urls) behind `admin_view` (staff
login). Recording attendance needs only `registrations.record_attendance`
(the "Check-in" role); taking money needs `registrations.add_payment` (the
office). The phone page scans badges with the camera (static/js/checkin.js,
jsQR) and keeps scans that fail to send in the browser until they go through;
the scan endpoint is idempotent, so sending a scan twice records it once.
"""

import datetime as dt
import json
from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from core.exceptions import RegistrationError
from core.formatting import euro
from programme.models import Conference, ProgrammeItem

from ..documents.desk import assembly_list_pdf, receipt_filename, receipt_pdf
from ..domain.attendance import record_attendance
from ..domain.payments import record_payment
from ..models import Attendance, Payment, Registration
from ..queries import attendance as queries
from ..queries.invoices import current_invoice
from ..rules.attendance import checkin_refusal, conference_days, default_checkin_day
from ..rules.desk import CARD, CASH, DESK_METHODS, desk_payment_note, desk_payment_refusal

RECORD = "registrations.record_attendance"
VIEW = "registrations.view_attendance"
TAKE_MONEY = "registrations.add_payment"


def _require(request, *permissions):
    if not any(request.user.has_perm(p) for p in permissions):
        raise PermissionDenied


def _day_label(day):
    """'Dienstag, 1. Dezember': what a person at the desk says."""
    return date_format(day, "l, j. F")


def _day_option(day, count):
    """The day picker's text with the number checked in so far."""
    people = ngettext("%(count)s Person", "%(count)s Personen", count) % {"count": count}
    return f"{_day_label(day)} ({people})"


def _parse_day(conference, value):
    """A conference day from 'YYYY-MM-DD', or None."""
    try:
        day = dt.date.fromisoformat(value or "")
    except (TypeError, ValueError):
        return None
    return day if day in conference_days(conference) else None


def person_json(person):
    """What the phone shows of a person (German display values, computed here once)."""
    r = person.registration
    return {
        "id": r.pk,
        "name": r.full_name,
        "organisation": r.organisation,
        "status": r.get_status_display(),
        "holds_place": r.holds_place,
        "open_amount": euro(person.open_amount) if person.open_amount else "",
        "days": [day.isoformat() for day in person.days],
        "day_labels": [_day_label(day) for day in person.days],
        "desk_url": reverse("admin:registrations_checkin_desk", args=[r.pk]),
    }


def checkin_start(request):
    """Which conference the desk works for: running and coming ones first."""
    _require(request, RECORD)
    now = timezone.now()
    conferences = list(
        Conference.objects.filter(ends_at__gte=now - dt.timedelta(days=7)).order_by("starts_at")
    )
    if len(conferences) == 1:
        return redirect("admin:registrations_checkin", conferences[0].pk)
    context = {
        **admin.site.each_context(request),
        "title": _("Check-in vor Ort"),
        "conferences": conferences,
        "opts": Attendance._meta,
    }
    return TemplateResponse(request, "admin/registrations/checkin/start.html", context)


def checkin_page(request, conference_id):
    """The phone page: scan, search, record; the day to record is chosen at the top."""
    _require(request, RECORD)
    conference = get_object_or_404(Conference, pk=conference_id)
    days = conference_days(conference)
    current = _parse_day(conference, request.GET.get("tag")) or default_checkin_day(conference)
    counts = queries.checkin_summary(conference, days)
    context = {
        "title": _("Check-in: %(conference)s") % {"conference": conference.title},
        "conference": conference,
        "days": [(day, _day_option(day, counts[day])) for day in days],
        "current_day": current,
        "assemblies": queries.assemblies(conference),
        "may_view_lists": request.user.has_perm(VIEW),
        "scan_url": reverse("admin:registrations_checkin_scan", args=[conference.pk]),
        "search_url": reverse("admin:registrations_checkin_search", args=[conference.pk]),
    }
    return TemplateResponse(request, "admin/registrations/checkin/page.html", context)


@require_POST
def checkin_scan(request, conference_id):
    """Record one scan or search pick (JSON in, JSON out); sending it again records nothing new."""
    _require(request, RECORD)
    conference = get_object_or_404(Conference, pk=conference_id)
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        data = None
    if not isinstance(data, dict):
        return JsonResponse({"ok": False, "error": _("Die Anfrage war unvollständig.")}, status=400)
    day = _parse_day(conference, data.get("day"))
    if day is None:
        return JsonResponse({"ok": False, "error": _("Bitte einen Tag der Tagung wählen.")}, status=400)
    registration = None
    if token := data.get("token"):
        registration = queries.registration_for_badge(conference, str(token))
    elif str(data.get("registration", "")).isdigit():
        registration = Registration.objects.filter(
            conference=conference, pk=int(data["registration"])
        ).first()
    if registration is None:
        return JsonResponse(
            {"ok": False, "error": _("Dieses Namensschild gehört zu keiner Anmeldung dieser Tagung.")},
            status=404,
        )
    try:
        _attendance, created = record_attendance(registration=registration, day=day, by=request.user)
    except RegistrationError as error:
        person = queries.checkin_person(registration)
        return JsonResponse({"ok": False, "error": str(error), "person": person_json(person)}, status=409)
    person = queries.checkin_person(registration)
    message = (_("Eingecheckt für %(day)s.") if created else _("War für %(day)s schon eingecheckt.")) % {
        "day": _day_label(day)
    }
    count = queries.checkin_summary(conference, [day])[day]
    return JsonResponse(
        {
            "ok": True,
            "created": created,
            "message": message,
            "person": person_json(person),
            "day": day.isoformat(),
            "day_option": _day_option(day, count),
        }
    )


@require_GET
def checkin_search(request, conference_id):
    """People by name or organisation, for a badge that is missing or does not scan."""
    _require(request, RECORD)
    conference = get_object_or_404(Conference, pk=conference_id)
    people = queries.search_people(conference, request.GET.get("q", "")[:100])
    return JsonResponse({"results": [person_json(p) for p in people]})


class DeskPaymentForm(forms.Form):
    amount = forms.DecimalField(
        label=gettext_lazy("Betrag in €"),
        max_digits=8,
        decimal_places=2,
        min_value=Decimal("0.01"),
        localize=True,
    )
    method = forms.ChoiceField(
        label=gettext_lazy("Zahlungsart"), choices=DESK_METHODS, widget=forms.RadioSelect, initial=CASH
    )

    def __init__(self, *args, open_amount, **kwargs):
        super().__init__(*args, **kwargs)
        self.open_amount = open_amount
        self.fields["amount"].initial = open_amount

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("amount") is not None:
            if refusal := desk_payment_refusal(cleaned["amount"], self.open_amount):
                self.add_error("amount", refusal)
        return cleaned


def checkin_desk(request, registration_id):
    """One person at the desk: the days recorded, check in by hand, take a cash or card payment."""
    _require(request, RECORD)
    registration = get_object_or_404(Registration.objects.select_related("conference"), pk=registration_id)
    conference = registration.conference
    person = queries.checkin_person(registration)
    may_take_money = request.user.has_perm(TAKE_MONEY)
    form = None
    if may_take_money and person.open_amount > 0:
        form = DeskPaymentForm(open_amount=person.open_amount)
    if request.method == "POST":
        if "day" in request.POST:
            day = _parse_day(conference, request.POST["day"])
            if day is None:
                messages.error(request, _("Bitte einen Tag der Tagung wählen."))
            else:
                try:
                    _attendance, created = record_attendance(
                        registration=registration, day=day, by=request.user
                    )
                except RegistrationError as error:
                    messages.error(request, str(error))
                else:
                    messages.success(
                        request,
                        (
                            _("Eingecheckt für %(day)s.")
                            if created
                            else _("War für %(day)s schon eingecheckt.")
                        )
                        % {"day": _day_label(day)},
                    )
            return redirect(request.path)
        if not may_take_money:
            raise PermissionDenied
        form = DeskPaymentForm(request.POST, open_amount=person.open_amount)
        if form.is_valid():
            try:
                payment = record_payment(
                    registration=registration,
                    amount=form.cleaned_data["amount"],
                    received_on=timezone.localdate(),
                    note=desk_payment_note(form.cleaned_data["method"]),
                    by=request.user,
                )
            except RegistrationError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    _("%(amount)s (%(method)s) erfasst. Die Quittung steht unten zum Drucken bereit.")
                    % {"amount": euro(payment.amount), "method": payment.note},
                )
                return redirect(request.path)
    days = conference_days(conference)
    receipts = Payment.objects.filter(
        registration=registration, note__in=[CASH, CARD], amount__gt=0
    ).order_by("-created_at")
    context = {
        "title": registration.full_name,
        "conference": conference,
        "registration": registration,
        "person": person,
        "open_amount": euro(person.open_amount) if person.open_amount else "",
        "refusal": checkin_refusal(registration, days[0]),
        "days": [(day, _day_label(day), day in person.days) for day in days],
        "form": form,
        "may_take_money": may_take_money,
        "receipts": [(p, euro(p.amount)) for p in receipts] if may_take_money else [],
        "back_url": reverse("admin:registrations_checkin", args=[conference.pk]),
    }
    return TemplateResponse(request, "admin/registrations/checkin/desk.html", context)


def checkin_receipt(request, payment_id):
    """The receipt (Quittung) of a payment taken at the desk, as PDF."""
    _require(request, TAKE_MONEY)
    payment = get_object_or_404(
        Payment.objects.select_related("registration__conference", "recorded_by"), pk=payment_id
    )
    content = receipt_pdf(payment, invoice=current_invoice(payment.registration))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{receipt_filename(payment)}"'
    return response


def assembly_list(request, item_id):
    """The attendance list of a members' assembly: every eligible member, with a signature column."""
    _require(request, VIEW, RECORD)
    item = get_object_or_404(
        ProgrammeItem.objects.select_related("conference"), pk=item_id, kind=ProgrammeItem.Kind.ASSEMBLY
    )
    content = assembly_list_pdf(item, queries.assembly_members(item))
    response = HttpResponse(content, content_type="application/pdf")
    day = timezone.localtime(item.starts_at).date()
    response["Content-Disposition"] = f'inline; filename="Anwesenheitsliste-Mitgliederversammlung_{day}.pdf"'
    return response


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    """Recorded check-ins, for reading; they are made on the check-in page, not edited here."""

    list_display = ["name", "organisation", "day", "recorded_at", "recorded_by"]
    list_filter = ["registration__conference", "day"]
    search_fields = ["registration__last_name", "registration__first_name", "registration__organisation"]
    list_select_related = ["registration", "recorded_by"]
    fields = ["registration", "day", "recorded_at", "recorded_by"]
    readonly_fields = fields
    actions = None  # nothing to do with a selection; deleting goes through the row

    @admin.display(description=gettext_lazy("Name"), ordering="registration__last_name")
    def name(self, obj):
        return obj.registration.sort_name

    @admin.display(description=gettext_lazy("Organisation"), ordering="registration__organisation")
    def organisation(self, obj):
        return obj.registration.organisation

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("checkin/", wrap(checkin_start), name="registrations_checkin_start"),
            path("checkin/<int:conference_id>/", wrap(checkin_page), name="registrations_checkin"),
            path("checkin/<int:conference_id>/scan/", wrap(checkin_scan), name="registrations_checkin_scan"),
            path(
                "checkin/<int:conference_id>/search/",
                wrap(checkin_search),
                name="registrations_checkin_search",
            ),
            path(
                "checkin/person/<int:registration_id>/", wrap(checkin_desk), name="registrations_checkin_desk"
            ),
            path(
                "checkin/receipt/<int:payment_id>/",
                wrap(checkin_receipt),
                name="registrations_checkin_receipt",
            ),
            path("checkin/assembly/<int:item_id>/", wrap(assembly_list), name="registrations_assembly_list"),
            *super().get_urls(),
        ]

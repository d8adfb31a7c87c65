"""The office's money tools: invoices (read-only, PDF), payments, reminders, overdue list.

`MoneyRegistrationMixin` is mixed into `RegistrationAdmin` (admin.py): the
payment inline, the actions and the "überfällig" filter. Every action calls a
service (domain/invoicing.py, domain/payments.py) and checks the Django
model permissions for payments, so a role without payment rights (no
`registrations.add_payment` / `change_payment`) sees no money actions.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.exceptions import RegistrationError
from core.formatting import euro

from ..documents.einvoice import cii_xml, is_xrechnung, xml_filename
from ..documents.invoice import invoice_filename, invoice_pdf
from ..documents.sepa import refund_transfer_file, transfer_filename
from ..domain import invoicing, payments
from ..models import Invoice, Payment, PaymentReminder, Registration
from ..queries.balances import balance, balances_for, with_balance
from ..queries.invoices import (
    REMINDER,
    invoices_with_dunning,
    last_reminder_at,
    named_invoices_q,
    overdue_invoices_q,
    overdue_q,
    with_collective_invoice,
)
from ..rules.payments import OWED_BACK, OWING
from ..rules.refunds import refund_blocker
from .circulars import CircularActionMixin, circular_action
from .confirm import confirm_first
from .dunning import reminder_action
from .history import ReadOnlyHistoryAdmin


def _pdf_link(invoice):
    url = reverse("admin:registrations_invoice_pdf", args=[invoice.pk])
    link = format_html('<a href="{}">{}</a>', url, invoice_filename(invoice))
    if not is_xrechnung(invoice):
        return link
    xml_url = reverse("admin:registrations_invoice_xml", args=[invoice.pk])
    return format_html('{} · <a href="{}">{}</a>', link, xml_url, _("XML"))


class OverdueInvoiceFilter(admin.SimpleListFilter):
    """The overdue list: valid invoices past due whose registration still owes money."""

    title = _("überfällig")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Zahlung überfällig"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(overdue_invoices_q(timezone.localdate()))
        return queryset


class PortalFilter(admin.SimpleListFilter):
    """E-invoices (with a Leitweg-ID) the office has or has not yet uploaded to the buyer's portal."""

    title = _("im Portal eingereicht")
    parameter_name = "portal"

    def lookups(self, request, model_admin):
        return [("yes", _("eingereicht")), ("no", _("mit Leitweg-ID, noch nicht eingereicht"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(submitted_to_portal_on__isnull=False)
        if self.value() == "no":
            return queryset.filter(submitted_to_portal_on__isnull=True).exclude(leitweg_id="")
        return queryset


@admin.register(Invoice)
class InvoiceAdmin(CircularActionMixin, ReadOnlyHistoryAdmin):
    """Issued invoices are never edited: corrections go through Storno and a new invoice."""

    # Kind and conference are filters: the overdue list needs the room for level and last reminder.
    list_display = [
        "number",
        "issued_display",
        "participant_name",
        "amount_display",
        "open_display",
        "due_display",
        "dunning_level_display",
        "last_reminder_display",
        "cancellation",
        "portal_display",
        "pdf",
    ]
    list_filter = [
        "kind",
        "year",
        "registration__conference",
        OverdueInvoiceFilter,
        PortalFilter,
    ]
    actions = [
        "send_reminders_action",
        "mark_submitted_to_portal_action",
        circular_action(registration_field="registration_id"),
    ]
    search_fields = ["number", "participant_name", "recipient", "order_number", "leitweg_id"]
    list_select_related = ["registration", "cancels", "cancelled_by"]
    date_hierarchy = "issued_on"
    readonly_fields = [
        "number",
        "kind",
        "registration",
        "cancels",
        "issued_on",
        "due_on",
        "recipient",
        "recipient_email",
        "order_number",
        "cost_centre",
        "leitweg_id",
        "participant_name",
        "description",
        "service_period",
        "service_place",
        "amount",
        "credited_payments",
        "submitted_to_portal_on",
        "created_at",
        "pdf",
    ]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Betrag"), ordering="amount")
    def amount_display(self, obj):
        return euro(obj.amount)

    def get_queryset(self, request):
        return invoices_with_dunning(super().get_queryset(request))

    def get_search_results(self, request, queryset, search_term):
        """Also finds an invoice by its number written as loosely as in a bank transfer
        (`RE 2026/3`), as the registration list does (queries.invoices.named_invoices_q)."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if not search_term.strip():
            return results, may_have_duplicates
        return results | queryset.filter(named_invoices_q(search_term)), may_have_duplicates

    @admin.display(description=_("Rechnungsdatum"), ordering="issued_on")
    def issued_display(self, obj):
        return date_format(obj.issued_on, "d.m.Y")

    @admin.display(description=_("fällig am"), ordering="due_on")
    def due_display(self, obj):
        return date_format(obj.due_on, "d.m.Y")

    @admin.display(description=_("im Portal eingereicht"), ordering="submitted_to_portal_on")
    def portal_display(self, obj):
        return date_format(obj.submitted_to_portal_on, "d.m.Y") if obj.submitted_to_portal_on else "–"

    @admin.display(description=_("offen"))
    def open_display(self, obj):
        if obj.kind != Invoice.Kind.INVOICE:
            return "–"
        return euro(obj.registration_invoiced - obj.registration_paid)

    @admin.display(description=_("Mahnstufe"), ordering="dunning_level")
    def dunning_level_display(self, obj):
        level = getattr(obj, "dunning_level", None)
        return PaymentReminder.Level(level).label if level else "–"

    @admin.display(description=_("letzte Erinnerung"), ordering="last_reminder_sent_at")
    def last_reminder_display(self, obj):
        value = getattr(obj, "last_reminder_sent_at", None)
        return timezone.localtime(value).strftime("%d.%m.%Y") if value else "–"

    def has_manage_payment_permission(self, request):
        return request.user.has_perm("registrations.change_payment")

    @admin.action(
        description=_("Zahlungserinnerung oder Mahnung senden (mit Vorschau)"), permissions=["manage_payment"]
    )
    def send_reminders_action(self, request, queryset):
        selected = list(queryset.values_list("pk", flat=True))
        return reminder_action(
            self,
            request,
            registrations=Registration.objects.filter(invoices__in=selected).distinct(),
            selected=selected,
            action="send_reminders_action",
        )

    @admin.action(description=_("Als im Portal eingereicht vermerken"), permissions=["manage_payment"])
    def mark_submitted_to_portal_action(self, request, queryset):
        """Asks the date (today preset), then notes it on each selected invoice."""
        form = DateForm(
            request.POST if "apply" in request.POST else None,
            initial={"on": timezone.localdate()},
            label=_("im Portal eingereicht am"),
        )
        if "apply" in request.POST and form.is_valid():
            count = invoicing.mark_submitted_to_portal(invoices=queryset, on=form.cleaned_data["on"])
            self.message_user(
                request,
                ngettext(
                    "%(n)d Rechnung als im Portal eingereicht vermerkt.",
                    "%(n)d Rechnungen als im Portal eingereicht vermerkt.",
                    count,
                )
                % {"n": count},
                messages.SUCCESS,
            )
            return None
        return date_form_page(
            self,
            request,
            form=form,
            title=_("Im Portal eingereicht"),
            items=[f"{invoice} – {invoice.participant_name}" for invoice in queryset],
            selected=list(queryset.values_list("pk", flat=True)),
            action="mark_submitted_to_portal_action",
            submit=_("Vermerken"),
        )

    @admin.display(description=_("Storno"))
    def cancellation(self, obj):
        if obj.kind == Invoice.Kind.CANCELLATION:
            return _("zu %(number)s") % {"number": obj.cancels.number}
        cancelled_by = getattr(obj, "cancelled_by", None)
        return _("storniert durch %(number)s") % {"number": cancelled_by.number} if cancelled_by else "–"

    @admin.display(description=_("PDF / XML"))
    def pdf(self, obj):
        return _pdf_link(obj) if obj.pk else "–"

    def get_urls(self):
        return [
            path(
                "<int:object_id>/pdf/",
                self.admin_site.admin_view(self.pdf_view),
                name="registrations_invoice_pdf",
            ),
            path(
                "<int:object_id>/xml/",
                self.admin_site.admin_view(self.xml_view),
                name="registrations_invoice_xml",
            ),
            *super().get_urls(),
        ]

    def pdf_view(self, request, object_id):
        invoice = get_object_or_404(Invoice.objects.select_related("cancels"), pk=object_id)
        if not self.has_view_permission(request, invoice):
            raise PermissionDenied
        response = HttpResponse(invoice_pdf(invoice), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{invoice_filename(invoice)}"'
        return response

    def xml_view(self, request, object_id):
        """The XRechnung XML for upload to the buyer's portal (invoices with a Leitweg-ID)."""
        invoice = get_object_or_404(
            Invoice.objects.select_related("cancels", "registration__conference"), pk=object_id
        )
        if not self.has_view_permission(request, invoice):
            raise PermissionDenied
        if not is_xrechnung(invoice):
            raise Http404
        response = HttpResponse(cii_xml(invoice), content_type="application/xml")
        response["Content-Disposition"] = f'attachment; filename="{xml_filename(invoice)}"'
        return response


class PaymentAdminForm(forms.ModelForm):
    # German input: "250,00"; a negative amount is a refund. The label names the currency,
    # because the payment rows on the person's page show the bare number under it.
    amount = forms.DecimalField(label=_("Betrag in €"), max_digits=8, decimal_places=2, localize=True)

    class Meta:
        model = Payment
        fields = ["registration", "amount", "received_on", "note"]
        labels = {"amount": _("Betrag in €")}  # the inline's header over rows it shows read-only


@admin.register(Payment)
class PaymentAdmin(ReadOnlyHistoryAdmin):
    """Payments are entered through the service (the status follows); a mistake is corrected by a counter-entry."""

    form = PaymentAdminForm
    list_display = ["received_on", "registration", "amount_display", "note", "recorded_by", "created_at"]
    list_filter = ["registration__conference", "received_on"]
    search_fields = ["registration__last_name", "registration__first_name", "registration__email", "note"]
    list_select_related = ["registration__conference", "recorded_by"]
    autocomplete_fields = ["registration"]
    date_hierarchy = "received_on"

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Betrag"), ordering="amount")
    def amount_display(self, obj):
        return euro(obj.amount)

    def save_model(self, request, obj, form, change):
        payment = payments.record_payment(
            registration=form.cleaned_data["registration"],
            amount=form.cleaned_data["amount"],
            received_on=form.cleaned_data["received_on"],
            note=form.cleaned_data["note"],
            by=request.user,
        )
        obj.pk = payment.pk


class PaymentInline(admin.TabularInline):
    """Payments of a registration; new rows go through `record_payment`, old rows stay as they are."""

    model = Payment
    form = PaymentAdminForm
    fields = ["received_on", "amount", "note", "recorded_by", "created_at"]
    readonly_fields = ["recorded_by", "created_at"]
    extra = 0
    can_delete = False
    verbose_name = _("Zahlung oder Erstattung (negativ)")
    verbose_name_plural = _("Zahlungen")

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("recorded_by", "registration")


class InvoiceInline(admin.TabularInline):
    """The registration's invoices on the person's page: each with its state and what is still open."""

    model = Invoice
    fk_name = "registration"
    fields = [
        "number",
        "kind",
        "issued_display",
        "due_display",
        "amount_display",
        "state",
        "open_display",
        "pdf",
    ]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = _("Rechnungen")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return invoices_with_dunning(
            super().get_queryset(request).select_related("registration", "cancels", "cancelled_by")
        )

    @admin.display(description=_("Rechnungsdatum"))
    def issued_display(self, obj):
        return date_format(obj.issued_on, "d.m.Y")

    @admin.display(description=_("fällig am"))
    def due_display(self, obj):
        return date_format(obj.due_on, "d.m.Y")

    @admin.display(description=_("Betrag"))
    def amount_display(self, obj):
        return euro(obj.amount)

    @admin.display(description=_("Stand"))
    def state(self, obj):
        """Storniert, a Storno, or the registration's payment state (with overdue and dunning level)."""
        if obj.kind == Invoice.Kind.CANCELLATION:
            return gettext("Storno zu %(number)s") % {"number": obj.cancels.number} if obj.cancels else "–"
        cancelled_by = getattr(obj, "cancelled_by", None)
        if cancelled_by is not None:
            return gettext("storniert (%(number)s)") % {"number": cancelled_by.number}
        state = obj.registration.get_payment_status_display()
        if obj.registration.payment_status in OWING and obj.due_on < timezone.localdate():
            state = gettext("%(state)s, überfällig") % {"state": state}
        if obj.dunning_level:
            state = f"{state} · {PaymentReminder.Level(obj.dunning_level).label}"
        return state

    @admin.display(description=_("offen"))
    def open_display(self, obj):
        if obj.kind != Invoice.Kind.INVOICE or getattr(obj, "cancelled_by", None) is not None:
            return "–"
        return euro(obj.registration_invoiced - obj.registration_paid)

    @admin.display(description=_("PDF"))
    def pdf(self, obj):
        return _pdf_link(obj)


class OverdueFilter(admin.SimpleListFilter):
    title = _("überfällig")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Zahlung überfällig"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(overdue_q(timezone.localdate())).distinct()
        return queryset


class PaymentStateFilter(admin.SimpleListFilter):
    """Money still to come in, and money to pay back (overpaid or after a Storno): the dashboard links here."""

    title = _("Zahlungsstand")
    parameter_name = "money"

    def lookups(self, request, model_admin):
        return [("outstanding", _("Betrag offen")), ("refund_due", _("Erstattung fällig"))]

    def queryset(self, request, queryset):
        if self.value() == "outstanding":
            return queryset.filter(payment_status__in=OWING)
        if self.value() == "refund_due":
            return queryset.filter(payment_status__in=OWED_BACK)
        return queryset


class DateForm(forms.Form):
    on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    note = forms.CharField(label=_("Notiz"), max_length=300, required=False)

    def __init__(self, *args, label, help_text="", with_note=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].label = label
        self.fields["on"].help_text = help_text
        if not with_note:
            del self.fields["note"]


def date_form_page(modeladmin, request, *, form, title, items, selected, action, submit):
    """The intermediate page of an action that asks one date for all selected rows."""
    return TemplateResponse(
        request,
        "admin/registrations/date_action.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": title,
            "opts": modeladmin.model._meta,
            "form": form,
            "items": items,
            "selected": selected,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "action": action,
            "submit": submit,
        },
    )


class MarkPaidForm(forms.Form):
    received_on = forms.DateField(
        label=_("Zahlungseingang am"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Für alle ausgewählten Anmeldungen wird der offene Betrag mit diesem Datum erfasst."),
    )
    note = forms.CharField(label=_("Notiz"), max_length=300, required=False)


def _on_collective_invoice(registration):
    """Its group has a valid collective invoice, and it has no payment status of its own or the
    invoice's (it is booked on this registration)."""
    number = getattr(registration, "collective_invoice_number", None)
    return bool(number) and registration.payment_status in (
        Registration.PaymentStatus.NONE,
        registration.collective_invoice_status,
    )


class MoneyRegistrationMixin:
    """Money columns, inlines and actions for RegistrationAdmin."""

    money_inlines = [InvoiceInline, PaymentInline]
    money_actions = [
        "mark_paid_action",
        "payment_reminder_action",
        "reissue_invoice_action",
        "cancel_invoice_action",
        "mark_refunded_action",
        "refund_transfer_file_action",
    ]

    def get_inlines(self, request, obj):
        inlines = super().get_inlines(request, obj)
        if obj is None:  # a new registration has no invoices or payments yet
            return [inline for inline in inlines if inline not in self.money_inlines]
        return inlines

    def get_queryset(self, request):
        return with_collective_invoice(
            with_balance(
                super()
                .get_queryset(request)
                .annotate(last_reminder_at=Max("mails__created_at", filter=Q(mails__kind=REMINDER)))
            )
        )

    @admin.display(description=_("Zahlung"), ordering="payment_status")
    def payment_display(self, obj):
        """The registration's payment status; a colleague on the group's collective invoice has
        no invoice of their own, so the column shows that invoice's status and number instead."""
        if _on_collective_invoice(obj):
            return _("%(status)s (Sammelrechnung %(number)s)") % {
                "status": Registration.PaymentStatus(obj.collective_invoice_status).label,
                "number": obj.collective_invoice_number,
            }
        return obj.get_payment_status_display()

    @admin.display(description=_("letzte Zahlungserinnerung"), ordering="last_reminder_at")
    def last_reminder(self, obj):
        value = getattr(obj, "last_reminder_at", None)
        if value is None and not hasattr(obj, "last_reminder_at"):
            value = last_reminder_at(obj)
        return timezone.localtime(value).strftime("%d.%m.%Y %H:%M") if value else "–"

    @admin.display(description=_("offener Betrag"))
    def open_amount(self, obj):
        """Negative when money is to be paid back; a colleague on the collective invoice owes
        nothing of their own (the invoice's open amount is on the registration it is booked on)."""
        if _on_collective_invoice(obj) and obj.payment_status == Registration.PaymentStatus.NONE:
            return "–"
        if hasattr(obj, "invoiced_total"):
            return euro(obj.invoiced_total - obj.paid_total)
        return euro(balance(obj).open_amount)

    # Permissions: Django's model permissions for payments.
    def has_record_payment_permission(self, request):
        return request.user.has_perm("registrations.add_payment")

    def has_manage_payment_permission(self, request):
        return request.user.has_perm("registrations.change_payment")

    def save_formset(self, request, form, formset, change):
        if formset.model is not Payment:
            return super().save_formset(request, form, formset, change)
        # The admin's change message reads these; recorded payments are never changed or deleted.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for payment_form in formset.forms:
            if payment_form.instance.pk is not None or not payment_form.has_changed():
                continue
            if not self.has_record_payment_permission(request):
                raise PermissionDenied
            data = payment_form.cleaned_data
            formset.new_objects.append(
                payments.record_payment(
                    registration=form.instance,
                    amount=data["amount"],
                    received_on=data["received_on"],
                    note=data.get("note", ""),
                    by=request.user,
                )
            )

    @admin.action(
        description=_("Zahlung als eingegangen markieren (offener Betrag)"),
        permissions=["record_payment"],
    )
    def mark_paid_action(self, request, queryset):
        """Asks the date of receipt on an intermediate page (today preset), then records the open amounts."""
        form = MarkPaidForm(
            request.POST if "apply" in request.POST else None,
            initial={"received_on": timezone.localdate()},
        )
        if "apply" in request.POST and form.is_valid():
            recorded = payments.mark_paid(
                registrations=queryset.order_by("pk"),
                received_on=form.cleaned_data["received_on"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
            skipped = queryset.count() - len(recorded)
            self.message_user(
                request,
                ngettext(
                    "Zahlung für %(n)d Anmeldung erfasst.",
                    "Zahlungen für %(n)d Anmeldungen erfasst.",
                    len(recorded),
                )
                % {"n": len(recorded)},
                messages.SUCCESS,
            )
            if skipped:
                self.message_user(
                    request,
                    ngettext(
                        "%(n)d Anmeldung übersprungen: kein Betrag offen.",
                        "%(n)d Anmeldungen übersprungen: kein Betrag offen.",
                        skipped,
                    )
                    % {"n": skipped},
                    messages.WARNING,
                )
            return None
        return TemplateResponse(
            request,
            "admin/registrations/registration/mark_paid.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Zahlung als eingegangen markieren"),
                "opts": self.model._meta,
                "form": form,
                "registrations": queryset.select_related("conference").order_by("last_name", "first_name"),
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
                "action": "mark_paid_action",
            },
        )

    @admin.action(
        description=_("Zahlungserinnerung oder Mahnung senden (mit Vorschau)"), permissions=["manage_payment"]
    )
    def payment_reminder_action(self, request, queryset):
        """Shows what each selected registration would get, then sends on confirmation."""
        return reminder_action(
            self,
            request,
            registrations=queryset,
            selected=list(queryset.values_list("pk", flat=True)),
            action="payment_reminder_action",
        )

    @admin.action(description=_("Erstattung als überwiesen erfassen"), permissions=["manage_payment"])
    def mark_refunded_action(self, request, queryset):
        """Asks the date of the transfer, then records each credit as refunded (the status follows)."""
        form = DateForm(
            request.POST if "apply" in request.POST else None,
            initial={"on": timezone.localdate()},
            label=_("Erstattung überwiesen am"),
            help_text=_("Für alle ausgewählten Anmeldungen wird das Guthaben als erstattet erfasst."),
            with_note=True,
        )
        if "apply" in request.POST and form.is_valid():
            refunds = payments.mark_refunded(
                registrations=queryset.order_by("pk"),
                refunded_on=form.cleaned_data["on"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
            skipped = queryset.count() - len(refunds)
            self.message_user(
                request,
                ngettext(
                    "Erstattung für %(n)d Anmeldung erfasst.",
                    "Erstattungen für %(n)d Anmeldungen erfasst.",
                    len(refunds),
                )
                % {"n": len(refunds)},
                messages.SUCCESS,
            )
            if skipped:
                self.message_user(
                    request,
                    ngettext(
                        "%(n)d Anmeldung übersprungen: nichts zu erstatten.",
                        "%(n)d Anmeldungen übersprungen: nichts zu erstatten.",
                        skipped,
                    )
                    % {"n": skipped},
                    messages.WARNING,
                )
            return None
        registrations = queryset.select_related("conference").order_by("last_name", "first_name")
        credits = balances_for(r.pk for r in registrations)
        return date_form_page(
            self,
            request,
            form=form,
            title=_("Erstattung erfassen"),
            items=[f"{r.full_name}: {euro(credits[r.pk].credit)}" for r in registrations],
            selected=[r.pk for r in registrations],
            action="mark_refunded_action",
            submit=_("Erstattungen erfassen"),
        )

    @admin.action(
        description=_("SEPA-Überweisungsdatei für Erstattungen (pain.001)"), permissions=["manage_payment"]
    )
    def refund_transfer_file_action(self, request, queryset):
        """The transfer file for the online banking; nothing is recorded until the refunds are marked."""
        registrations = list(queryset.select_related("conference").order_by("last_name", "first_name", "pk"))
        balances = balances_for(r.pk for r in registrations)
        refunds = []
        for registration in registrations:
            blocker = refund_blocker(registration, balances[registration.pk])
            if blocker:
                self.message_user(request, f"{registration.full_name}: {blocker}", messages.WARNING)
            else:
                refunds.append((registration, balances[registration.pk].credit))
        if not refunds:
            self.message_user(
                request, gettext("Keine der ausgewählten Anmeldungen kann erstattet werden."), messages.ERROR
            )
            return None
        response = HttpResponse(refund_transfer_file(refunds), content_type="application/xml")
        response["Content-Disposition"] = f'attachment; filename="{transfer_filename()}"'
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(
        description=_("Rechnung neu ausstellen (Storno + neue Rechnung)"), permissions=["manage_payment"]
    )
    @confirm_first(
        title=_("Rechnung neu ausstellen"),
        submit=_("Ja, stornieren und neu ausstellen"),
        note=_(
            "Die bisherige Rechnung wird storniert, eine neue ausgestellt; beide gehen per E-Mail an den "
            "Rechnungsempfänger."
        ),
        select_related=["conference"],
    )
    def reissue_invoice_action(self, request, queryset):
        self._run_money(
            request,
            queryset,
            lambda registration: invoicing.reissue_invoice(registration=registration),
            lambda n: (
                ngettext(
                    "Rechnung für %(n)d Anmeldung neu ausgestellt; die E-Mail ist in der Warteschlange "
                    "und wird versendet.",
                    "Rechnungen für %(n)d Anmeldungen neu ausgestellt; die E-Mails sind in der Warteschlange "
                    "und werden versendet.",
                    n,
                )
                % {"n": n}
            ),
        )

    @admin.action(
        description=_("Rechnung stornieren (Stornorechnung, keine neue Rechnung)"),
        permissions=["manage_payment"],
    )
    @confirm_first(
        title=_("Rechnung stornieren"),
        submit=_("Ja, Rechnungen stornieren"),
        note=_(
            "Es wird eine Stornorechnung ausgestellt und per E-Mail verschickt; eine neue Rechnung gibt es nicht."
        ),
        select_related=["conference"],
    )
    def cancel_invoice_action(self, request, queryset):
        """For goodwill after the free cancellation period, or an invoice issued by mistake."""

        def cancel(registration):
            with transaction.atomic():
                storno = invoicing.cancel_invoice(
                    registration=registration, reason=gettext("Storno durch die Geschäftsstelle")
                )
                invoicing.queue_invoice_mail(registration=registration, storno=storno)

        self._run_money(
            request,
            queryset,
            cancel,
            lambda n: (
                ngettext(
                    "Rechnung von %(n)d Anmeldung storniert; die Stornorechnung ist in der Warteschlange "
                    "und wird versendet.",
                    "Rechnungen von %(n)d Anmeldungen storniert; die Stornorechnungen sind in der "
                    "Warteschlange und werden versendet.",
                    n,
                )
                % {"n": n}
            ),
        )

    def _run_money(self, request, queryset, service, success):
        done = 0
        for registration in queryset.select_related("conference"):
            try:
                service(registration)
            except RegistrationError as error:
                self.message_user(request, f"{registration.full_name}: {error}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, success(done), messages.SUCCESS)

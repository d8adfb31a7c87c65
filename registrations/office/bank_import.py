"""The office's bank statement import: upload, review, book; and the queue of unmatched credits.

Upload (a CAMT.053 XML or a ZIP) → review page showing what booking would do,
nothing booked yet → "Buchen" books it in one transaction (domain/bank_import.py)
→ the same page shows the result. Credits without an invoice number wait in the
queue (the change list of Kontoeingänge) with suggestions; one click assigns one.

Permissions: importing needs `add_banktransaction`, assigning and dismissing
`change_banktransaction`, both also `add_payment` (the Geschäftsstelle role);
the Organisation role only views the queue and sees no button that changes state.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.exceptions import RegistrationError
from core.formatting import euro

from ..domain import bank_import
from ..models import BankStatementImport, BankTransaction, Invoice
from ..queries.bank_statements import (
    invoices_by_number,
    owing_candidates,
    review_statement,
    suggestions_for,
)
from ..rules.bank_statements import MAX_STATEMENT_BYTES, StatementError, invoice_numbers_in
from .confirm import confirm_first

CHANGELIST = "admin:registrations_banktransaction_changelist"


class StatementUploadForm(forms.Form):
    statement = forms.FileField(
        label=_("Kontoauszug"),
        help_text=_(
            "CAMT.053 aus dem Online-Banking (camt.053.001.08 oder .02), eine XML-Datei oder ein ZIP mit "
            "mehreren, höchstens %(mb)d MB. Es wird noch nichts gebucht: Sie sehen zuerst, was gebucht würde."
        )
        % {"mb": MAX_STATEMENT_BYTES // (1024 * 1024)},
    )

    def clean_statement(self):
        upload = self.cleaned_data["statement"]
        if upload.size > MAX_STATEMENT_BYTES:
            raise forms.ValidationError(
                gettext("Die Datei ist zu groß (höchstens %(mb)d MB).")
                % {"mb": MAX_STATEMENT_BYTES // (1024 * 1024)}
            )
        self.content = upload.read()
        if not self.content:
            raise forms.ValidationError(gettext("Die Datei ist leer."))
        return upload


class QueueFilter(admin.SimpleListFilter):
    """The queue by default: credits still waiting for the office."""

    title = _("Stand")
    parameter_name = "stand"

    def lookups(self, request, model_admin):
        return [
            ("offen", _("nicht zugeordnet (Warteschlange)")),
            *[(value, label) for value, label in BankTransaction.State.choices if value != "unmatched"],
            ("alle", _("alle")),
        ]

    def choices(self, changelist):
        current = self.value() or "offen"
        for value, label in self.lookup_choices:
            # The queue is the list without the parameter (the admin's queue page, see get_queryset).
            query = (
                changelist.get_query_string(remove=[self.parameter_name])
                if value == "offen"
                else changelist.get_query_string({self.parameter_name: value})
            )
            yield {"selected": current == value, "query_string": query, "display": label}

    def queryset(self, request, queryset):
        value = self.value() or "offen"
        if value == "alle":
            return queryset
        if value == "offen":
            return queryset.filter(state=BankTransaction.State.UNMATCHED)
        return queryset.filter(state=value)


@admin.register(BankTransaction)
class BankTransactionAdmin(admin.ModelAdmin):
    """Kontoeingänge: created only by an import, changed only by assigning or dismissing."""

    list_display = [
        "booked_on",
        "amount_display",
        "debtor_name",
        "remittance",
        "state",
        "outcome_display",
        "booked_to",
    ]
    list_filter = [QueueFilter, "outcome", "booked_on"]
    search_fields = ["debtor_name", "remittance", "bank_reference", "debtor_iban"]
    date_hierarchy = "booked_on"
    actions = ["dismiss_action"]
    readonly_fields = [
        "booked_on",
        "amount",
        "debtor_name",
        "debtor_iban",
        "remittance",
        "bank_reference",
        "account_iban",
        "state",
        "outcome",
        "note",
        "statement",
        "booked_to",
        "assigned_by",
        "assigned_at",
        "created_at",
    ]
    fields = readonly_fields

    def get_queryset(self, request):
        queryset = super().get_queryset(request).prefetch_related("payments__registration")
        match = request.resolver_match
        if match and match.url_name == "registrations_banktransaction_changelist" and self._is_queue(request):
            queryset = queryset.filter(state=BankTransaction.State.UNMATCHED)
        return queryset

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_import_permission(self, request):
        user = request.user
        return user.has_perm("registrations.add_banktransaction") and user.has_perm(
            "registrations.add_payment"
        )

    def has_assign_permission(self, request):
        user = request.user
        return user.has_perm("registrations.change_banktransaction") and user.has_perm(
            "registrations.add_payment"
        )

    @admin.display(description=_("Betrag"), ordering="amount")
    def amount_display(self, obj):
        return euro(obj.amount)

    @admin.display(description=_("Ergebnis"), ordering="outcome")
    def outcome_display(self, obj):
        if obj.outcome == BankTransaction.Outcome.OVERPAID:
            return format_html(
                '<strong class="bank-flag">{}</strong> {}', obj.get_outcome_display(), obj.note
            )
        return obj.get_outcome_display() or "–"

    @admin.display(description=_("gebucht auf"))
    def booked_to(self, obj):
        payments = list(obj.payments.all()) if obj.pk else []
        if not payments:
            return "–"
        return format_html_join(
            ", ",
            '<a href="{}">{}</a> ({})',
            (
                (
                    reverse("admin:registrations_registration_change", args=[p.registration_id]),
                    p.registration.full_name,
                    euro(p.amount),
                )
                for p in payments
            ),
        )

    queue_list_display = ["booked_on", "amount_display", "debtor_name", "remittance"]

    def _is_queue(self, request):
        """The change list without a "stand" parameter is the queue: unmatched credits only, no filter
        column (the suggestions need the width)."""
        return QueueFilter.parameter_name not in request.GET

    def get_list_filter(self, request):
        # The queue needs the width for its suggestions; the other lists get the filters.
        return [] if self._is_queue(request) else self.list_filter

    def get_list_display(self, request):
        if not self._is_queue(request):
            return self.list_display
        if not self.has_assign_permission(request):
            return self.queue_list_display
        return [*self.queue_list_display, self._assign_column(request)]

    def _assign_column(self, request):
        """The suggestions and the one-click buttons; the candidates are read once per page."""
        candidates = None

        def assign(obj):
            nonlocal candidates
            if obj.state != BankTransaction.State.UNMATCHED:
                return "–"
            if candidates is None:
                candidates = owing_candidates()
            url = reverse("admin:registrations_banktransaction_assign", args=[obj.pk])
            buttons = format_html_join(
                "",
                '<li><strong>{}</strong> {}, {} offen <span class="help">({})</span> '
                '<button type="submit" class="button" formaction="{}" formmethod="post" name="invoice" '
                'value="{}" aria-label="{}">{}</button></li>',
                (
                    (
                        suggestion.candidate.key.number,
                        suggestion.candidate.key.registration.full_name,
                        euro(suggestion.candidate.open_amount),
                        _reasons(suggestion),
                        url,
                        suggestion.candidate.key.pk,
                        gettext("Zuordnen: %(number)s, %(name)s")
                        % {
                            "number": suggestion.candidate.key.number,
                            "name": suggestion.candidate.key.registration.full_name,
                        },
                        gettext("Zuordnen"),
                    )
                    for suggestion in suggestions_for(obj, candidates)
                ),
            )
            return format_html(
                '<ul class="bank-suggestions">{}</ul>'
                '<label for="number-{}">{}</label> <input type="text" id="number-{}" name="number-{}" size="12" '
                'placeholder="2026-0001"> <button type="submit" class="button" formaction="{}" formmethod="post" '
                'name="manual" value="1">{}</button>',
                buttons or format_html("<li>{}</li>", gettext("kein Vorschlag")),
                obj.pk,
                gettext("Rechnungsnummer"),
                obj.pk,
                obj.pk,
                url,
                gettext("Zuordnen"),
            )

        assign.short_description = _("Vorschläge und Zuordnung")
        return assign

    @admin.action(
        description=_("Aus der Warteschlange nehmen (kein Tagungsgeld, nicht buchen)"), permissions=["assign"]
    )
    @confirm_first(
        title=_("Kontoeingänge aus der Warteschlange nehmen"),
        submit=_("Ja, nicht buchen"),
        note=_("Nur noch offene Kontoeingänge werden aus der Warteschlange genommen; gebucht wird nichts."),
    )
    def dismiss_action(self, request, queryset):
        done = 0
        for obj in queryset.filter(state=BankTransaction.State.UNMATCHED):
            bank_import.dismiss_transaction(bank_transaction=obj, by=request.user)
            done += 1
        self.message_user(
            request,
            ngettext(
                "%(n)d Kontoeingang aus der Warteschlange genommen.",
                "%(n)d Kontoeingänge aus der Warteschlange genommen.",
                done,
            )
            % {"n": done},
            messages.SUCCESS,
        )

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_import": self.has_import_permission(request)}
        extra_context["is_queue"] = self._is_queue(request)
        if extra_context["is_queue"]:
            extra_context["title"] = gettext("Kontoeingänge ohne erkannte Rechnung (Warteschlange)")
        return super().changelist_view(request, extra_context=extra_context)

    # --- import and assignment pages -------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("import/", view(self.upload_view), name="registrations_banktransaction_upload"),
            path(
                "import/<int:import_id>/", view(self.review_view), name="registrations_banktransaction_review"
            ),
            path(
                "<int:object_id>/zuordnen/",
                view(self.assign_view),
                name="registrations_banktransaction_assign",
            ),
            *super().get_urls(),
        ]

    def _context(self, request, **extra):
        return {**self.admin_site.each_context(request), "opts": BankTransaction._meta, **extra}

    def upload_view(self, request):
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = StatementUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                statement = bank_import.store_statement(
                    file_name=form.cleaned_data["statement"].name, content=form.content, by=request.user
                )
            except StatementError as error:
                form.add_error("statement", str(error))
            else:
                return HttpResponseRedirect(
                    reverse("admin:registrations_banktransaction_review", args=[statement.pk])
                )
        return TemplateResponse(
            request,
            "admin/registrations/banktransaction/upload.html",
            self._context(request, title=_("Kontoauszug importieren"), form=form),
        )

    def review_view(self, request, import_id):
        if not self.has_import_permission(request):
            raise PermissionDenied
        statement = get_object_or_404(BankStatementImport, pk=import_id)
        if request.method == "POST":
            if statement.booked_at is None:
                statement = bank_import.book_statement(statement_import=statement, by=request.user)
                summary = statement.summary
                self.message_user(
                    request,
                    gettext(
                        "Kontoauszug gebucht – mit Rechnungsnummer verbucht: %(matched)d, in der Warteschlange: "
                        "%(unmatched)d, schon früher importiert: %(duplicates)d."
                    )
                    % summary,
                    messages.SUCCESS,
                )
            return HttpResponseRedirect(request.path)
        context = self._context(request, statement=statement)
        if statement.booked_at is None:
            context.update(
                title=_("Kontoauszug prüfen"),
                review=review_statement(bank_import.statement_entries(statement)),
            )
        else:
            context.update(
                title=_("Kontoauszug gebucht"),
                transactions=statement.transactions.prefetch_related("payments__registration").order_by("pk"),
            )
        return TemplateResponse(request, "admin/registrations/banktransaction/review.html", context)

    def assign_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_assign_permission(request):
            raise PermissionDenied
        obj = get_object_or_404(BankTransaction, pk=object_id)
        invoice = None
        if request.POST.get("invoice", "").isdigit():
            invoice = Invoice.objects.filter(pk=request.POST["invoice"], kind=Invoice.Kind.INVOICE).first()
        elif "manual" in request.POST:
            numbers = invoice_numbers_in(request.POST.get(f"number-{obj.pk}", ""))
            found = invoices_by_number(numbers[:1])
            invoice = next(iter(found.values()), None)
        if invoice is None:
            self.message_user(request, gettext("Keine Rechnung mit dieser Nummer gefunden."), messages.ERROR)
            return HttpResponseRedirect(reverse(CHANGELIST))
        try:
            bank_import.assign_transaction(bank_transaction=obj, invoice=invoice, by=request.user)
        except RegistrationError as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            obj.refresh_from_db()
            self.message_user(
                request,
                gettext("%(amount)s von %(payer)s auf %(number)s (%(name)s) gebucht: %(outcome)s.")
                % {
                    "amount": euro(obj.amount),
                    "payer": obj.debtor_name or "–",
                    "number": invoice.number,
                    "name": invoice.registration.full_name,
                    "outcome": obj.get_outcome_display(),
                },
                messages.WARNING if obj.outcome == BankTransaction.Outcome.OVERPAID else messages.SUCCESS,
            )
        return HttpResponseRedirect(reverse(CHANGELIST))


def _reasons(suggestion):
    reasons = [gettext("Name %(score)d %%") % {"score": suggestion.score}]
    if suggestion.same_amount:
        reasons.append(gettext("gleicher Betrag"))
    if suggestion.same_iban:
        reasons.append(gettext("Konto hat schon gezahlt"))
    return ", ".join(reasons)

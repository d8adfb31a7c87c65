"""The office's Rundschreiben: "E-Mail schreiben" on a list, the pages it walks through, its record.

From a filtered or ticked list (registrations, workshop bookings, group members, invoices) the
action "E-Mail schreiben" leads through four steps, each a POST of the same selection to the
list, so the list's filters and the office's permissions hold at every step:

1. write: subject and text, with the placeholders explained next to the field;
2. preview: the first recipient's mail as domain.circulars renders it for the outbox;
3. confirm: the shared confirmation page (confirm.py) with the count and the names;
4. send: domain.circulars.send_circular, then the Rundschreiben's own page.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.redaction import redact_personal_links

from ..domain import circulars
from ..models import Circular, OutgoingMail, Registration
from ..rules.circulars import PERSONAL_LINK, PLACEHOLDERS, SUBJECT_PLACEHOLDERS, uses_placeholder
from .confirm import confirmation_page, is_confirmed

STEP = "circular_step"
INITIAL_BODY = "{{ anrede }}\n\n\n\nMit freundlichen Grüßen\nIhre Geschäftsstelle des VSOP e.V."


class CircularForm(forms.Form):
    subject = forms.CharField(
        label=_("Betreff"),
        max_length=Circular._meta.get_field("subject").max_length,
        help_text=_("Möglich sind {{ name }} und {{ tagung }}."),
        widget=forms.TextInput(attrs={"class": "vTextField circular-subject"}),
    )
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 16, "class": "circular-body"}),
        help_text=_(
            "Ihr Text geht so hinaus, wie Sie ihn schreiben, auch an Personen, die Englisch gewählt haben; "
            "nur die Anrede ({{ anrede }}) und die Fußzeile stehen in der Sprache der Person."
        ),
    )

    def clean_body(self):
        # A browser posts line breaks as CRLF; the mail and the record keep plain newlines.
        return self.cleaned_data["body"].replace("\r\n", "\n")

    def clean(self):
        cleaned = super().clean()
        if "subject" in cleaned and "body" in cleaned:
            errors = circulars.text_errors(subject=cleaned["subject"], body=cleaned["body"])
            for field, field_errors in errors.items():
                for error in field_errors:
                    self.add_error(field, error)
        return cleaned


class CircularActionMixin:
    """Gives a list the permission check of "E-Mail schreiben" (writing is adding a Rundschreiben)."""

    def has_write_circular_permission(self, request):
        return request.user.has_perm("registrations.add_circular")


def circular_action(*, registration_field):
    """The action "E-Mail schreiben" for a list whose rows lead to a registration by `registration_field`."""

    @admin.action(description=_("E-Mail schreiben (Rundschreiben)"), permissions=["write_circular"])
    def write_circular_action(modeladmin, request, queryset):
        return _circular_steps(modeladmin, request, queryset, registration_field=registration_field)

    return write_circular_action


def _circular_steps(modeladmin, request, queryset, *, registration_field):
    selected = list(queryset.order_by().values_list("pk", flat=True).distinct())
    registration_ids = set(queryset.order_by().values_list(registration_field, flat=True))
    registrations = Registration.objects.filter(pk__in=registration_ids)
    conference_ids = set(registrations.values_list("conference_id", flat=True))
    if len(conference_ids) != 1:
        modeladmin.message_user(
            request,
            gettext(
                "Ein Rundschreiben geht an die Personen einer einzigen Tagung: bitte filtern Sie nach der Tagung."
            ),
            messages.WARNING,
        )
        return None
    recipients = circulars.circular_recipients(registrations)
    conference = recipients[0].conference if recipients else None
    if conference is None:
        modeladmin.message_user(
            request, gettext("Die Auswahl enthält niemanden mit E-Mail-Adresse."), messages.WARNING
        )
        return None
    source = str(modeladmin.model._meta.verbose_name_plural)
    step = request.POST.get(STEP, "")
    page = {
        "modeladmin": modeladmin,
        "request": request,
        "selected": selected,
        "recipients": recipients,
        "conference": conference,
        "skipped": len(registration_ids) - len(recipients),
    }
    if not step:
        return _write_page(**page, form=CircularForm(initial={"body": INITIAL_BODY}))
    form = CircularForm(request.POST)
    if step == "edit" or not form.is_valid():
        return _write_page(**page, form=form)
    subject, body = form.cleaned_data["subject"], form.cleaned_data["body"]
    if step == "preview":
        return _preview_page(**page, subject=subject, body=body)
    if step == "send" and is_confirmed(request):
        circular, created = circulars.send_circular(
            conference=conference,
            subject=subject,
            body=body,
            registrations=registrations,
            author=request.user,
            submission_key=request.POST.get("submission_key") or circulars.new_submission_key(),
            source=source,
        )
        count = circular.recipients.count()
        if created:
            modeladmin.message_user(
                request,
                ngettext(
                    "Rundschreiben „%(subject)s“: %(n)d E-Mail in die Warteschlange gestellt; sie wird versendet.",
                    "Rundschreiben „%(subject)s“: %(n)d E-Mails in die Warteschlange gestellt; sie werden "
                    "versendet.",
                    count,
                )
                % {"subject": circular.subject, "n": count},
                messages.SUCCESS,
            )
        else:
            modeladmin.message_user(
                request,
                ngettext(
                    "Dieses Rundschreiben ist schon im Postausgang (%(n)d E-Mail); es wurde nicht noch einmal "
                    "verschickt.",
                    "Dieses Rundschreiben ist schon im Postausgang (%(n)d E-Mails); es wurde nicht noch einmal "
                    "verschickt.",
                    count,
                )
                % {"n": count},
                messages.WARNING,
            )
        return HttpResponseRedirect(reverse("admin:registrations_circular_change", args=[circular.pk]))
    return confirmation_page(
        modeladmin,
        request,
        action="write_circular_action",
        title=gettext("Rundschreiben bestätigen"),
        names=[f"{registration.full_name} <{registration.email}>" for registration in recipients],
        selected=selected,
        submit=ngettext(
            "Ja, %(n)d E-Mail in den Postausgang stellen",
            "Ja, %(n)d E-Mails in den Postausgang stellen",
            len(recipients),
        )
        % {"n": len(recipients)},
        hidden={
            "subject": subject,
            "body": body,
            "submission_key": circulars.new_submission_key(),
            STEP: "send",
        },
        template="admin/registrations/circular/confirm.html",
        extra={"subject": subject, "conference": conference, "skipped": page["skipped"]},
    )


def _context(modeladmin, request, *, title, selected, recipients, conference, skipped, **extra):
    return {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "opts": modeladmin.model._meta,
        "selected": selected,
        "recipients": recipients,
        "recipient_count": len(recipients),
        "conference": conference,
        "skipped": skipped,
        "english_count": sum(1 for registration in recipients if registration.language == "en"),
        "action_checkbox_name": ACTION_CHECKBOX_NAME,
        "action": "write_circular_action",
        "step_field": STEP,
        **extra,
    }


def _write_page(*, modeladmin, request, form, **page):
    return TemplateResponse(
        request,
        "admin/registrations/circular/write.html",
        _context(
            modeladmin,
            request,
            title=gettext("E-Mail schreiben"),
            form=form,
            placeholders=[
                (name, description, name in SUBJECT_PLACEHOLDERS)
                for name, description in PLACEHOLDERS.items()
            ],
            **page,
        ),
    )


def _preview_page(*, modeladmin, request, subject, body, **page):
    first = page["recipients"][0]
    mail = circulars.render_circular_mail(subject=subject, body=body, registration=first)
    return TemplateResponse(
        request,
        "admin/registrations/circular/preview.html",
        _context(
            modeladmin,
            request,
            title=gettext("Vorschau"),
            subject=subject,
            body=body,
            first=first,
            mail=mail,
            # Only its owner sees a personal link; the office reads the mail with it masked.
            preview_text=redact_personal_links(mail.text),
            uses_personal_link=uses_placeholder(body, PERSONAL_LINK),
            **page,
        ),
    )


# ---------------------------------------------------------------- the record


@admin.register(Circular)
class CircularAdmin(admin.ModelAdmin):
    """The record of every Rundschreiben, read-only: what was written, by whom, to whom, delivered or not."""

    list_display = ["subject", "conference", "source", "author", "recipient_count", "sent_count", "queued_at"]
    list_filter = ["conference"]
    search_fields = ["subject", "body"]
    list_select_related = ["conference", "author"]
    date_hierarchy = "created_at"
    fields = [
        "conference",
        "subject",
        "body_display",
        "source",
        "author",
        "created_at",
        "queued_at",
        "outbox",
        "recipient_table",
    ]
    readonly_fields = fields

    class Media:
        css = {"all": ["css/circulars-admin.css"]}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                recipient_total=Count("recipients", distinct=True),
                sent_total=Count(
                    "recipients", filter=Q(recipients__mail__status=OutgoingMail.Status.SENT), distinct=True
                ),
            )
        )

    def has_add_permission(self, request):
        return False  # written from a list ("E-Mail schreiben"), never from an empty form

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Empfänger"), ordering="recipient_total")
    def recipient_count(self, obj):
        return obj.recipient_total

    @admin.display(description=_("davon versendet"), ordering="sent_total")
    def sent_count(self, obj):
        return obj.sent_total

    @admin.display(description=_("Text"))
    def body_display(self, obj):
        return format_html('<pre class="circular-text">{}</pre>', obj.body)

    @admin.display(description=_("Empfänger und Zustellung"))
    def recipient_table(self, obj):
        """Every recipient with the state of their mail, in one query."""
        recipients = obj.recipients.select_related("registration", "mail").order_by(
            "registration__last_name", "registration__first_name", "pk"
        )
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    recipient.registration.full_name,
                    recipient.mail.to if recipient.mail else "–",
                    recipient.registration.get_language_display(),
                    recipient.mail.get_status_display() if recipient.mail else gettext("E-Mail gelöscht"),
                    _local(recipient.mail.sent_at) if recipient.mail else "–",
                    format_html(
                        '<a href="{}">{}</a>',
                        reverse("admin:registrations_outgoingmail_change", args=[recipient.mail_id]),
                        gettext("E-Mail ansehen"),
                    )
                    if recipient.mail
                    else "–",
                )
                for recipient in recipients
            ),
        )
        return format_html(
            '<table class="circular-recipient-table"><thead><tr>{}</tr></thead><tbody>{}</tbody></table>',
            format_html_join(
                "",
                '<th scope="col">{}</th>',
                (
                    (label,)
                    for label in (
                        gettext("Name"),
                        gettext("an"),
                        gettext("Sprache"),
                        gettext("Zustellung"),
                        gettext("versendet am"),
                        gettext("Postausgang"),
                    )
                ),
            ),
            rows,
        )

    @admin.display(description=_("Postausgang"))
    def outbox(self, obj):
        url = reverse("admin:registrations_outgoingmail_changelist") + f"?rundschreiben={obj.pk}"
        return format_html(
            '<a href="{}">{}</a>', url, gettext("Die E-Mails dieses Rundschreibens im Postausgang")
        )


def _local(value):
    return timezone.localtime(value).strftime("%d.%m.%Y %H:%M") if value else "–"


class CircularFilter(admin.SimpleListFilter):
    """The outbox filtered to one Rundschreiben's mails (linked from its page)."""

    title = _("Rundschreiben")
    parameter_name = "rundschreiben"

    def lookups(self, request, model_admin):
        return [
            (str(circular.pk), circular.subject) for circular in Circular.objects.order_by("-created_at")[:20]
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(circular_recipient__circular_id=int(value))
        return queryset

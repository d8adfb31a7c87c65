"""The office's list of people who want to hear about future conferences, and sending the invitation.

The action asks for the conference, then shows how many of the selected people get the
mail and the first mail as it will go out; only the third click queues the mails
(domain/invitations.py, through the outbox). Deleting a row withdraws the consent (a
person who asked by phone or letter).
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import Count
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.exceptions import RegistrationError
from programme.models import Conference

from ..domain import invitations
from ..models import InvitationContact
from ..queries.invitations import invitation_recipients


class InvitationConferenceForm(forms.Form):
    conference = forms.ModelChoiceField(
        label=_("Einladung zu"),
        queryset=Conference.objects.none(),
        empty_label=_("– Tagung wählen –"),
        help_text=_(
            "Nur veröffentlichte Tagungen, die noch bevorstehen: die Einladung verlinkt die Tagungsseite."
        ),
        error_messages={
            "required": _("Bitte wählen Sie die Tagung, zu der Sie einladen."),
            "invalid_choice": _(
                "Zu dieser Tagung kann nicht eingeladen werden: Sie ist nicht veröffentlicht oder schon vorbei."
            ),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["conference"].queryset = Conference.objects.upcoming()


@admin.register(InvitationContact)
class InvitationContactAdmin(admin.ModelAdmin):
    # Few, short columns: the list fits 1,280 px next to the filters.
    list_display = ["name", "email", "consented_on", "source", "invitation_count"]
    list_display_links = ["name"]
    search_fields = ["last_name", "first_name", "email"]
    list_filter = ["language", "invited_to"]
    readonly_fields = [
        "salutation",
        "academic_title",
        "first_name",
        "last_name",
        "email",
        "language",
        "consented_at",
        "registration",
        "invited_to",
    ]
    fields = readonly_fields
    actions = ["send_invitation_action"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("registration__conference")
            .annotate(invitations=Count("invited_to", distinct=True))
        )

    def has_add_permission(self, request):
        # The consent is the person's own: on the forms, on their page, or through the office's phone form.
        return False

    @admin.display(description=_("Name"), ordering="last_name")
    def name(self, obj):
        return f"{obj.last_name}, {obj.first_name}"

    @admin.display(description=_("eingewilligt am"), ordering="consented_at")
    def consented_on(self, obj):
        return timezone.localtime(obj.consented_at).strftime("%d.%m.%Y")

    @admin.display(description=_("eingewilligt bei"))
    def source(self, obj):
        if obj.registration_id is None:
            return _("Anmeldung gelöscht (nur Name und E-Mail aufbewahrt)")
        return obj.registration.conference.title

    @admin.display(description=_("Einladungen"), ordering="invitations")
    def invitation_count(self, obj):
        return obj.invitations

    @admin.action(description=_("Einladung zu einer Tagung senden …"), permissions=["change"])
    def send_invitation_action(self, request, queryset):
        form = InvitationConferenceForm(request.POST if "conference" in request.POST else None)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Einladung zu einer Tagung senden"),
            "opts": self.model._meta,
            "form": form,
            "selected": request.POST.getlist(ACTION_CHECKBOX_NAME),
            "select_across": request.POST.get("select_across", "0"),
            "selected_count": queryset.count(),
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        if form.is_valid():
            conference = form.cleaned_data["conference"]
            try:
                invitations.check_can_invite(conference)
            except RegistrationError as error:
                form.add_error("conference", str(error))
                return TemplateResponse(request, "admin/registrations/invitationcontact/send.html", context)
            if "apply" in request.POST:
                sent = invitations.send_invitations(conference=conference, contacts=queryset)
                self.message_user(
                    request,
                    ngettext(
                        "Die Einladung zu „%(title)s“ an %(count)d Person liegt im Postausgang und wird jetzt verschickt.",
                        "Die Einladung zu „%(title)s“ an %(count)d Personen liegt im Postausgang und wird jetzt verschickt.",
                        sent,
                    )
                    % {"title": conference.title, "count": sent},
                    messages.SUCCESS,
                )
                return None
            recipients = invitation_recipients(conference, contacts=queryset)
            context.update(
                {
                    "conference": conference,
                    "recipients": recipients,
                    "skipped": context["selected_count"] - len(recipients),
                    "preview": invitations.render_invitation(conference=conference, recipient=recipients[0])
                    if recipients
                    else None,
                    "now": timezone.now(),
                }
            )
        return TemplateResponse(request, "admin/registrations/invitationcontact/send.html", context)

"""The office's Mahnwesen: the preview page before reminders go out, shared by the registration
and the invoice list.

The action first shows what each selected registration would get (level, open
amount, due date) or why it is skipped, with the count; only the confirmation
sends, through domain.dunning.send_payment_reminder, which checks everything again.
"""

from django.contrib import messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..domain import dunning
from ..queries.dunning import reminder_plan


def reminder_action(modeladmin, request, *, registrations, selected, action):
    """Preview (first request) or send (with `apply`) the due reminders of `registrations`.

    `selected` are the primary keys the changelist posted, handed on by the preview form.
    """
    registrations = list(registrations.select_related("conference").order_by("last_name", "first_name", "pk"))
    if "apply" in request.POST:
        mails, refusals = dunning.send_due_reminders(registrations=registrations, by=request.user)
        for error in refusals:
            modeladmin.message_user(request, str(error), messages.ERROR)
        if mails:
            modeladmin.message_user(
                request,
                ngettext(
                    "Zahlungserinnerung an %(n)d Person in die Warteschlange gestellt; sie wird versendet.",
                    "Zahlungserinnerungen an %(n)d Personen in die Warteschlange gestellt; sie werden versendet.",
                    len(mails),
                )
                % {"n": len(mails)},
                messages.SUCCESS,
            )
        return None
    plan = reminder_plan(registrations, today=timezone.localdate())
    due = [p for p in plan if p.will_be_sent]
    return TemplateResponse(
        request,
        "admin/registrations/dunning_preview.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": _("Zahlungserinnerungen und Mahnungen: Vorschau"),
            "opts": modeladmin.model._meta,
            "plan": plan,
            "due_count": len(due),
            "selected": selected,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "action": action,
        },
    )

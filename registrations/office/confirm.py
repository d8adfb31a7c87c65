"""One confirmation step for every admin action that mails people or changes state.

An action decorated with `confirm_first` answers the changelist's POST with a page that names
what it is about to act on (the count, and the names folded away) and does nothing else. Only
the page's own button, which posts the same primary keys back with `apply=1`, runs the action,
and then on exactly those rows: the changelist filters them again (its query string stays in
the form's URL), so nothing outside the selection can slip in between the two requests.

The harmless actions (exports, opening a form for one person) carry no confirmation;
tests/registrations/test_admin_confirmations.py lists them and walks every other action.
"""

import functools

from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

# The field the confirmation page posts; the office's other intermediate pages (dates, the
# reminder preview, moving bookings) use the same name.
CONFIRM_FIELD = "apply"


def is_confirmed(request):
    return request.method == "POST" and CONFIRM_FIELD in request.POST


def confirmation_page(
    modeladmin,
    request,
    *,
    action,
    title,
    names,
    selected,
    submit,
    note="",
    hidden=None,
    template="admin/confirm_action.html",
    extra=None,
):
    """The page that asks before `action` runs on `selected` (primary keys), listing `names`."""
    opts = modeladmin.model._meta
    return TemplateResponse(
        request,
        template,
        {
            **modeladmin.admin_site.each_context(request),
            "title": title,
            "opts": opts,
            "names": names,
            "count": len(names),
            # "1 Anmeldung", "3 Anmeldungen": the model's own names, so every list reads the same.
            "noun": opts.verbose_name if len(names) == 1 else opts.verbose_name_plural,
            "selected": selected,
            "note": note,
            "submit": submit,
            "hidden": sorted((hidden or {}).items()),
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "action": action,
            "confirm_field": CONFIRM_FIELD,
            **(extra or {}),
        },
    )


DEFAULT_SUBMIT = _("Ja, ausführen")


def confirm_first(*, title, submit=DEFAULT_SUBMIT, describe=str, note="", select_related=()):
    """Decorate an admin action (function or method) so that it asks before it acts.

    `describe(obj)` names a row on the page (its str() by default); `select_related` spares the
    page a query per row. Put it under `@admin.action`, which must see the wrapped function.
    """

    def decorate(action):
        @functools.wraps(action)
        def wrapper(modeladmin, request, queryset):
            if is_confirmed(request):
                return action(modeladmin, request, queryset)
            rows = list(queryset.select_related(*select_related)) if select_related else list(queryset)
            return confirmation_page(
                modeladmin,
                request,
                action=action.__name__,
                title=title,
                names=[describe(row) for row in rows],
                selected=[row.pk for row in rows],
                submit=submit,
                note=note,
            )

        wrapper.confirms_first = True
        return wrapper

    return decorate

"""The audit trail in the admin: read-only history pages (django-simple-history)."""

from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin):
    """Shows who changed what and when; never reverts.

    A revert would write old values past the services (a status back to
    "Platz gesichert" would bypass the waiting list), and simple-history
    saves a posted revert form even for users with view permission only.
    So the history form is for reading (SIMPLE_HISTORY_REVERT_DISABLED hides
    the button) and a POST to it is refused.
    """

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

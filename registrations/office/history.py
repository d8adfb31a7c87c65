"""The audit trail in the admin: read-only history pages (django-simple-history)."""

from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from core.formatting import field_value


class OfficeHistoryHelper(HistoricalRecordContextHelper):
    """Changes as the office reads them: „Status: Warteliste → Platz gesichert“, Berlin time,
    „300,00 €“ and „–“ for nothing, instead of `waiting → holds_place` and UTC from the database."""

    def prepare_delta_change_value(self, change, value):
        value = super().prepare_delta_change_value(change, value)
        field = self.model._meta.get_field(change.field)
        if isinstance(value, list):
            return [str(item) for item in value]
        return field_value(field, value)


class OfficeHistoryMixin:
    """For every ModelAdmin with a history page: changes in the office's words (OfficeHistoryHelper)."""

    def get_historical_record_context_helper(self, request, historical_record):
        return OfficeHistoryHelper(self.model, historical_record)


class ReadOnlyHistoryAdmin(OfficeHistoryMixin, SimpleHistoryAdmin):
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

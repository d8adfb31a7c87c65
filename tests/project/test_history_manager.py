"""The audit trail's manager class is built once (core/history.py), and the trail is unchanged."""

import pytest
from django.apps import apps
from simple_history.models import HistoricalChanges

from core.history import HistoryManager
from tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db


def test_every_audited_model_uses_the_manager_built_once():
    audited = [
        model
        for model in apps.get_models()
        if not issubclass(model, HistoricalChanges)
        and hasattr(model._meta, "simple_history_manager_attribute")
    ]
    assert len(audited) >= 6
    for model in audited:
        instance = model(pk=1)
        assert isinstance(instance.history, HistoryManager), model
        assert type(instance.history) is type(instance.history), model


def test_a_save_still_writes_its_audit_row_and_the_manager_reads_it():
    registration = RegistrationFactory()
    registration.organisation = "Stadt Kassel"
    registration.save()

    assert [row.organisation for row in registration.history.order_by("history_id")][-1] == "Stadt Kassel"
    assert registration.history.count() == 2

"""A deferred mail that fails to render leaves its caller's transaction usable (PostgreSQL).

Runs in CI's PostgreSQL step (.ci/run): on SQLite an error does not abort the transaction."""

import pytest
from django.db import connection, transaction

from registrations.domain import lifecycle, outbox
from registrations.models import OutgoingMail
from tests.factories import ConferenceFactory, binding_data

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="only PostgreSQL aborts a transaction on an error"
    ),
]


def test_a_deferred_mail_that_fails_to_render_leaves_the_callers_transaction_usable(monkeypatch):
    """A completion registers bindingly inside its own transaction; a database error while its
    confirmation renders must not abort that transaction (PostgreSQL would refuse every further
    statement): the mail stays unrendered for its delivery, the caller's work goes on."""
    conference = ConferenceFactory(places=10)
    monkeypatch.setattr(outbox, "render_deferred_after_commit", lambda mail, **known: None)
    registration, _ = lifecycle.register_binding(conference=conference, data=binding_data(1))
    registration = lifecycle.confirm_address(registration=registration)  # its confirmation, unrendered
    monkeypatch.undo()
    mail = OutgoingMail.objects.get(registration=registration, kind="registration_confirmed")

    def broken_renderer(mail, spec, **known):
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM no_such_table")

    monkeypatch.setitem(outbox.DEFERRED_RENDERERS, mail.render_spec["renderer"], broken_renderer)
    with transaction.atomic():
        outbox.render_deferred_after_commit(mail)  # logged, not raised
        assert OutgoingMail.objects.filter(pk=mail.pk, render_spec__isnull=False).count() == 1

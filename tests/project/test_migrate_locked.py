"""Two web containers started together migrate one after the other (migrate_locked)."""

import io
import threading

import pytest
from django.core.management import call_command
from django.db import connection, connections

from ops.management.commands.migrate_locked import MIGRATION_LOCK


@pytest.mark.django_db
def test_migrate_locked_migrates_and_leaves_nothing_to_do():
    out = io.StringIO()
    call_command("migrate_locked", stdout=out)
    assert "No migrations to apply" in out.getvalue()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="advisory locks are PostgreSQL's")
def test_a_second_container_waits_for_the_first_ones_lock():
    held, release, finished = threading.Event(), threading.Event(), threading.Event()

    def first_container():
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_lock(%s)", [MIGRATION_LOCK])
                held.set()
                release.wait(30)
                cursor.execute("SELECT pg_advisory_unlock(%s)", [MIGRATION_LOCK])
        finally:
            connections.close_all()

    def second_container():
        try:
            call_command("migrate_locked", stdout=io.StringIO())
            finished.set()
        finally:
            connections.close_all()

    first = threading.Thread(target=first_container)
    first.start()
    assert held.wait(10)
    second = threading.Thread(target=second_container)
    second.start()
    assert not finished.wait(2)  # blocked while the first holds the lock
    release.set()
    assert finished.wait(30)
    first.join(10)
    second.join(10)

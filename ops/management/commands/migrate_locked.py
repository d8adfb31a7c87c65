"""`migrate` and `createcachetable`, one container at a time.

Every web container migrates when it starts (docker/entrypoint.sh). Django's migrate takes
no lock, so two containers started together (`--scale web=2`) could apply the same
migration twice. On PostgreSQL a session-level advisory lock makes the second wait; it
then finds nothing left to do. SQLite allows one writer anyway."""

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection

# Any constant, the same in every container: pg_advisory_lock takes a 64-bit key.
MIGRATION_LOCK = 0x5650_4D49_4752  # "VSMIGR"


class Command(BaseCommand):
    help = "Runs migrate and createcachetable while holding a PostgreSQL advisory lock."

    def handle(self, *args, **options):
        verbosity = options["verbosity"]
        locked = connection.vendor == "postgresql"
        if locked:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_lock(%s)", [MIGRATION_LOCK])
        try:
            call_command("migrate", interactive=False, verbosity=verbosity, stdout=self.stdout)
            # Creates the table for CACHE_URL=dbcache://…; does nothing for other caches.
            call_command("createcachetable", verbosity=verbosity, stdout=self.stdout)
        finally:
            if locked:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [MIGRATION_LOCK])

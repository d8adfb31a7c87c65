from django.core.management.base import BaseCommand

from registrations.domain.lifecycle import release_expired_holds


class Command(BaseCommand):
    help = (
        "Releases the places of registrations whose address was not confirmed within the hold time; "
        "the next people on the waiting lists move up (run every minute by the scheduler)."
    )

    def handle(self, *args, **options):
        released = release_expired_holds()
        self.stdout.write(f"{released} released")

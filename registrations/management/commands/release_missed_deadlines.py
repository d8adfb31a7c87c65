from django.core.management.base import BaseCommand

from registrations.domain.lifecycle import release_missed_personal_deadlines


class Command(BaseCommand):
    help = (
        "Gives on the places of people who moved up and did not register bindingly by their personal "
        "deadline; the next people on the waiting lists move up (run by the scheduler)."
    )

    def handle(self, *args, **options):
        released = release_missed_personal_deadlines()
        self.stdout.write(f"{released} released")

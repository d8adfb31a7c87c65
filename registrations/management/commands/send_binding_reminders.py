from django.core.management.base import BaseCommand

from registrations.domain.confirmations import send_binding_reminders


class Command(BaseCommand):
    help = (
        "Reminds every pre-registered person of the binding deadline, once, when the conference's "
        "reminder is due (run daily by the scheduler)."
    )

    def handle(self, *args, **options):
        sent = send_binding_reminders()
        self.stdout.write(f"{sent} reminded")

from django.core.management.base import BaseCommand

from registrations.domain.dunning import send_automatic_reminders


class Command(BaseCommand):
    help = (
        "Sends the payment reminders and dunning letters that are due, for the conferences whose "
        "office switched on automatic sending (run once a day by the scheduler)."
    )

    def handle(self, *args, **options):
        mails = send_automatic_reminders()
        self.stdout.write(f"{len(mails)} reminders queued")

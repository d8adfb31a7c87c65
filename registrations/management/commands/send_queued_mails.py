from django.core.management.base import BaseCommand

from registrations.domain.outbox import deliver_due_mails


class Command(BaseCommand):
    help = "Delivers queued and failed mails from the outbox (run every few minutes by cron or the worker)."

    def handle(self, *args, **options):
        sent, failed = deliver_due_mails()
        self.stdout.write(f"{sent} sent, {failed} failed (will be retried)")

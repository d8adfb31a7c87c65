from django.core.management.base import BaseCommand

from registrations.office.roles import sync_roles


class Command(BaseCommand):
    help = (
        "Creates the staff groups 'Geschäftsstelle', 'Organisation' and 'Check-in' and gives them the permissions "
        "of their role (registrations/roles.py). Safe to run any time; migrate runs it too."
    )

    def handle(self, *args, **options):
        for role, count in sync_roles().items():
            self.stdout.write(f"{role}: {count} Berechtigungen")

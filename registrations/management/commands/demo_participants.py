from django.core.management.base import BaseCommand, CommandError

from programme.demo import DEMO_SLUG
from registrations.domain.demo import fill_demo_participants


class Command(BaseCommand):
    help = (
        "Füllt die Demo-Tagung mit verbindlich angemeldeten Teilnehmenden aus rund 40 Organisationen "
        "(ohne Rechnungen und ohne E-Mails), damit die Geschäftsstelle Gruppenzuteilung und Listen "
        "ausprobieren kann. Vorher `load_demo` ausführen. Mehrfaches Ausführen ergänzt nur Fehlende."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=120, help="Anzahl der Teilnehmenden (Standard: 120)")
        parser.add_argument(
            "--no-workshops",
            action="store_true",
            help="Keine Workshops wählen lassen (schneller; sonst wählt jede Person einen Workshop je Arbeitsphase)",
        )

    def handle(self, *args, count, no_workshops, **options):
        if count < 0:
            raise CommandError("--count darf nicht negativ sein.")
        try:
            created, skipped = fill_demo_participants(count, with_workshops=not no_workshops)
        except LookupError:
            raise CommandError(
                f"Die Demo-Tagung ({DEMO_SLUG}) fehlt: bitte zuerst `load_demo` ausführen."
            ) from None
        self.stdout.write(f"{created} Demo-Teilnehmende angelegt.")
        if skipped:
            self.stdout.write(
                self.style.WARNING(
                    f"{skipped} weitere hätten keinen Platz mehr bekommen und wurden ausgelassen."
                )
            )
        self.stdout.write(self.style.SUCCESS("Fertig."))

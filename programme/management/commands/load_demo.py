from django.core.management.base import BaseCommand

from programme.demo import load_demo


class Command(BaseCommand):
    help = (
        "Lädt die Demo-Daten: Jahrestagung 2022 in Leipzig, Kleine Jahrestagung 2025 in Köln, "
        "eine Demo-Tagung, Datenschutzerklärung und Impressum (nur falls noch nicht vorhanden) und, "
        "nur mit DEBUG, einen Demo-Zugang für die Geschäftsstelle. Mehrfaches Ausführen ändert nichts."
    )

    def handle(self, *args, **options):
        summary = load_demo()
        for line in summary.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS("Demo-Daten sind geladen."))

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.formats import date_format

from registrations.domain import retention
from registrations.models import Registration


def _date(value):
    return date_format(timezone.localtime(value) if hasattr(value, "tzinfo") else value, "d.m.Y")


class Command(BaseCommand):
    help = (
        "Anonymises personal data of registrations whose conference ended more than RETENTION_MONTHS "
        "months ago; keeps invoices for INVOICE_RETENTION_YEARS after the end of their year, then "
        "anonymises them. Run daily (cron or worker). --dry-run only lists what it would do."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Nur anzeigen, nichts ändern.")
        parser.add_argument(
            "--months",
            type=int,
            default=settings.RETENTION_MONTHS,
            help="Monate nach Tagungsende (Default: RETENTION_MONTHS=%(default)s).",
        )

    def handle(self, *args, dry_run=False, months=None, **options):
        now = timezone.now()
        years = settings.INVOICE_RETENTION_YEARS
        plan = retention.plan_retention(now=now, months=months, years=years)
        write = self.stdout.write
        write(
            f"Stichtag: Tagungen mit Ende vor dem {_date(plan.cutoff)} ({months} Monate); "
            f"Rechnungen aus {plan.invoice_cutoff_year} und früher ({years} Jahre nach Jahresende)."
        )
        write(f"Anmeldungen anonymisieren: {len(plan.registrations)}")
        for registration in plan.registrations:
            history = registration.history.count()
            write(
                f"  Anmeldung #{registration.pk} – {registration.conference.title} "
                f"(Ende {_date(registration.conference.ends_at)}): Name, E-Mail, Organisation, "
                f"Rechnungsdaten, Anmerkungen; {registration.mail_count} Mails, "
                f"{registration.payment_count} Zahlungsnotizen, {history} Verlaufseinträge"
            )
        kept = (
            Registration.objects.filter(anonymised_at__isnull=True)
            .exclude(pk__in=[r.pk for r in plan.registrations])
            .count()
        )
        write(f"Anmeldungen behalten (Tagung noch in der Frist): {kept}")
        write(f"Rechnungen behalten (Aufbewahrungspflicht): {len(plan.invoices_kept)}")
        for invoice in plan.invoices_kept:
            write(
                f"  {invoice} (Anmeldung #{invoice.registration_id}) bis "
                f"{_date(retention.invoice_retention_ends(invoice, years=years))}"
            )
        write(f"Rechnungen anonymisieren (Frist abgelaufen): {len(plan.invoices_due)}")
        for invoice in plan.invoices_due:
            write(f"  {invoice} vom {_date(invoice.issued_on)}")
        if dry_run:
            write("Probelauf: nichts geändert.")
            return
        retention.run_retention(now=now, months=months, years=years)
        write(
            self.style.SUCCESS(
                f"Erledigt: {len(plan.registrations)} Anmeldungen und "
                f"{len(plan.invoices_due)} Rechnungen anonymisiert."
            )
        )

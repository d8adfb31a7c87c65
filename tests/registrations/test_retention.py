"""DSGVO retention: personal data goes after RETENTION_MONTHS, invoices stay for their legal period."""

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from core.exceptions import RegistrationError
from registrations.domain import outbox, retention
from registrations.models import (
    BankStatementImport,
    BankTransaction,
    Invoice,
    OutgoingMail,
    OutgoingMailAttachment,
    Payment,
    Registration,
)
from tests.factories import BindingRegistrationFactory, ConferenceFactory

pytestmark = pytest.mark.django_db

# A string that appears only in the person's data, so we can look for it everywhere.
MARK = "Zwetschgenbaum"
NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)


def conference_ended(days_ago):
    ends_at = NOW - dt.timedelta(days=days_ago)
    return ConferenceFactory(starts_at=ends_at - dt.timedelta(days=2), ends_at=ends_at)


def person_with_everything(conference):
    registration = BindingRegistrationFactory(
        conference=conference,
        first_name=f"Anna {MARK}",
        last_name=f"{MARK}-Müller",
        email=f"anna.{MARK.lower()}@example.org",
        organisation=f"Landkreis {MARK}",
        position=f"Planerin {MARK}",
        member_number="M-4711",
        note=f"Bitte an {MARK} denken",
        billing_organisation=f"Kreis {MARK}",
        billing_email=f"rechnung.{MARK.lower()}@example.org",
        order_number=f"BE-{MARK}",
        dietary_needs=f"vegan {MARK}",
        accessibility_needs=f"Rollstuhl {MARK}",
        substitution_note=f"Vertretung {MARK}",
    )
    # History rows with the old values: a change made later.
    registration.position = f"Leitung {MARK}"
    registration.save()
    outbox.queue_mail(
        registration=registration,
        template="link_resent",
        attachments=[("Bestaetigung.pdf", f"PDF {MARK}".encode(), "application/pdf")],
    )
    Payment.objects.create(
        registration=registration,
        amount=Decimal("250.00"),
        received_on=dt.date(2025, 9, 1),
        note=f"von {MARK}",
    )
    invoice = Invoice.objects.create(
        number=f"{conference.ends_at.year}-0001",
        year=conference.ends_at.year,
        sequence=1,
        registration=registration,
        issued_on=conference.ends_at.date() - dt.timedelta(days=30),
        due_on=conference.ends_at.date(),
        recipient=f"Kreis {MARK}\nAm Markt 1\n50667 Köln",
        recipient_email=f"rechnung.{MARK.lower()}@example.org",
        participant_name=f"Anna {MARK}-Müller",
        description="Teilnahme",
        service_period="25.–26.09.2025",
        service_place="Köln",
        amount=Decimal("250.00"),
    )
    return registration, invoice


def database_dump():
    out = io.StringIO()
    call_command(
        "dumpdata",
        "registrations",
        "programme",
        "exports",
        format="json",
        stdout=out,
    )
    return json.loads(out.getvalue())


def rows_mentioning(mark, dump):
    return sorted(
        {row["model"] for row in dump if mark.lower() in json.dumps(row, ensure_ascii=False).lower()}
    )


def test_past_retention_everything_personal_is_gone_but_the_invoice_survives():
    registration, invoice = person_with_everything(conference_ended(days_ago=400))
    assert bytes(OutgoingMailAttachment.objects.get().content) == f"PDF {MARK}".encode()
    assert rows_mentioning(MARK, database_dump()) == [
        "registrations.historicalinvoice",
        "registrations.historicalpayment",
        "registrations.historicalregistration",
        "registrations.invoice",
        "registrations.outgoingmail",
        "registrations.payment",
        "registrations.registration",
    ]

    plan = retention.run_retention(now=NOW)

    assert [r.pk for r in plan.registrations] == [registration.pk]
    assert rows_mentioning(MARK, database_dump()) == [
        "registrations.historicalinvoice",
        "registrations.invoice",
    ]
    registration.refresh_from_db()
    assert registration.first_name == "anonymisiert"
    assert registration.email == f"anonymisiert-{registration.pk}@example.invalid"
    assert registration.member_number == ""
    assert registration.anonymised_at == NOW
    assert registration.fee == Decimal("250.00")  # statistics stay
    invoice.refresh_from_db()
    assert invoice.recipient == f"Kreis {MARK}\nAm Markt 1\n50667 Köln"
    assert invoice.participant_name == f"Anna {MARK}-Müller"
    assert invoice.anonymised_at is None
    mail = OutgoingMail.objects.get(registration=registration)
    assert (mail.to, mail.body_text, mail.body_html) == (registration.email, "", "")
    assert OutgoingMailAttachment.objects.count() == 0
    # One audit row remains: the anonymisation itself.
    assert [h.first_name for h in registration.history.all()] == ["anonymisiert"]


def test_the_old_personal_link_stops_working(client):
    registration, _ = person_with_everything(conference_ended(days_ago=400))
    old_url = registration.get_absolute_url()
    assert client.get(old_url).status_code == 200
    retention.run_retention(now=NOW)
    assert client.get(old_url).status_code == 404


def test_a_conference_within_the_retention_period_is_untouched():
    registration, _ = person_with_everything(conference_ended(days_ago=330))
    before = database_dump()
    plan = retention.run_retention(now=NOW)
    assert plan.registrations == []
    assert database_dump() == before
    registration.refresh_from_db()
    assert registration.anonymised_at is None


def test_months_setting_and_option_move_the_cutoff(settings):
    person_with_everything(conference_ended(days_ago=100))
    assert retention.plan_retention(now=NOW).registrations == []
    assert len(retention.plan_retention(now=NOW, months=3).registrations) == 1
    settings.RETENTION_MONTHS = 2
    assert len(retention.plan_retention(now=NOW).registrations) == 1


def test_dry_run_lists_everything_and_changes_nothing():
    registration, invoice = person_with_everything(conference_ended(days_ago=400))
    before = database_dump()
    out = io.StringIO()
    call_command("anonymise_registrations", "--dry-run", stdout=out)
    assert database_dump() == before
    text = out.getvalue()
    assert "Anmeldungen anonymisieren: 1" in text
    assert "Anmeldungen behalten (Tagung noch in der Frist): 0" in text
    assert f"Anmeldung #{registration.pk} – {registration.conference.title}" in text
    assert "1 Mails, 1 Zahlungsnotizen" in text
    assert f"Rechnungen behalten (Aufbewahrungspflicht): 1\n  Rechnung {invoice.number}" in text
    assert f"bis 31.12.{invoice.issued_on.year + 8}" in text
    assert "Probelauf: nichts geändert." in text
    assert MARK not in text


def test_the_command_without_dry_run_anonymises():
    registration, _ = person_with_everything(conference_ended(days_ago=400))
    out = io.StringIO()
    call_command("anonymise_registrations", stdout=out)
    assert "Erledigt: 1 Anmeldungen und 0 Rechnungen anonymisiert." in out.getvalue()
    registration.refresh_from_db()
    assert registration.anonymised_at is not None


@pytest.mark.parametrize(("issued_year", "anonymised"), [(2017, True), (2018, False)])
def test_invoices_are_anonymised_after_eight_years_from_the_end_of_their_year(issued_year, anonymised):
    # 2026: invoices from 2017 were kept until 31.12.2025; those from 2018 until 31.12.2026.
    registration, invoice = person_with_everything(conference_ended(days_ago=400))
    Invoice.objects.filter(pk=invoice.pk).update(issued_on=dt.date(issued_year, 6, 30))
    retention.run_retention(now=NOW)
    invoice.refresh_from_db()
    assert (invoice.anonymised_at is not None) is anonymised
    if anonymised:
        assert (invoice.recipient, invoice.participant_name, invoice.recipient_email) == (
            "anonymisiert",
            "anonymisiert",
            "",
        )
        assert invoice.amount == Decimal("250.00")
        assert [h.recipient for h in invoice.history.all()] == ["anonymisiert"]
    else:
        assert MARK in invoice.recipient


def test_retention_end_of_an_invoice():
    invoice = Invoice(issued_on=dt.date(2025, 1, 2))
    assert retention.invoice_retention_ends(invoice) == dt.date(2033, 12, 31)


def test_months_before_clamps_to_the_end_of_the_month():
    moment = dt.datetime(2026, 3, 31, 8, 0, tzinfo=dt.UTC)
    assert retention.months_before(moment, 1) == dt.datetime(2026, 2, 28, 8, 0, tzinfo=dt.UTC)
    assert retention.months_before(moment, 12) == dt.datetime(2025, 3, 31, 8, 0, tzinfo=dt.UTC)
    assert retention.months_before(moment, 27) == dt.datetime(2023, 12, 31, 8, 0, tzinfo=dt.UTC)


def test_an_active_registration_of_an_upcoming_conference_is_refused():
    registration = BindingRegistrationFactory(conference=ConferenceFactory())
    with pytest.raises(RegistrationError, match="stornieren"):
        retention.anonymise_registration(registration=registration)
    registration.refresh_from_db()
    assert registration.anonymised_at is None


def test_a_cancelled_registration_can_be_anonymised_at_once_keeping_its_invoice():
    registration, invoice = person_with_everything(ConferenceFactory())
    Registration.objects.filter(pk=registration.pk).update(status=Registration.Status.CANCELLED)
    retention.anonymise_registration(registration=registration, now=timezone.now())
    registration.refresh_from_db()
    assert registration.last_name == "anonymisiert"
    assert Invoice.objects.get(pk=invoice.pk).participant_name == f"Anna {MARK}-Müller"


def test_personal_page_link_is_404_for_anonymised_rows(client):
    registration, _ = person_with_everything(conference_ended(days_ago=400))
    retention.run_retention(now=NOW)
    registration.refresh_from_db()
    # Even the new token does not reveal anything personal.
    response = client.get(reverse("registrations:personal", kwargs={"token": registration.token}))
    assert MARK not in response.content.decode()


def test_stored_list_exports_of_a_past_conference_are_deleted():
    from exports.models import ExportJob

    old = conference_ended(days_ago=400)
    recent = conference_ended(days_ago=30)
    ExportJob.objects.create(
        conference=old, kind="participants", format="csv", content=f"{MARK};Anna".encode()
    )
    kept = ExportJob.objects.create(conference=recent, kind="participants", format="csv", content=b"x")
    retention.run_retention(now=NOW)
    assert list(ExportJob.objects.values_list("pk", flat=True)) == [kept.pk]


def credit(booked_on, payment=None, **fields):
    statement = BankStatementImport.objects.create(file_name=f"{booked_on}.xml", content=b"<camt/>")
    transaction = BankTransaction.objects.create(
        statement=statement,
        account_iban="DE89370400440532013000",
        bank_reference=f"REF-{booked_on}",
        booked_on=booked_on,
        amount=Decimal("250.00"),
        remittance=f"RE 2017-0001 {MARK}",
        debtor_name=f"Stadtkasse {MARK}",
        debtor_iban="DE02120300000000202051",
        state=BankTransaction.State.BOOKED,
        **fields,
    )
    if payment is not None:
        transaction.payments.add(payment)
    return statement, transaction


def test_bank_credits_lose_payer_and_remittance_after_the_accounting_retention():
    """Statements are accounting records: kept like invoices (8 years after the booking year)."""
    registration, _invoice = person_with_everything(conference_ended(days_ago=400))
    payment = registration.payments.get()
    old_statement, old = credit(dt.date(2017, 6, 30), payment=payment)
    kept_statement, kept = credit(dt.date(2018, 6, 30))
    BankStatementImport.objects.filter(pk=old_statement.pk).update(
        booked_at=dt.datetime(2017, 7, 1, tzinfo=dt.UTC)
    )
    BankStatementImport.objects.filter(pk=kept_statement.pk).update(
        booked_at=dt.datetime(2018, 7, 1, tzinfo=dt.UTC)
    )
    abandoned = BankStatementImport.objects.create(file_name="nie-gebucht.xml", content=MARK.encode())
    BankStatementImport.objects.filter(pk=abandoned.pk).update(uploaded_at=NOW - dt.timedelta(days=31))
    recent = BankStatementImport.objects.create(file_name="in-pruefung.xml", content=b"<camt/>")
    BankStatementImport.objects.filter(pk=recent.pk).update(uploaded_at=NOW - dt.timedelta(days=2))

    retention.run_retention(now=NOW)

    old.refresh_from_db()
    assert (old.debtor_name, old.debtor_iban, old.remittance) == ("anonymisiert", "", "")
    assert (old.amount, old.booked_on, old.bank_reference) == (
        Decimal("250.00"),
        dt.date(2017, 6, 30),
        "REF-2017-06-30",
    )
    assert list(old.payments.all()) == [payment]  # the booking still adds up
    kept.refresh_from_db()
    assert MARK in kept.debtor_name and MARK in kept.remittance
    assert set(BankStatementImport.objects.values_list("pk", flat=True)) == {kept_statement.pk, recent.pk}
    assert retention.anonymise_bank_data(now=NOW) == 0  # a second run has nothing left to do


def test_the_data_copy_names_the_bank_credit_a_payment_was_booked_from(client):
    registration, _invoice = person_with_everything(conference_ended(days_ago=10))
    credit(dt.date(2025, 9, 1), payment=registration.payments.get())
    data = client.get(reverse("registrations:personal_data_export", args=[registration.token])).json()
    (payment,) = data["zahlungen"]
    assert payment["kontoeingaenge"] == [
        {
            "buchungstag": "2025-09-01",
            "betrag": "250.00",
            "auftraggeber": f"Stadtkasse {MARK}",
            "iban": "DE02120300000000202051",
            "verwendungszweck": f"RE 2017-0001 {MARK}",
        }
    ]

"""The office's bank import in the admin: upload → review → book, the queue, permissions, search."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from registrations.domain import bank_import
from registrations.models import BankStatementImport, BankTransaction, Payment, Registration
from registrations.office.roles import OFFICE, ORGANISATION
from registrations.queries.invoices import current_invoice
from registrations.rules import bank_statements
from tests.camt import Booking, statement_08
from tests.factories import ConferenceFactory, StaffFactory, invoiced_registration

pytestmark = pytest.mark.django_db

UPLOAD = "admin:registrations_banktransaction_upload"
QUEUE = "admin:registrations_banktransaction_changelist"


def review_url(statement):
    return reverse("admin:registrations_banktransaction_review", args=[statement.pk])


@pytest.fixture
def conference():
    return ConferenceFactory(title="VSOP-Jahrestagung 2026")


@pytest.fixture
def office(client):
    client.force_login(StaffFactory(username="buero", roles=[OFFICE]))
    return client


@pytest.fixture
def organiser(client):
    client.force_login(StaffFactory(username="orga", roles=[ORGANISATION]))
    return client


def invoiced(conference, n, fee="250.00", **kwargs):
    """The shared builder (tests/factories.py), with the invoice the credits name."""
    registration = invoiced_registration(conference, n, fee, **kwargs)
    return registration, current_invoice(registration)


def upload(client, content, name="auszug.xml"):
    return client.post(reverse(UPLOAD), {"statement": SimpleUploadedFile(name, content, "application/xml")})


def test_upload_shows_the_review_and_books_nothing_until_buchen(office, conference):
    registration, invoice = invoiced(conference, 1)
    content = statement_08(
        [
            Booking(Decimal("300.00"), [f"RE {invoice.number}"], reference="R1"),
            Booking(Decimal("75.00"), ["Spende"], debtor="Erika Gönnerin", reference="Q1"),
            Booking(Decimal("19.90"), ["Kontofuehrung"], credit=False, reference="D1"),
        ]
    )
    response = upload(office, content)
    statement = BankStatementImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == review_url(statement)

    review = office.get(review_url(statement))
    page = review.content.decode()
    assert "Kontoauszug prüfen" in page
    assert invoice.number in page
    assert "Überzahlung – bitte prüfen" in page
    assert "Erika Gönnerin" in page
    assert "Abbuchung" in page
    assert Payment.objects.count() == 0
    assert BankTransaction.objects.count() == 0

    booked = office.post(review_url(statement), follow=True)
    assert "Kontoauszug gebucht" in booked.content.decode()
    assert Payment.objects.get().amount == Decimal("300.00")
    assert set(BankTransaction.objects.values_list("bank_reference", "state")) == {
        ("R1", "booked"),
        ("Q1", "unmatched"),
    }
    # Posting "Buchen" again (back button, double click) books nothing more.
    office.post(review_url(statement))
    assert Payment.objects.count() == 1


def test_a_file_that_is_no_statement_gets_a_german_error_next_to_the_field(office):
    response = upload(office, b"Buchungstag;Betrag\n15.06.2026;250,00", name="umsaetze.csv")
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "statement": [
            "Die Datei ist kein lesbares XML. Bitte laden Sie den Kontoauszug im Format CAMT.053 hoch."
        ]
    }
    assert not BankStatementImport.objects.exists()


def test_a_file_over_the_size_limit_is_refused(office, monkeypatch):
    monkeypatch.setattr(bank_statements, "MAX_STATEMENT_BYTES", 100)
    from registrations.office import bank_import as office_bank_import

    monkeypatch.setattr(office_bank_import, "MAX_STATEMENT_BYTES", 100)
    response = upload(office, statement_08([Booking(Decimal("1.00"), ["x"])]))
    assert response.context["form"].errors["statement"] == ["Die Datei ist zu groß (höchstens 0 MB)."]


def test_organisers_cannot_import_assign_or_see_buttons(organiser, conference):
    registration, invoice = invoiced(conference, 1)
    statement = bank_import.store_statement(
        file_name="a.xml", content=statement_08([Booking(Decimal("250.00"), ["Tagung"], reference="Q1")])
    )
    bank_import.book_statement(statement_import=statement)
    queued = BankTransaction.objects.get()
    assert upload(organiser, b"<x/>").status_code == 403
    assert organiser.get(review_url(statement)).status_code == 403
    assign = reverse("admin:registrations_banktransaction_assign", args=[queued.pk])
    assert organiser.post(assign, {"invoice": invoice.pk}).status_code == 403
    queue = organiser.get(reverse(QUEUE))
    page = queue.content.decode()
    assert queue.status_code == 200
    assert "Tagung" in page
    assert "Zuordnen" not in page
    assert "Kontoauszug importieren" not in page
    assert Payment.objects.count() == 0


def test_queue_suggests_by_name_and_the_office_assigns_with_one_click(office, conference):
    registration, invoice = invoiced(conference, 1, billing_organisation="Landkreis Beispiel")
    invoiced(conference, 2, billing_organisation="Stadt Anderswo", organisation="Stadt Anderswo")
    statement = bank_import.store_statement(
        file_name="a.xml",
        content=statement_08(
            [
                Booking(
                    Decimal("250.00"),
                    ["Tagungsgebuehr"],
                    debtor="KREISKASSE LANDKREIS BEISPIEL",
                    reference="Q1",
                )
            ]
        ),
    )
    bank_import.book_statement(statement_import=statement)
    queued = BankTransaction.objects.get()
    page = office.get(reverse(QUEUE)).content.decode()
    assert f"Zuordnen: {invoice.number}" in page
    assert "Stadt Anderswo" not in page
    # The suggestion alone booked nothing.
    assert Payment.objects.count() == 0

    office.post(
        reverse("admin:registrations_banktransaction_assign", args=[queued.pk]), {"invoice": invoice.pk}
    )
    queued.refresh_from_db()
    registration.refresh_from_db()
    assert queued.state == "assigned"
    assert registration.payment_status == Registration.PaymentStatus.PAID


def test_the_office_assigns_by_typing_an_invoice_number(office, conference):
    registration, invoice = invoiced(conference, 1)
    statement = bank_import.store_statement(
        file_name="a.xml", content=statement_08([Booking(Decimal("100.00"), ["Anzahlung"], reference="Q1")])
    )
    bank_import.book_statement(statement_import=statement)
    queued = BankTransaction.objects.get()
    year, sequence = invoice.number.split("-")
    office.post(
        reverse("admin:registrations_banktransaction_assign", args=[queued.pk]),
        {"manual": "1", f"number-{queued.pk}": f"RE {year}/{int(sequence)}"},
    )
    registration.refresh_from_db()
    assert registration.payment_status == Registration.PaymentStatus.PARTLY_PAID


@pytest.mark.parametrize("count", [1, 4])
def test_review_page_queries_do_not_grow_with_the_statement(
    office, conference, count, django_assert_max_num_queries
):
    invoices = [invoiced(conference, n)[1] for n in range(count)]
    statement = bank_import.store_statement(
        file_name="a.xml",
        content=statement_08(
            [Booking(Decimal("250.00"), [f"RE {i.number}"], reference=f"R{i.pk}") for i in invoices]
            + [Booking(Decimal("5.00"), ["x"], reference=f"U{n}") for n in range(count)]
        ),
    )
    with django_assert_max_num_queries(10):
        response = office.get(review_url(statement))
    assert len(response.context["review"].matched) == count


@pytest.mark.parametrize("count", [1, 4])
def test_queue_queries_do_not_grow_with_the_queue(office, conference, count, django_assert_max_num_queries):
    for n in range(count):
        invoiced(conference, n, organisation=f"Gemeinde {n}")
    statement = bank_import.store_statement(
        file_name="a.xml",
        content=statement_08(
            [
                Booking(Decimal("250.00"), ["Tagung"], debtor=f"Gemeinde {n}", reference=f"Q{n}")
                for n in range(count)
            ]
        ),
    )
    bank_import.book_statement(statement_import=statement)
    with django_assert_max_num_queries(14):
        response = office.get(reverse(QUEUE))
    assert response.content.decode().count("Zuordnen: ") >= count


@pytest.mark.parametrize("term", ["{number}", "RE {year}/{seq}", "BE-2025-77"])
def test_registration_list_finds_invoice_and_order_numbers(office, conference, term):
    registration, invoice = invoiced(conference, 1, order_number="BE-2025-77")
    invoiced(conference, 2, order_number="ANDERE-1")
    year, sequence = invoice.number.split("-")
    query = term.format(number=invoice.number, year=year, seq=int(sequence))
    response = office.get(reverse("admin:registrations_registration_changelist"), {"q": query})
    assert [r.pk for r in response.context["cl"].result_list] == [registration.pk]


@pytest.mark.parametrize("term", ["{number}", "RE {year}/{seq}", "Rechnung {year} {seq:04d}", "BE-2025-77"])
def test_invoice_list_finds_invoice_numbers_written_loosely_and_order_numbers(office, conference, term):
    """The invoice list reads an invoice number as loosely as the registration list and the bank
    import do (`RE 2026/3` is invoice 2026-0003); it used to find only the number as printed."""
    _registration, invoice = invoiced(conference, 1, order_number="BE-2025-77")
    invoiced(conference, 2, order_number="ANDERE-1")
    year, sequence = invoice.number.split("-")
    query = term.format(number=invoice.number, year=year, seq=int(sequence))
    response = office.get(reverse("admin:registrations_invoice_changelist"), {"q": query})
    assert [i.pk for i in response.context["cl"].result_list] == [invoice.pk]


def test_the_queue_lists_only_unmatched_credits_and_all_lists_everything(office, conference):
    registration, invoice = invoiced(conference, 1)
    statement = bank_import.store_statement(
        file_name="a.xml",
        content=statement_08(
            [
                Booking(Decimal("250.00"), [f"RE {invoice.number}"], reference="R1"),
                Booking(Decimal("40.00"), ["Spende"], reference="Q1"),
            ]
        ),
    )
    bank_import.book_statement(statement_import=statement)
    queue = office.get(reverse(QUEUE))
    assert [t.bank_reference for t in queue.context["cl"].result_list] == ["Q1"]
    everything = office.get(reverse(QUEUE), {"stand": "alle"})
    assert sorted(t.bank_reference for t in everything.context["cl"].result_list) == ["Q1", "R1"]
    booked = office.get(reverse(QUEUE), {"stand": "booked"})
    assert [t.bank_reference for t in booked.context["cl"].result_list] == ["R1"]
    assert registration.full_name in booked.content.decode()

"""Invoices: gapless numbers per year, frozen data, Stornorechnungen, hooks."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction

from core.exceptions import RegistrationError
from registrations.documents import invoice as invoice_documents
from registrations.domain import invoicing, lifecycle, outbox
from registrations.models import Invoice, InvoiceSequence, Registration
from registrations.queries import invoices as invoice_queries
from tests.documents import decode_qr, pdf_text, squeezed
from tests.factories import (
    BindingRegistrationFactory,
    ConferenceFactory,
    RegistrationFactory,
    employer_billing,
    pre_registration_data,
)

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def in_july_2025(time_machine):
    time_machine.move_to(dt.datetime(2025, 7, 1, 12, 0, tzinfo=BERLIN), tick=False)


@pytest.fixture
def conference(in_july_2025):
    return ConferenceFactory(
        title="VSOP-Jahrestagung 2025",
        city="Köln",
        venue_name="Tagungshaus am Dom",
        starts_at=dt.datetime(2025, 9, 25, 10, 0, tzinfo=BERLIN),
        ends_at=dt.datetime(2025, 9, 26, 14, 0, tzinfo=BERLIN),
        payment_due_days=14,
    )


def numbers():
    return list(Invoice.objects.order_by("year", "sequence").values_list("number", "kind", "amount"))


def test_issue_invoice_freezes_billing_data_and_numbers_from_one(conference):
    registration = BindingRegistrationFactory(conference=conference)

    invoice = invoicing.issue_invoice(registration=registration)

    assert invoice.number == "2025-0001"
    assert (invoice.year, invoice.sequence) == (2025, 1)
    assert invoice.kind == Invoice.Kind.INVOICE
    assert invoice.amount == Decimal("250.00")
    assert invoice.issued_on == dt.date(2025, 7, 1)
    assert invoice.due_on == dt.date(2025, 7, 15)
    assert invoice.recipient == (
        "Landkreis Beispiel\nJugendamt, Sozialplanung\nz. Hd. Dr. Anna-Lena Müller-Lüdenscheidt\n"
        "Am Markt 1\n50667 Köln"
    )
    assert invoice.recipient_email == "rechnung@landkreis-beispiel.de"
    assert invoice.order_number == "BE-2025-77"
    assert invoice.cost_centre == "KST 4711"
    assert invoice.leitweg_id == "05315000-0001-23"
    assert invoice.participant_name == "Dr. Anna-Lena Müller-Lüdenscheidt"
    assert invoice.description == "Teilnahme an der VSOP-Jahrestagung 2025 in Köln (Mitglied)"
    assert invoice.service_period == "25.09.2025 – 26.09.2025"
    assert invoice.service_place == "Tagungshaus am Dom, Köln"
    registration.refresh_from_db()
    assert registration.payment_status == Registration.PaymentStatus.OPEN


def test_invoice_to_the_person_uses_their_name_and_address(conference):
    registration = BindingRegistrationFactory(
        conference=conference, billing_recipient="person", billing_email="", billing_organisation=""
    )
    invoice = invoicing.issue_invoice(registration=registration)
    assert invoice.recipient == "Dr. Anna-Lena Müller-Lüdenscheidt\nAm Markt 1\n50667 Köln"
    assert invoice.recipient_email == registration.email


def test_later_changes_of_the_registration_do_not_touch_the_invoice(conference):
    registration = BindingRegistrationFactory(conference=conference)
    invoice = invoicing.issue_invoice(registration=registration)
    registration.billing_organisation = "Stadt Anders"
    registration.fee = Decimal("300.00")
    registration.save()
    invoice.refresh_from_db()
    assert invoice.recipient.startswith("Landkreis Beispiel\n")
    assert invoice.amount == Decimal("250.00")


def test_issue_invoice_is_idempotent(conference):
    registration = BindingRegistrationFactory(conference=conference)
    first = invoicing.issue_invoice(registration=registration)
    second = invoicing.issue_invoice(registration=registration)
    assert second == first
    assert Invoice.objects.count() == 1
    assert InvoiceSequence.objects.get(year=2025).last_number == 1


@pytest.mark.parametrize(
    ("stage", "status", "fee"),
    [
        ("pre", "holds_place", Decimal("250.00")),
        ("binding", "waiting", Decimal("250.00")),
        ("binding", "cancelled", Decimal("250.00")),
        ("binding", "holds_place", None),
    ],
)
def test_no_invoice_without_a_binding_place_and_a_fee(conference, stage, status, fee):
    registration = BindingRegistrationFactory(
        conference=conference,
        stage=stage,
        status=status,
        fee=fee,
        waiting_since=conference.created_at if status == "waiting" else None,
    )
    with pytest.raises(RegistrationError):
        invoicing.issue_invoice(registration=registration)
    assert Invoice.objects.count() == 0
    assert InvoiceSequence.objects.filter(last_number__gt=0).count() == 0


def test_a_rolled_back_invoice_gives_its_number_back(conference):
    first, second = (
        BindingRegistrationFactory(conference=conference),
        BindingRegistrationFactory(conference=conference, email="zwei@example.org"),
    )
    with pytest.raises(RuntimeError), transaction.atomic():
        invoicing.issue_invoice(registration=first)
        raise RuntimeError("the binding registration failed after the invoice")
    assert invoicing.issue_invoice(registration=second).number == "2025-0001"


def test_numbers_stay_gapless_across_storno_and_new_invoices(conference):
    anna = BindingRegistrationFactory(conference=conference)
    ben = BindingRegistrationFactory(conference=conference, first_name="Ben", email="ben@example.org")
    invoicing.issue_invoice(registration=anna)
    invoicing.issue_invoice(registration=ben)
    anna.fee = Decimal("300.00")
    anna.fee_category = "non_member"
    anna.save()

    new = invoicing.reissue_invoice(registration=anna)
    storno = invoicing.cancel_invoice(registration=ben, reason="Testabsage")

    assert numbers() == [
        ("2025-0001", "invoice", Decimal("250.00")),
        ("2025-0002", "invoice", Decimal("250.00")),
        ("2025-0003", "cancellation", Decimal("-250.00")),
        ("2025-0004", "invoice", Decimal("300.00")),
        ("2025-0005", "cancellation", Decimal("-250.00")),
    ]
    assert new.number == "2025-0004"
    assert new.description == "Teilnahme an der VSOP-Jahrestagung 2025 in Köln (Nicht-Mitglied)"
    old = Invoice.objects.get(number="2025-0001")
    assert old.cancelled_by.number == "2025-0003"
    assert invoice_queries.current_invoice(anna) == new
    assert storno.cancels.number == "2025-0002"
    assert storno.description == "Teilnahme an der VSOP-Jahrestagung 2025 in Köln (Mitglied) – Testabsage"
    assert storno.recipient == storno.cancels.recipient
    assert "Ben Müller-Lüdenscheidt" in storno.recipient
    assert invoice_queries.current_invoice(ben) is None


def test_numbers_start_again_in_a_new_year(conference, time_machine):
    invoicing.issue_invoice(registration=BindingRegistrationFactory(conference=conference))
    time_machine.move_to(dt.datetime(2026, 1, 2, 9, 0, tzinfo=BERLIN), tick=False)
    late = BindingRegistrationFactory(conference=conference, email="spaet@example.org")
    invoice = invoicing.issue_invoice(registration=late)
    storno = invoicing.cancel_invoice(registration=late, reason="Testabsage")
    assert (invoice.number, storno.number) == ("2026-0001", "2026-0002")
    assert dict(InvoiceSequence.objects.values_list("year", "last_number")) == {2025: 1, 2026: 2}


def test_cancel_invoice_without_a_valid_invoice_is_refused(conference):
    registration = BindingRegistrationFactory(conference=conference)
    with pytest.raises(RegistrationError, match="keine gültige Rechnung"):
        invoicing.cancel_invoice(registration=registration, reason="x")


def test_reissue_without_an_invoice_just_issues_one(conference):
    registration = BindingRegistrationFactory(conference=conference)
    invoice = invoicing.reissue_invoice(registration=registration)
    assert numbers() == [("2025-0001", "invoice", Decimal("250.00"))]
    assert invoice.cancels is None


def test_binding_hook_issues_the_invoice_once(conference):
    registration = BindingRegistrationFactory(conference=conference)
    with transaction.atomic():
        lifecycle.take_binding_steps(registration)
        lifecycle.take_binding_steps(registration)
    assert numbers() == [("2025-0001", "invoice", Decimal("250.00"))]


def test_binding_hook_skips_a_free_place(conference):
    registration = BindingRegistrationFactory(conference=conference, fee=Decimal("0.00"))
    lifecycle.take_binding_steps(registration)
    assert Invoice.objects.count() == 0


def test_binding_registration_moving_up_gets_its_invoice(conference):
    conference.places = 1
    conference.save()
    RegistrationFactory(conference=conference)  # holds the only place
    waiting = BindingRegistrationFactory(
        conference=conference, status="waiting", waiting_since=conference.created_at, leitweg_id=""
    )
    conference.places = 2
    conference.save()
    lifecycle.move_up(registration=waiting)
    assert invoice_queries.current_invoice(waiting).amount == Decimal("250.00")


def test_cancelling_the_registration_issues_a_stornorechnung(conference):
    registration = BindingRegistrationFactory(conference=conference)
    invoice = invoicing.issue_invoice(registration=registration)

    lifecycle.cancel(registration=registration)

    storno = Invoice.objects.get(kind=Invoice.Kind.CANCELLATION)
    assert storno.cancels == invoice
    assert storno.amount == Decimal("-250.00")
    assert storno.number == "2025-0002"
    assert storno.due_on == storno.issued_on == dt.date(2025, 7, 1)
    assert storno.description.endswith("– Stornierung der Anmeldung")
    registration.refresh_from_db()
    assert registration.payment_status == Registration.PaymentStatus.NONE


def test_cancelling_a_registration_without_invoice_issues_nothing(conference):
    registration = BindingRegistrationFactory(conference=conference)
    lifecycle.cancel(registration=registration)
    assert Invoice.objects.count() == 0


# PDF and GiroCode ----------------------------------------------------------


def test_invoice_pdf_shows_what_a_german_invoice_needs(conference, settings):
    settings.ASSOCIATION = {**settings.ASSOCIATION, "tax_number": "217/5730/1234"}
    invoice = invoicing.issue_invoice(registration=BindingRegistrationFactory(conference=conference))

    pages, text = pdf_text(invoice_documents.invoice_pdf(invoice))

    assert pages == 1
    for expected in [
        "Verein für Sozialplanung e.V. (VSOP)",
        "Rechnung 2025-0001",
        "Rechnungsdatum 01.07.2025",
        "Landkreis Beispiel",
        "z. Hd. Dr. Anna-Lena Müller-Lüdenscheidt",
        "50667 Köln",
        "Bestellnummer BE-2025-77",
        "Kostenstelle KST 4711",
        "Leitweg-ID 05315000-0001-23",
        "Steuernummer 217/5730/1234",
        "Leistungszeitraum 25.09.2025 – 26.09.2025",
        "Leistungsort: Tagungshaus am Dom, Köln",
        "Rechnungsbetrag 250,00 €",
        "bis zum 15.07.2025",
        "IBAN DE02 1203 0000 0000 2020 51",
        "BIC BYLADEM1001",
        "Steuerfrei nach § 4 Nr. 22 a UStG",
    ]:
        assert expected in text, expected
    assert squeezed("Verwendungszweck RE 2025-0001 Dr. Anna-Lena Müller-Lüdenscheidt") in squeezed(text)


def test_stornorechnung_pdf_names_the_original_and_has_no_girocode(conference):
    registration = BindingRegistrationFactory(conference=conference)
    invoicing.issue_invoice(registration=registration)
    storno = invoicing.cancel_invoice(registration=registration, reason="Stornierung der Anmeldung")

    pages, text = pdf_text(invoice_documents.invoice_pdf(storno))

    assert pages == 1
    assert "Stornorechnung zu Rechnung 2025-0001" in text
    assert "Storno-Nr. 2025-0002" in text
    assert "Gutschriftsbetrag -250,00 €" in text
    assert "Bitte überweisen" not in text
    assert invoice_documents.girocode(storno) is None
    assert invoice_documents.invoice_filename(storno) == "Stornorechnung_2025-0002.pdf"


def test_hostile_names_are_printed_as_text(conference):
    registration = BindingRegistrationFactory(
        conference=conference,
        first_name='<img src="http://evil.example/x.png">',
        last_name="<b>O'Brien & Söhne</b>",
        billing_organisation="<script>alert(1)</script>",
    )
    invoice = invoicing.issue_invoice(registration=registration)
    _, text = pdf_text(invoice_documents.invoice_pdf(invoice))
    assert "<script>alert(1)</script>" in text
    assert squeezed("<b>O'Brien & Söhne</b>") in squeezed(text)
    assert squeezed('<img src="http://evil.example/x.png">') in squeezed(text)


def test_girocode_decodes_to_iban_amount_and_reference(conference):
    from io import BytesIO

    from PIL import Image

    invoice = invoicing.issue_invoice(registration=BindingRegistrationFactory(conference=conference))
    buffer = BytesIO()
    invoice_documents.girocode(invoice).save(buffer, kind="png", scale=5)
    buffer.seek(0)

    lines = decode_qr(Image.open(buffer))

    assert lines[:4] == ["BCD", "002", lines[2], "SCT"]
    assert lines[4:7] == ["BYLADEM1001", "Verein für Sozialplanung e.V. (VSOP)", "DE02120300000000202051"]
    # segno writes the shortest EPC form of 250.00 (EUR250); banking apps read it as 250,00 €.
    assert lines[7] == "EUR250"
    assert Decimal(lines[7].removeprefix("EUR")) == Decimal("250.00")
    assert lines[10] == "RE 2025-0001 Dr. Anna-Lena Müller-Lüdenscheidt"


def test_girocode_printed_in_the_pdf_decodes(conference, tmp_path):
    import shutil
    import subprocess

    from PIL import Image

    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    registration = BindingRegistrationFactory(conference=conference, fee=Decimal("300.50"))
    invoice = invoicing.issue_invoice(registration=registration)
    pdf = tmp_path / "rechnung.pdf"
    pdf.write_bytes(invoice_documents.invoice_pdf(invoice))
    subprocess.run(["pdftoppm", "-png", "-r", "200", str(pdf), str(tmp_path / "page")], check=True)

    lines = decode_qr(Image.open(tmp_path / "page-1.png"))

    assert lines[6] == "DE02120300000000202051"
    assert lines[7] == "EUR300.5"
    assert lines[10] == "RE 2025-0001 Dr. Anna-Lena Müller-Lüdenscheidt"


# Mails ---------------------------------------------------------------------


def test_cancellation_after_the_deadline_keeps_the_invoice_due(conference, time_machine):
    registration = BindingRegistrationFactory(conference=conference)
    invoice = invoicing.issue_invoice(registration=registration)
    time_machine.move_to(dt.datetime(2025, 9, 16, 9, 0, tzinfo=BERLIN), tick=False)  # deadline 15.09.

    lifecycle.cancel(registration=registration)

    assert invoice_queries.current_invoice(registration) == invoice
    assert not Invoice.objects.filter(kind=Invoice.Kind.CANCELLATION).exists()
    registration.refresh_from_db()
    assert registration.payment_status == Registration.PaymentStatus.OPEN


def test_cancellation_on_the_deadline_day_is_still_free(conference, time_machine):
    registration = BindingRegistrationFactory(conference=conference)
    invoicing.issue_invoice(registration=registration)
    time_machine.move_to(dt.datetime(2025, 9, 15, 23, 30, tzinfo=BERLIN), tick=False)
    lifecycle.cancel(registration=registration)
    assert invoice_queries.current_invoice(registration) is None


def test_stornorechnung_is_mailed_with_the_pdf_attached_by_reference(conference):
    from registrations.models import OutgoingMail

    registration = BindingRegistrationFactory(
        conference=conference, leitweg_id=""
    )  # no Leitweg-ID: no XRechnung beside the PDF
    invoicing.issue_invoice(registration=registration)
    lifecycle.cancel(registration=registration)

    mail = OutgoingMail.objects.get(kind="invoice_documents")
    assert mail.subject == "Stornorechnung 2025-0002 zu Rechnung 2025-0001: VSOP-Jahrestagung 2025"
    assert "-250,00\u00a0€" in mail.body_text
    assert [(a.filename, a.invoice.number, bytes(a.content)) for a in mail.attachments.all()] == [
        ("Stornorechnung_2025-0002.pdf", "2025-0002", b"")
    ]


def test_reissue_mails_storno_and_new_invoice(conference):
    from registrations.models import OutgoingMail

    registration = BindingRegistrationFactory(
        conference=conference, leitweg_id=""
    )  # no Leitweg-ID: no XRechnung beside the PDF
    invoicing.issue_invoice(registration=registration)
    registration.fee = Decimal("300.00")
    registration.save()
    invoicing.reissue_invoice(registration=registration)

    mail = OutgoingMail.objects.get(kind="invoice_documents")
    assert mail.subject == (
        "Korrigierte Rechnung 2025-0003 und Stornorechnung 2025-0002: VSOP-Jahrestagung 2025"
    )
    assert sorted(a.filename for a in mail.attachments.all()) == [
        "Rechnung_2025-0003.pdf",
        "Stornorechnung_2025-0002.pdf",
    ]


def test_moved_up_binding_registration_is_mailed_its_invoice(conference):
    from registrations.models import OutgoingMail

    conference.places = 1
    conference.save()
    holder = RegistrationFactory(conference=conference)
    waiting = BindingRegistrationFactory(
        conference=conference, status="waiting", waiting_since=conference.created_at, leitweg_id=""
    )
    lifecycle.cancel(registration=holder)  # the waiting registration moves up

    invoice = invoice_queries.current_invoice(waiting)
    assert invoice.number == "2025-0001"
    mail = OutgoingMail.objects.get(kind="invoice_documents", registration=waiting)
    assert mail.subject == "Rechnung 2025-0001: VSOP-Jahrestagung 2025"
    assert [a.invoice for a in mail.attachments.all()] == [invoice]


def test_delivery_renders_the_referenced_invoice_pdf(conference, mailoutbox):
    from registrations.models import OutgoingMail

    registration = BindingRegistrationFactory(
        conference=conference, leitweg_id=""
    )  # no Leitweg-ID: no XRechnung beside the PDF
    invoice = invoicing.issue_invoice(registration=registration)
    queued = invoicing.queue_invoice_mail(registration=registration, new_invoice=invoice)

    assert outbox.deliver_mail(queued.pk) is True

    assert OutgoingMail.objects.get(pk=queued.pk).status == OutgoingMail.Status.SENT
    (message,) = mailoutbox
    (attachment,) = message.attachments
    assert attachment.filename == "Rechnung_2025-0001.pdf"
    assert attachment.mimetype == "application/pdf"
    _, text = pdf_text(attachment.content)
    assert "Rechnung 2025-0001" in text
    assert "250,00 €" in text


def test_binding_registration_mails_a_correct_invoice_pdf_with_girocode(
    conference, mailoutbox, django_capture_on_commit_callbacks, tmp_path
):
    """The issue's journey: pre-registered, binding as a member, the confirmation carries the invoice."""
    import shutil
    import subprocess

    from PIL import Image

    from registrations.domain.lifecycle import register_binding

    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    pre_registration, _ = lifecycle.pre_register(
        conference=conference,
        data=pre_registration_data(first_name="Nora", last_name="Neu", email="nora@example.org"),
    )
    with django_capture_on_commit_callbacks(execute=True):
        registration, _ = register_binding(
            conference=conference,
            registration=pre_registration,
            data=pre_registration_data(
                first_name="Nora",
                last_name="Neu",
                email="nora@example.org",
                is_member=True,
                member_number="1001",
                **employer_billing(),
            ),
        )

    (confirmation,) = [m for m in mailoutbox if m.subject.startswith("Ihre verbindliche Anmeldung")]
    (pdf,) = [a for a in confirmation.attachments if a.filename.endswith(".pdf")]
    assert pdf.filename == "Rechnung_2025-0001.pdf"
    _, text = pdf_text(pdf.content)
    assert "Rechnungsbetrag 250,00 €" in text
    assert "Leitweg-ID 04011000-1234512345-06" in text
    (tmp_path / "r.pdf").write_bytes(pdf.content)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "200", str(tmp_path / "r.pdf"), str(tmp_path / "p")], check=True
    )
    lines = decode_qr(Image.open(tmp_path / "p-1.png"))
    assert (lines[6], lines[7], lines[10]) == ("DE02120300000000202051", "EUR250", "RE 2025-0001 Nora Neu")


def test_invoice_kept_after_a_late_cancellation_can_still_be_corrected(conference, time_machine):
    registration = BindingRegistrationFactory(conference=conference)
    invoicing.issue_invoice(registration=registration)
    time_machine.move_to(dt.datetime(2025, 9, 20, 9, 0, tzinfo=BERLIN), tick=False)
    lifecycle.cancel(registration=registration)
    Registration.objects.filter(pk=registration.pk).update(billing_department="Kämmerei")

    new = invoicing.reissue_invoice(registration=registration)

    assert numbers() == [
        ("2025-0001", "invoice", Decimal("250.00")),
        ("2025-0002", "cancellation", Decimal("-250.00")),
        ("2025-0003", "invoice", Decimal("250.00")),
    ]
    assert "Kämmerei" in new.recipient
    with pytest.raises(RegistrationError):
        invoicing.issue_invoice(registration=RegistrationFactory(conference=conference, status="cancelled"))

"""E-invoices: XRechnung / ZUGFeRD XML of every invoice type, checked offline with the official rules.

The rules (CII schema, CEN EN 16931 and KoSIT XRechnung 3 Schematron, run by
Saxon-HE) live in `../shared/einvoice`, beside the repository and not in it. A
clone without them skips these tests, saying so; CI sets EINVOICE_RULES_REQUIRED=1
and then a missing rule set fails them instead.
"""

import datetime as dt
import io
import os
import sys
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core import checks
from django.core.exceptions import ValidationError
from lxml import etree
from pypdf import PdfReader

from registrations.checks import PLACEHOLDER_IBAN, check_association_invoice_data
from registrations.documents import einvoice
from registrations.documents.invoice import invoice_pdf
from registrations.domain import invoicing
from registrations.domain.lifecycle import confirm_address, register_binding
from registrations.models import Invoice
from registrations.queries.invoices import current_invoice
from registrations.rules.leitweg import normalise_leitweg_id, validate_leitweg_id
from tests.factories import ConferenceFactory, employer_billing, pre_registration_data

BERLIN = ZoneInfo("Europe/Berlin")
RULES_DIR = Path(settings.BASE_DIR).parent / "shared" / "einvoice"
NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
    "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
    "fx": einvoice.FACTURX_NAMESPACE,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
}
LEITWEG_ID = "04011000-1234512345-06"
ASSOCIATION = {
    "tax_number": "151/123/45678",
    "phone": "+49 361 1234560",
    "register": "Amtsgericht Erfurt VR 1234",
}


def load_check(rules_dir):
    """`validate.check` from `rules_dir`; skip without it, or fail when EINVOICE_RULES_REQUIRED=1."""
    if not (rules_dir / "validate.py").is_file():
        reason = f"the official e-invoice rules are missing: {rules_dir} (../shared/einvoice) does not exist"
        if os.environ.get("EINVOICE_RULES_REQUIRED") == "1":
            pytest.fail(f"{reason}, and EINVOICE_RULES_REQUIRED=1 says they must be there")
        pytest.skip(reason)
    sys.path.insert(0, str(rules_dir))
    try:
        from validate import check
    finally:
        sys.path.remove(str(rules_dir))
    return check


@pytest.fixture(scope="module")
def check():
    """The validator, once per module: it compiles the rule sets on first use and keeps them."""
    return load_check(RULES_DIR)


@pytest.fixture
def association(settings):
    settings.ASSOCIATION = {**settings.ASSOCIATION, **ASSOCIATION}
    return settings.ASSOCIATION


@pytest.fixture
def conference(db, time_machine, association):
    time_machine.move_to(dt.datetime(2026, 5, 4, 10, 0, tzinfo=BERLIN), tick=False)
    return ConferenceFactory(
        title="VSOP-Jahrestagung 2026",
        city="Erfurt",
        venue_name="Augustinerkloster",
        starts_at=dt.datetime(2026, 6, 12, 10, 0, tzinfo=BERLIN),
        ends_at=dt.datetime(2026, 6, 14, 13, 0, tzinfo=BERLIN),
        payment_due_days=30,
    )


def register(conference, **extra):
    """A binding registration through the real service, billed to the employer; its binding hook invoices it."""
    registration, created = register_binding(
        conference=conference, data=pre_registration_data(1, **employer_billing(**extra))
    )
    assert created
    return confirm_address(registration=registration)  # the mailed link confirms the address


def parse(xml):
    return etree.fromstring(xml)


def text(root, path):
    return root.xpath(f"string({path})", namespaces=NS)


def assert_valid(check, xml):
    errors, _notes = check(xml)
    assert errors == []


# ---------------------------------------------------------------- XRechnung and ZUGFeRD XML


def test_invoice_with_leitweg_id_is_a_valid_xrechnung(conference, check):
    invoice = current_invoice(register(conference))

    xml = einvoice.cii_xml(invoice)

    assert_valid(check, xml)
    root = parse(xml)
    assert einvoice.is_xrechnung(invoice)
    assert einvoice.xml_filename(invoice) == "XRechnung_2026-0001.xml"
    assert text(root, "//ram:GuidelineSpecifiedDocumentContextParameter/ram:ID") == (
        "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0"
    )
    assert text(root, "//rsm:ExchangedDocument/ram:TypeCode") == "380"
    assert text(root, "//ram:BuyerReference") == LEITWEG_ID  # BT-10
    buyer_address = root.xpath(
        "//ram:BuyerTradeParty/ram:URIUniversalCommunication/ram:URIID", namespaces=NS
    )[0]
    assert (buyer_address.get("schemeID"), buyer_address.text) == ("0204", LEITWEG_ID)  # BT-49
    assert text(root, "//ram:BuyerTradeParty/ram:Name") == "Landkreis Beispiel"
    assert text(root, "//ram:BuyerTradeParty//ram:PostcodeCode") == "50667"
    assert text(root, "//ram:BuyerTradeParty//ram:CityName") == "Köln"
    assert text(root, "//ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID") == "PO-4711"  # BT-13
    assert text(root, "//ram:ReceivableSpecifiedTradeAccountingAccount/ram:ID") == "KST 12"  # BT-19
    period = "//ram:ApplicableHeaderTradeSettlement/ram:BillingSpecifiedPeriod"  # BG-14
    assert text(root, f"{period}/ram:StartDateTime/udt:DateTimeString") == "20260612"
    assert text(root, f"{period}/ram:EndDateTime/udt:DateTimeString") == "20260614"
    seller = "//ram:SellerTradeParty"
    assert text(root, f"{seller}/ram:SpecifiedTaxRegistration/ram:ID[@schemeID='FC']") == "151/123/45678"
    assert text(root, f"{seller}/ram:SpecifiedLegalOrganization/ram:ID") == "Amtsgericht Erfurt VR 1234"
    assert (
        text(root, f"{seller}//ram:TelephoneUniversalCommunication/ram:CompleteNumber") == "+49 361 1234560"
    )
    assert (
        text(root, f"{seller}//ram:EmailURIUniversalCommunication/ram:URIID") == settings.ASSOCIATION["email"]
    )
    tax = "//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax"
    assert text(root, f"{tax}/ram:CategoryCode") == "E"
    assert text(root, f"{tax}/ram:ExemptionReason") == settings.ASSOCIATION["vat_note"]
    means = "//ram:SpecifiedTradeSettlementPaymentMeans"
    assert text(root, f"{means}/ram:TypeCode") == "58"
    assert text(root, f"{means}//ram:IBANID") == "".join(settings.ASSOCIATION["iban"].split())
    assert text(root, f"{means}//ram:BICID") == settings.ASSOCIATION["bic"]
    assert text(root, "//ram:ApplicableHeaderTradeSettlement/ram:PaymentReference") == "RE 2026-0001"
    assert text(root, "//ram:DueDateDateTime/udt:DateTimeString") == "20260603"
    assert text(root, "//ram:DuePayableAmount") == "300.00"


def test_dropping_the_leitweg_id_from_an_xrechnung_fails_br_de_15(conference, check):
    root = parse(einvoice.cii_xml(current_invoice(register(conference))))
    for reference in root.xpath("//ram:BuyerReference", namespaces=NS):
        reference.getparent().remove(reference)

    errors, _notes = check(etree.tostring(root))

    assert "BR-DE-15" in {rule for _flag, rule, _text in errors}


def test_invoice_without_leitweg_id_is_a_valid_zugferd_en16931_invoice(conference, check):
    invoice = current_invoice(register(conference, leitweg_id=""))

    xml = einvoice.cii_xml(invoice)

    assert_valid(check, xml)
    root = parse(xml)
    assert not einvoice.is_xrechnung(invoice)
    assert einvoice.xml_filename(invoice) == "E-Rechnung_2026-0001.xml"
    assert text(root, "//ram:GuidelineSpecifiedDocumentContextParameter/ram:ID") == "urn:cen.eu:en16931:2017"
    buyer_address = root.xpath(
        "//ram:BuyerTradeParty/ram:URIUniversalCommunication/ram:URIID", namespaces=NS
    )[0]
    assert (buyer_address.get("schemeID"), buyer_address.text) == ("EM", "rechnung@landkreis-beispiel.de")
    assert text(root, "//ram:BuyerReference") == "PO-4711"  # the order number stands in


def test_cancellation_is_a_credit_note_with_positive_amounts_naming_the_original(conference, check):
    registration = register(conference)
    original = current_invoice(registration)
    storno = invoicing.cancel_invoice(registration=registration, reason=invoicing.REASON_CANCELLED)
    assert storno.amount == Decimal("-300.00")

    xml = einvoice.cii_xml(storno)

    assert_valid(check, xml)
    root = parse(xml)
    assert einvoice.xml_filename(storno) == "XRechnung_Storno_2026-0002.xml"
    assert text(root, "//rsm:ExchangedDocument/ram:TypeCode") == "381"
    referenced = "//ram:ApplicableHeaderTradeSettlement/ram:InvoiceReferencedDocument"
    assert text(root, f"{referenced}/ram:IssuerAssignedID") == original.number  # BT-25
    assert text(root, f"{referenced}/ram:FormattedIssueDateTime/qdt:DateTimeString") == "20260504"  # BT-26
    for amount in ("LineTotalAmount", "TaxBasisTotalAmount", "GrandTotalAmount", "DuePayableAmount"):
        assert text(root, f"//ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:{amount}") == "300.00"
    assert text(root, "//ram:SpecifiedTradeSettlementPaymentMeans/ram:TypeCode") == "97"  # refund or set-off
    assert text(root, "//ram:BuyerReference") == LEITWEG_ID


def test_reissued_invoice_is_valid_and_carries_the_corrected_billing_data(conference, check):
    registration = register(conference)
    first = current_invoice(registration)
    registration.order_number = "PO-4712"
    registration.save()

    reissued = invoicing.reissue_invoice(registration=registration, notify=False)

    first.refresh_from_db()
    assert first.cancelled_by.kind == Invoice.Kind.CANCELLATION
    xml = einvoice.cii_xml(reissued)
    assert_valid(check, xml)
    root = parse(xml)
    assert text(root, "//rsm:ExchangedDocument/ram:ID") == reissued.number == "2026-0003"
    assert text(root, "//rsm:ExchangedDocument/ram:TypeCode") == "380"
    assert text(root, "//ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID") == "PO-4712"


def test_invoice_to_the_person_without_an_address_block_still_builds_its_xml(conference):
    """Without billing data the frozen address is name and organisation only (domain/invoicing.py):
    BG-8 then has no postcode or city, and the XML is still built."""
    invoice = current_invoice(register(conference, leitweg_id=""))
    Invoice.objects.filter(pk=invoice.pk).update(recipient="Anna-Lena Müller\nStadt Erfurt")
    invoice.refresh_from_db()

    root = parse(einvoice.cii_xml(invoice))

    assert text(root, "//ram:BuyerTradeParty/ram:Name") == "Anna-Lena Müller"
    assert text(root, "//ram:BuyerTradeParty//ram:LineOne") == "Stadt Erfurt"
    assert text(root, "//ram:BuyerTradeParty//ram:PostcodeCode") == ""
    assert text(root, "//ram:BuyerTradeParty//ram:CountryID") == "DE"


# ---------------------------------------------------------------- ZUGFeRD PDF


@pytest.mark.parametrize(("leitweg_id", "level"), [(LEITWEG_ID, "XRECHNUNG"), ("", "EN 16931")])
def test_invoice_pdf_is_pdf_a_3_with_the_xml_as_factur_x_alternative(conference, check, leitweg_id, level):
    invoice = current_invoice(register(conference, leitweg_id=leitweg_id))

    pdf = invoice_pdf(invoice)

    reader = PdfReader(io.BytesIO(pdf))
    assert list(reader.attachments) == ["factur-x.xml"]
    embedded = reader.attachments["factur-x.xml"][0]
    assert embedded == einvoice.cii_xml(invoice)
    assert_valid(check, embedded)
    catalog = reader.trailer["/Root"]
    # WeasyPrint lists the one file specification twice in /AF (from /Names and from the objects).
    associated = {
        (spec["/F"], spec["/AFRelationship"]) for spec in (ref.get_object() for ref in catalog["/AF"])
    }
    assert associated == {("factur-x.xml", "/Alternative")}
    xmp = etree.fromstring(catalog["/Metadata"].get_object().get_data())
    assert xmp.xpath("string(//fx:DocumentType)", namespaces=NS) == "INVOICE"
    assert xmp.xpath("string(//fx:DocumentFileName)", namespaces=NS) == "factur-x.xml"
    assert xmp.xpath("string(//fx:Version)", namespaces=NS) == "1.0"
    assert xmp.xpath("string(//fx:ConformanceLevel)", namespaces=NS) == level
    assert xmp.xpath("string(//rdf:Description/@pdfaid:part)", namespaces=NS) == "3"
    assert xmp.xpath("string(//rdf:Description/@pdfaid:conformance)", namespaces=NS) == "B"
    assert "Rechnung 2026-0001" in reader.pages[0].extract_text()


def test_missing_rules_skip_the_tests_unless_ci_requires_them(tmp_path, monkeypatch):
    monkeypatch.delenv("EINVOICE_RULES_REQUIRED", raising=False)
    with pytest.raises(pytest.skip.Exception, match="official e-invoice rules are missing"):
        load_check(tmp_path / "einvoice")
    monkeypatch.setenv("EINVOICE_RULES_REQUIRED", "1")
    with pytest.raises(pytest.fail.Exception, match="EINVOICE_RULES_REQUIRED=1"):
        load_check(tmp_path / "einvoice")


# ---------------------------------------------------------------- Leitweg-ID


@pytest.mark.parametrize("value", ["04011000-1234512345-06", "991-33333test-33", "991-03730-19"])
def test_valid_leitweg_ids_pass(value):
    validate_leitweg_id(value)
    assert normalise_leitweg_id(f" {value} ") == value.upper()


@pytest.mark.parametrize(
    ("value", "code", "message"),
    [
        ("04011000-1234512345-07", "leitweg_check", "Die Prüfziffer der Leitweg-ID stimmt nicht."),
        ("1-03730-19", "leitweg_format", "Die Leitweg-ID hat das Format Grobadressierung-Feinadressierung-"),
        ("04011000_1234512345_06", "leitweg_format", "Die Leitweg-ID hat das Format"),
        ("17011000-1234512345-06", "leitweg_region", "z. B. 04011000-1234512345-06"),  # no Land 17
    ],
)
def test_invalid_leitweg_ids_are_refused_with_a_german_reason(value, code, message):
    with pytest.raises(ValidationError) as raised:
        validate_leitweg_id(value)
    assert raised.value.code == code
    assert message in raised.value.messages[0]


# ---------------------------------------------------------------- deploy check of the association's data


VALID_BANK = {"iban": "DE89 3704 0044 0532 0130 00", "bic": "COBADEFFXXX"}


def ids(settings, **association):
    settings.ASSOCIATION = {**settings.ASSOCIATION, **ASSOCIATION, **VALID_BANK, **association}
    return [(type(message).__name__, message.id) for message in check_association_invoice_data()]


def test_complete_association_data_passes(settings):
    assert ids(settings) == []
    assert ids(settings, bic="") == []  # the BIC is optional within SEPA


def test_missing_tax_number_phone_or_register_is_an_error(settings):
    assert ids(settings, tax_number="", phone=" ", register="") == [
        ("Error", "registrations.E001"),
        ("Error", "registrations.E002"),
        ("Error", "registrations.E005"),
    ]


def test_invalid_iban_or_bic_is_an_error(settings):
    assert ids(settings, iban="DE89370400440532013001") == [("Error", "registrations.E003")]
    assert ids(settings, iban="") == [("Error", "registrations.E003")]
    assert ids(settings, bic="COBADEF") == [("Error", "registrations.E004")]


def test_the_shipped_sample_iban_only_warns(settings):
    assert ids(settings, iban="DE02 1203 0000 0000 2020 51", bic="BYLADEM1001") == [
        ("Warning", "registrations.W001")
    ]


def test_the_check_runs_with_check_deploy_only(settings):
    settings.ASSOCIATION = {**settings.ASSOCIATION, "tax_number": "", "iban": PLACEHOLDER_IBAN}
    deploy = {message.id for message in checks.run_checks(include_deployment_checks=True, tags=["vsop"])}
    assert {"registrations.E001", "registrations.W001"} <= deploy
    assert checks.run_checks(include_deployment_checks=False, tags=["vsop"]) == []


# ---------------------------------------------------------------- money (issue 16): part-payments, delivery, downloads


def test_corrected_invoice_after_a_part_payment_states_prepaid_and_due_amount(conference, check):
    from registrations.domain import payments

    registration = register(conference)
    payments.record_payment(
        registration=registration, amount=Decimal("100.00"), received_on=dt.date(2026, 5, 5)
    )
    registration.order_number = "PO-4712"
    registration.save()

    reissued = invoicing.reissue_invoice(registration=registration, notify=False)

    xml = einvoice.cii_xml(reissued)
    assert_valid(check, xml)
    root = parse(xml)
    summation = "//ram:SpecifiedTradeSettlementHeaderMonetarySummation"
    assert Decimal(text(root, f"{summation}/ram:GrandTotalAmount")) == reissued.amount
    assert Decimal(text(root, f"{summation}/ram:TotalPrepaidAmount")) == Decimal("100.00")
    assert Decimal(text(root, f"{summation}/ram:DuePayableAmount")) == reissued.amount - Decimal("100.00")


def test_the_accounts_office_mail_carries_the_xrechnung_xml(conference, check, mailoutbox):
    from registrations.domain import outbox
    from registrations.models import OutgoingMail

    registration = register(conference, billing_email="rechnung@stadt-erfurt.de")
    invoice = current_invoice(registration)
    # Confirming the address issued the invoice and queued its mail already.
    mail = invoicing.queue_invoice_mail(
        registration=registration, new_invoice=invoice
    ) or OutgoingMail.objects.get(registration=registration, dedup_key=f"invoice-{invoice.number}")
    assert [(a.filename, a.mimetype) for a in mail.attachments.order_by("pk")] == [
        (f"Rechnung_{invoice.number}.pdf", "application/pdf"),
        (f"XRechnung_{invoice.number}.xml", "application/xml"),
    ]

    mailoutbox.clear()
    assert outbox.deliver_mail(mail.pk) is True
    (message,) = mailoutbox
    xml = dict((name, content) for name, content, _type in message.attachments)[
        f"XRechnung_{invoice.number}.xml"
    ]
    assert_valid(check, xml if isinstance(xml, bytes) else xml.encode())
    assert OutgoingMail.objects.get(pk=mail.pk).cc == registration.email


def test_a_participant_mail_has_no_xml(conference):
    from registrations.models import OutgoingMail

    registration = register(conference, billing_email="")
    invoice = current_invoice(registration)
    # Confirming the address issued the invoice; its PDF travels with the confirmation mail.
    mail = invoicing.queue_invoice_mail(
        registration=registration, new_invoice=invoice
    ) or OutgoingMail.objects.get(registration=registration, dedup_key=f"invoice-{invoice.number}")
    assert [a.mimetype for a in mail.attachments.all()] == ["application/pdf"]


def test_the_xml_is_downloadable_on_the_personal_page_and_in_the_admin(
    conference, client, admin_client, check
):
    from django.urls import reverse

    registration = register(conference)
    invoice = current_invoice(registration)
    personal = reverse("registrations:personal_invoice_xml", args=[registration.token, invoice.number])

    assert personal in client.get(registration.get_absolute_url()).content.decode()
    response = client.get(personal)
    assert response["Content-Disposition"] == f'attachment; filename="XRechnung_{invoice.number}.xml"'
    assert_valid(check, response.content)

    admin_url = reverse("admin:registrations_invoice_xml", args=[invoice.pk])
    assert admin_url in admin_client.get(reverse("admin:registrations_invoice_changelist")).content.decode()
    assert admin_client.get(admin_url).content == response.content


def test_without_a_leitweg_id_there_is_no_xml_download(conference, client):
    from django.urls import reverse

    registration = register(conference, leitweg_id="")
    invoice = current_invoice(registration)
    assert (
        client.get(
            reverse("registrations:personal_invoice_xml", args=[registration.token, invoice.number])
        ).status_code
        == 404
    )

"""Collective invoices (Sammelrechnung) as e-invoices: one line per person, valid XRechnung and
ZUGFeRD, and their Stornorechnung a valid credit note (issue 15), checked with ../shared/einvoice."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

from registrations.documents import einvoice
from registrations.documents.invoice import invoice_pdf
from registrations.domain import group_registrations, lifecycle
from registrations.queries.invoices import current_collective_invoice
from tests.factories import ConferenceFactory
from tests.factories import group_colleague as colleague

from . import test_einvoice as base
from .test_einvoice import LEITWEG_ID, assert_valid, parse, text
from .test_group_registration import contact

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def check():
    return base.load_check(base.RULES_DIR)


@pytest.fixture
def conference(db, time_machine, settings):
    """The e-invoice tests' conference, with the association's invoice data filled in."""
    settings.ASSOCIATION = {**settings.ASSOCIATION, **base.ASSOCIATION}
    time_machine.move_to(dt.datetime(2026, 5, 4, 10, 0, tzinfo=base.BERLIN), tick=False)
    return ConferenceFactory(
        title="VSOP-Jahrestagung 2026",
        city="Erfurt",
        venue_name="Augustinerkloster",
        starts_at=dt.datetime(2026, 6, 12, 10, 0, tzinfo=base.BERLIN),
        ends_at=dt.datetime(2026, 6, 14, 13, 0, tzinfo=base.BERLIN),
        payment_due_days=30,
    )


def collective(conference, **extra):
    group = group_registrations.register_group(
        conference=conference,
        data=contact(**extra),
        members=[colleague("Anna", is_member=True), colleague("Bernd"), colleague("Cem")],
    )
    return group_registrations.confirm_group(group=group)


def test_collective_invoice_with_leitweg_id_is_a_valid_xrechnung_with_one_line_per_person(conference, check):
    invoice = current_collective_invoice(collective(conference, leitweg_id=LEITWEG_ID))

    xml = einvoice.cii_xml(invoice)

    assert_valid(check, xml)
    root = parse(xml)
    assert einvoice.is_xrechnung(invoice)
    lines = root.xpath("//ram:IncludedSupplyChainTradeLineItem", namespaces=NS_LINES)
    assert [text(line, ".//ram:LineID") for line in lines] == ["1", "2", "3"]
    assert [text(line, ".//ram:LineTotalAmount") for line in lines] == ["250.00", "300.00", "300.00"]
    assert "Teilnehmer/in: Bernd Beispiel" in text(lines[1], ".//ram:SpecifiedTradeProduct/ram:Description")
    assert text(root, "//ram:GrandTotalAmount") == "850.00"
    assert text(root, "//ram:BuyerTradeParty/ram:Name") == "Landkreis Beispiel"


def test_collective_invoice_without_leitweg_id_is_a_valid_zugferd_invoice_in_its_pdf(conference, check):
    invoice = current_collective_invoice(collective(conference, billing_email="rechnung@kreis-beispiel.de"))

    assert_valid(check, einvoice.cii_xml(invoice))
    pdf = PdfReader(io.BytesIO(invoice_pdf(invoice)))
    page = pdf.pages[0].extract_text()
    for name in ("Anna Beispiel", "Bernd Beispiel", "Cem Beispiel"):
        assert name in page


def test_storno_and_new_collective_invoice_after_a_cancellation_are_valid(conference, check):
    group = collective(conference, leitweg_id=LEITWEG_ID)
    first = current_collective_invoice(group)
    lifecycle.cancel(registration=group.members.get(first_name="Bernd"))
    first.refresh_from_db()
    storno, second = first.cancelled_by, current_collective_invoice(group)

    assert_valid(check, einvoice.cii_xml(storno))
    assert_valid(check, einvoice.cii_xml(second))
    root = parse(einvoice.cii_xml(storno))
    assert text(root, "//rsm:ExchangedDocument/ram:TypeCode") == "381"
    assert text(root, "//ram:GrandTotalAmount") == "850.00"
    assert second.amount == Decimal("550.00")


NS_LINES = {
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
}

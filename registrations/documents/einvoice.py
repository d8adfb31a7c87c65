"""E-invoices: the CII XML of an issued invoice, and the PDF/A-3 that carries it (ZUGFeRD / Factur-X).

Most participants' employers are Kommunen; their accounts offices take invoices
as e-invoices. Every invoice and Stornorechnung gets the same UN/CEFACT CII XML
(EN 16931), built here from the frozen invoice fields only, never from the
registration's current data:

- with a Leitweg-ID it is an XRechnung 3.0 (CII syntax): the Leitweg-ID is the
  buyer reference BT-10 and the buyer's electronic address BT-49 (scheme 0204);
- without one it is a ZUGFeRD / Factur-X invoice of profile EN 16931, embedded
  in the PDF, with the billing e-mail as the buyer's electronic address.

A Stornorechnung is a credit note (type code 381) that names the invoice it
cancels (BT-25/BT-26); a credit note states positive amounts, although the
frozen `Invoice.amount` of a cancellation is negative.

The association invoices tax-free under § 4 Nr. 22 UStG: VAT category E with
the exemption reason from `settings.ASSOCIATION["vat_note"]`.
"""

import io
import re
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from drafthorse.models.accounting import ApplicableTradeTax
from drafthorse.models.document import Document
from drafthorse.models.note import IncludedNote
from drafthorse.models.party import TaxRegistration
from drafthorse.models.payment import PaymentMeans, PaymentTerms
from drafthorse.models.tradelines import LineItem
from lxml import etree

from core import pdf_worker

from ..models import Invoice

XRECHNUNG_GUIDELINE = "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0"
EN16931_GUIDELINE = "urn:cen.eu:en16931:2017"
FACTURX_FILENAME = "factur-x.xml"
FACTURX_NAMESPACE = "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#"

TYPE_INVOICE = "380"  # UNTDID 1001: commercial invoice
TYPE_CREDIT_NOTE = "381"  # UNTDID 1001: credit note
PAYMENT_SEPA_TRANSFER = "58"  # UNTDID 4461: SEPA credit transfer
PAYMENT_CLEARING = "97"  # UNTDID 4461: clearing between partners (refund or set-off)
SCHEME_LEITWEG_ID = "0204"  # EAS code of the Leitweg-ID
SCHEME_EMAIL = "EM"  # EAS code of an e-mail address
SCHEME_TAX_NUMBER = "FC"  # the seller's tax number (Steuernummer), BT-32
VAT_EXEMPT = "E"  # UNCL 5305: exempt from tax
UNIT_ONE = "C62"  # UN/ECE Rec. 20: one (a unit of count)
CURRENCY = "EUR"

_POSTCODE_LINE = re.compile(r"^(?:(?P<country>[A-Z]{1,2})-?)?(?P<postcode>\d{4,5})\s+(?P<city>.+)$")
# Country letters before a postcode ("A-1010 Wien"), as on the binding form.
_POSTCODE_COUNTRIES = {
    "D": "DE",
    "A": "AT",
    "CH": "CH",
    "L": "LU",
    "B": "BE",
    "F": "FR",
    "I": "IT",
    "NL": "NL",
}


def is_xrechnung(invoice):
    """Whether the invoice goes out as an XRechnung: a Leitweg-ID was given for it."""
    return bool(invoice.leitweg_id.strip())


def xml_filename(invoice):
    """The download and mail attachment name of the XML, e.g. `XRechnung_2026-0001.xml`."""
    prefix = "XRechnung" if is_xrechnung(invoice) else "E-Rechnung"
    if invoice.kind == Invoice.Kind.CANCELLATION:
        prefix = f"{prefix}_Storno"
    return f"{prefix}_{invoice.number}.xml"


def _amount(invoice):
    """The amount as the e-invoice states it: positive in an invoice and in a credit note."""
    return abs(invoice.amount).quantize(Decimal("0.01"))


def _service_dates(invoice):
    """The first and last conference day, the invoicing period BG-14 (the frozen text says the same)."""
    conference = invoice.registration.conference
    return timezone.localtime(conference.starts_at).date(), timezone.localtime(conference.ends_at).date()


def _buyer_address(recipient):
    """Name, street lines, postcode, city and country from the frozen address block.

    The block is the name (organisation or person), optional department and
    "z. Hd." lines, the street and "PLZ Ort" (domain/invoicing.py). An
    invoice to a person without billing data has only name and organisation.
    """
    lines = [line.strip() for line in recipient.splitlines() if line.strip()]
    name, rest = (lines[0], lines[1:]) if lines else ("", [])
    postcode = city = ""
    country = "DE"
    if rest and (match := _POSTCODE_LINE.match(rest[-1])):
        postcode, city = match["postcode"], match["city"]
        country = _POSTCODE_COUNTRIES.get(match["country"] or "D", "DE")
        rest = rest[:-1]
    street = rest[-1] if rest else ""
    extra = ", ".join(rest[:-1])
    return {
        "name": name,
        "street": street,
        "extra": extra,
        "postcode": postcode,
        "city": city,
        "country": country,
    }


def _note(text, subject_code=None):
    note = IncludedNote()
    note.content = text
    if subject_code:
        note.subject_code = subject_code
    return note


def _seller(doc):
    """BG-4: the association, with contact (BT-41..43), tax number (BT-32) and register (BT-30)."""
    association = settings.ASSOCIATION
    seller = doc.trade.agreement.seller
    seller.name = association["name"]
    if association["register"]:
        seller.legal_organization.id = association["register"]
    seller.address.line_one = association["street"]
    seller.address.postcode = association["postcode"]
    seller.address.city_name = association["city"]
    seller.address.country_id = "DE"
    seller.contact.person_name = "Geschäftsstelle"
    if association["phone"]:
        seller.contact.telephone.number = association["phone"]
    seller.contact.email.address = association["email"]
    seller.electronic_address.uri_ID = (SCHEME_EMAIL, association["email"])
    if association["tax_number"]:
        seller.tax_registrations.add(TaxRegistration(id=(SCHEME_TAX_NUMBER, association["tax_number"])))


def _buyer(doc, invoice):
    """BG-7: the frozen recipient; the Leitweg-ID (scheme 0204) or the billing e-mail as BT-49."""
    address = _buyer_address(invoice.recipient)
    buyer = doc.trade.agreement.buyer
    buyer.name = address["name"] or invoice.participant_name
    if address["street"]:
        buyer.address.line_one = address["street"]
    if address["extra"]:
        buyer.address.line_two = address["extra"]
    if address["postcode"]:
        buyer.address.postcode = address["postcode"]
        buyer.address.city_name = address["city"]
    buyer.address.country_id = address["country"]
    if is_xrechnung(invoice):
        buyer.electronic_address.uri_ID = (SCHEME_LEITWEG_ID, invoice.leitweg_id.strip())
    elif invoice.recipient_email:
        buyer.electronic_address.uri_ID = (SCHEME_EMAIL, invoice.recipient_email)


def buyer_reference(invoice):
    """BT-10: the Leitweg-ID; without one the order number, else the invoice's payment reference.

    XRechnung requires the Leitweg-ID here (BR-DE-15). A ZUGFeRD invoice needs
    no BT-10, but many accounts offices route by it, so it carries the buyer's
    own order number when there is one.
    """
    return invoice.leitweg_id.strip() or invoice.order_number.strip() or invoice.payment_reference


def _lines(doc, invoice, amount, start, end):
    """One line per person: the invoice's own person, or each line of a collective invoice."""
    lines = list(invoice.lines.all()) if invoice.group_registration_id else []
    if not lines:
        _line(doc, invoice, amount, start, end)
        return
    for line in lines:
        _line(
            doc,
            invoice,
            abs(line.amount).quantize(Decimal("0.01")),
            start,
            end,
            line_id=str(line.position),
            name=line.description,
            participant=line.participant_name,
        )


def _line(doc, invoice, amount, start, end, *, line_id="1", name=None, participant=None):
    """A line: participation of the named person, quantity 1, tax-exempt."""
    item = LineItem()
    item.document.line_id = line_id
    item.product.name = name or invoice.description
    item.product.description = (
        f"Teilnehmer/in: {participant or invoice.participant_name}; "
        f"Leistungszeitraum: {invoice.service_period}; Leistungsort: {invoice.service_place}"
    )
    item.agreement.net.amount = amount
    item.agreement.net.basis_quantity = (Decimal("1"), UNIT_ONE)
    item.delivery.billed_quantity = (Decimal("1"), UNIT_ONE)
    item.settlement.trade_tax.type_code = "VAT"
    item.settlement.trade_tax.category_code = VAT_EXEMPT
    item.settlement.trade_tax.rate_applicable_percent = Decimal("0")
    item.settlement.period.start = start
    item.settlement.period.end = end
    item.settlement.monetary_summation.total_amount = amount
    doc.trade.items.add(item)


def _settlement(doc, invoice, amount, start, end):
    """BG-16 payment, BG-14 period, BG-23 tax breakdown (category E), BG-22 totals."""
    association = settings.ASSOCIATION
    settlement = doc.trade.settlement
    settlement.currency_code = CURRENCY
    settlement.payment_reference = invoice.payment_reference
    means = PaymentMeans()
    if invoice.kind == Invoice.Kind.CANCELLATION:
        # A credit note asks nobody to pay into our account: the amount is refunded or set off.
        means.type_code = PAYMENT_CLEARING
        means.information.add("Erstattung eines gezahlten Betrags oder Verrechnung mit einer neuen Rechnung")
    else:
        means.type_code = PAYMENT_SEPA_TRANSFER
        means.information.add("SEPA-Überweisung")
        means.payee_account.iban = "".join(association["iban"].split())
        means.payee_account.account_name = association["name"]
        if association["bic"]:
            means.payee_institution.bic = association["bic"].strip()
    settlement.payment_means.add(means)

    tax = ApplicableTradeTax()
    tax.calculated_amount = Decimal("0.00")
    tax.type_code = "VAT"
    tax.exemption_reason = association["vat_note"] or "Steuerfrei nach § 4 Nr. 22 UStG"
    tax.basis_amount = amount
    tax.category_code = VAT_EXEMPT
    tax.rate_applicable_percent = Decimal("0")
    settlement.trade_tax.add(tax)

    settlement.period.start = start
    settlement.period.end = end

    if invoice.kind == Invoice.Kind.INVOICE:
        terms = PaymentTerms()
        terms.description = (
            f"Zahlbar ohne Abzug bis zum {date_format(invoice.due_on, 'd.m.Y')} "
            f"unter Angabe des Verwendungszwecks {invoice.payment_reference}."
        )
        terms.due = invoice.due_on
        settlement.terms.add(terms)

    summation = settlement.monetary_summation
    summation.line_total = amount
    summation.charge_total = Decimal("0.00")
    summation.allowance_total = Decimal("0.00")
    summation.tax_basis_total = amount
    summation.tax_total = (Decimal("0.00"), CURRENCY)
    summation.grand_total = amount
    if invoice.kind == Invoice.Kind.INVOICE and invoice.credited_payments:
        # A corrected invoice after a part-payment: BT-113 paid already, BT-115 the rest.
        summation.prepaid_total = invoice.credited_payments
        summation.due_amount = invoice.amount_due
    else:
        summation.due_amount = amount

    if invoice.kind == Invoice.Kind.CANCELLATION and invoice.cancels_id:
        settlement.invoice_referenced_document.issuer_assigned_id = invoice.cancels.number
        settlement.invoice_referenced_document.issue_date_time = invoice.cancels.issued_on
    if invoice.cost_centre.strip():
        settlement.accounting_account.id = invoice.cost_centre.strip()


def cii_xml(invoice):
    """The UN/CEFACT CII XML (EN 16931; XRechnung 3.0 with a Leitweg-ID) of an issued invoice, as bytes.

    drafthorse checks the result against the Factur-X EN 16931 schema, so an
    invoice this function returns at least has the right syntax.
    """
    amount = _amount(invoice)
    start, end = _service_dates(invoice)
    is_credit_note = invoice.kind == Invoice.Kind.CANCELLATION

    doc = Document()
    doc.context.guideline_parameter.id = XRECHNUNG_GUIDELINE if is_xrechnung(invoice) else EN16931_GUIDELINE
    doc.header.id = invoice.number
    doc.header.type_code = TYPE_CREDIT_NOTE if is_credit_note else TYPE_INVOICE
    doc.header.issue_date_time = invoice.issued_on
    if is_credit_note and invoice.cancels_id:
        cancelled = invoice.cancels
        doc.header.notes.add(
            _note(
                f"Stornorechnung zu Rechnung {cancelled.number} vom {date_format(cancelled.issued_on, 'd.m.Y')}"
            )
        )
    doc.header.notes.add(_note(f"Teilnehmer/in: {invoice.participant_name}"))
    if settings.ASSOCIATION["register"]:
        doc.header.notes.add(
            _note(f"{settings.ASSOCIATION['name']}, {settings.ASSOCIATION['register']}", "REG")
        )

    _lines(doc, invoice, amount, start, end)

    agreement = doc.trade.agreement
    agreement.buyer_reference = buyer_reference(invoice)
    _seller(doc)
    _buyer(doc, invoice)
    if invoice.order_number.strip():
        agreement.buyer_order.issuer_assigned_id = invoice.order_number.strip()

    _settlement(doc, invoice, amount, start, end)
    return doc.serialize(schema="FACTUR-X_EN16931")


# PDF/A-3 with the XML embedded (ZUGFeRD / Factur-X) ---------------------------

_FACTURX_XMP = """<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:fx="{namespace}">
    <fx:DocumentType>INVOICE</fx:DocumentType>
    <fx:DocumentFileName>{filename}</fx:DocumentFileName>
    <fx:Version>1.0</fx:Version>
    <fx:ConformanceLevel>{level}</fx:ConformanceLevel>
  </rdf:Description>
  <rdf:Description rdf:about=""
      xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"
      xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#"
      xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
    <pdfaExtension:schemas>
      <rdf:Bag>
        <rdf:li rdf:parseType="Resource">
          <pdfaSchema:schema>Factur-X PDFA Extension Schema</pdfaSchema:schema>
          <pdfaSchema:namespaceURI>{namespace}</pdfaSchema:namespaceURI>
          <pdfaSchema:prefix>fx</pdfaSchema:prefix>
          <pdfaSchema:property>
            <rdf:Seq>
              <rdf:li rdf:parseType="Resource">
                <pdfaProperty:name>DocumentFileName</pdfaProperty:name>
                <pdfaProperty:valueType>Text</pdfaProperty:valueType>
                <pdfaProperty:category>external</pdfaProperty:category>
                <pdfaProperty:description>The name of the embedded XML document</pdfaProperty:description>
              </rdf:li>
              <rdf:li rdf:parseType="Resource">
                <pdfaProperty:name>DocumentType</pdfaProperty:name>
                <pdfaProperty:valueType>Text</pdfaProperty:valueType>
                <pdfaProperty:category>external</pdfaProperty:category>
                <pdfaProperty:description>The type of the hybrid document in capital letters</pdfaProperty:description>
              </rdf:li>
              <rdf:li rdf:parseType="Resource">
                <pdfaProperty:name>Version</pdfaProperty:name>
                <pdfaProperty:valueType>Text</pdfaProperty:valueType>
                <pdfaProperty:category>external</pdfaProperty:category>
                <pdfaProperty:description>The version of the standard of the embedded XML document</pdfaProperty:description>
              </rdf:li>
              <rdf:li rdf:parseType="Resource">
                <pdfaProperty:name>ConformanceLevel</pdfaProperty:name>
                <pdfaProperty:valueType>Text</pdfaProperty:valueType>
                <pdfaProperty:category>external</pdfaProperty:category>
                <pdfaProperty:description>The conformance level of the embedded XML document</pdfaProperty:description>
              </rdf:li>
            </rdf:Seq>
          </pdfaSchema:property>
        </rdf:li>
      </rdf:Bag>
    </pdfaExtension:schemas>
  </rdf:Description>
</rdf:RDF>
"""


def facturx_conformance_level(xml):
    """The ZUGFeRD profile of CII XML, as the XMP names it: `XRECHNUNG` or `EN 16931`.

    An XRechnung embedded in a PDF is ZUGFeRD's profile XRECHNUNG (still as
    factur-x.xml); the XMP level should match the XML's guideline id.
    """
    guideline = etree.fromstring(xml).findtext(
        "{urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100}ExchangedDocumentContext/"
        "{urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100}"
        "GuidelineSpecifiedDocumentContextParameter/"
        "{urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100}ID"
    )
    return "XRECHNUNG" if guideline == XRECHNUNG_GUIDELINE else "EN 16931"


def facturx_xmp(level):
    """The XMP block that names the embedded XML as Factur-X, with its PDF/A extension schema."""
    return _FACTURX_XMP.format(namespace=FACTURX_NAMESPACE, filename=FACTURX_FILENAME, level=level).encode()


def render_invoice_pdf_with_xml(html, xml, *, base_url=None):
    """Render the invoice HTML as PDF/A-3b with the CII XML embedded as `factur-x.xml` (ZUGFeRD).

    The XML is the same invoice in machine-readable form, hence the relationship
    `Alternative`; the XMP metadata names the Factur-X profile of the XML.
    """
    from weasyprint import HTML, Attachment

    document = HTML(
        string=html, base_url=base_url or str(settings.BASE_DIR), url_fetcher=pdf_worker.url_fetcher()
    ).render()
    document.metadata.attachments = [
        *document.metadata.attachments,
        Attachment(
            file_obj=io.BytesIO(xml),
            name=FACTURX_FILENAME,
            description="E-Rechnung (UN/CEFACT CII, EN 16931)",
            relationship="Alternative",
        ),
    ]
    document.metadata.xmp_metadata = [
        *document.metadata.xmp_metadata,
        facturx_xmp(facturx_conformance_level(xml)),
    ]
    return document.write_pdf(pdf_variant="pdf/a-3b")


def facturx_pdf(template, context, *, xml):
    """Render a document template like `core.pdf.render_pdf`, as ZUGFeRD PDF/A-3b carrying `xml`."""
    from django.template.loader import render_to_string
    from django.utils import translation

    context = {"association": settings.ASSOCIATION, "printed_at": timezone.localtime(), **context}
    with translation.override("de"):
        html = render_to_string(template, context)
    return render_invoice_pdf_with_xml(html, xml)

"""The invoice and Stornorechnung as documents: PDF, GiroCode, payment reference, file name.

Rendered from the frozen invoice data only; nothing here changes state.
"""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from ..models import Invoice, OutgoingMailAttachment
from .einvoice import cii_xml, facturx_pdf, is_xrechnung, xml_filename


def payment_reference(invoice):
    """The Verwendungszweck: invoice number and participant, within the 140 characters of SEPA."""
    return f"{invoice.payment_reference} {invoice.participant_name}"[:140]


def format_iban(iban):
    """'DE02 1203 0000 0000 2020 51': groups of four, as printed on German invoices."""
    compact = "".join(iban.split())
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def girocode(invoice, *, amount=None):
    """The EPC QR code (GiroCode) that fills in the transfer in a banking app; None for a Storno.

    `amount` defaults to what the invoice asks for (its amount less the payments credited
    to it, for a corrected invoice after a part-payment); the personal page passes what is
    still open.
    """
    import segno.helpers

    amount = invoice.amount_due if amount is None else amount
    if invoice.kind != Invoice.Kind.INVOICE or amount <= 0:
        return None
    association = settings.ASSOCIATION
    return segno.helpers.make_epc_qr(
        name=association["name"][:70],
        iban="".join(association["iban"].split()),
        bic=association["bic"] or None,
        amount=amount,
        text=payment_reference(invoice),
    )


def invoice_title(invoice):
    if invoice.kind == Invoice.Kind.CANCELLATION:
        return _("Stornorechnung zu Rechnung %(number)s") % {"number": invoice.cancels.number}
    return _("Rechnung %(number)s") % {"number": invoice.number}


def invoice_filename(invoice):
    prefix = "Stornorechnung" if invoice.kind == Invoice.Kind.CANCELLATION else "Rechnung"
    return f"{prefix}_{invoice.number}.pdf"


def invoice_lines(invoice):
    """The lines the document shows: one per person of a collective invoice, else the one line."""
    if invoice.group_registration_id:
        lines = list(invoice.lines.all())
        if lines:
            return lines
    return [
        {
            "position": 1,
            "description": invoice.description,
            "participant_name": invoice.participant_name,
            "amount": invoice.amount,
        }
    ]


# An invoice stays German (the tax authorities and the accounts office read it); a participant who
# registered in English gets its headings in English too, under the German ones.
ENGLISH_HEADINGS = {
    "invoice": "Invoice",
    "cancellation": "Cancellation invoice",
    "number": "Invoice number",
    "cancellation_number": "Cancellation number",
    "date": "Invoice date",
    "cancellation_date": "Date",
    "cancels": "Cancels invoice",
    "service_period": "Service period",
    "order_number": "Order number",
    "cost_centre": "Cost centre",
    "tax_number": "Tax number",
    "item": "Item",
    "service": "Service",
    "quantity": "Qty",
    "unit_price": "Unit price",
    "amount": "Amount",
    "participant": "Participant",
    "service_place": "Place of service",
    "total": "Invoice total",
    "credit_total": "Credit total",
    "credited": "less already paid",
    "amount_due": "still to pay",
    "account_holder": "Account holder",
    "reference": "Payment reference",
    "payment": "Payment",
}


def english_headings(invoice):
    """The English headings for an English participant's invoice, else an empty dict."""
    if getattr(invoice.registration, "language", "") == "en":
        return ENGLISH_HEADINGS
    return {}


def invoice_pdf(invoice):
    """The invoice or Stornorechnung as PDF bytes (rendered from the frozen invoice data only).

    A ZUGFeRD PDF/A-3b: the same invoice as CII XML (an XRechnung when it has a
    Leitweg-ID) is embedded as factur-x.xml.
    """
    qr = girocode(invoice)
    with translation.override("de"):
        title = invoice_title(invoice)
    return facturx_pdf(
        "documents/invoice.html",
        {
            "invoice": invoice,
            "title": title,
            "is_cancellation": invoice.kind == Invoice.Kind.CANCELLATION,
            "iban": format_iban(settings.ASSOCIATION["iban"]),
            "reference": payment_reference(invoice),
            "girocode": qr.svg_data_uri(scale=4, border=0) if qr else None,
            "lines": invoice_lines(invoice),
            "en": english_headings(invoice),
        },
        xml=cii_xml(invoice),
    )


def invoice_attachment(invoice):
    """The invoice as an (unsaved) outbox attachment: rendered when the mail is delivered, outside any lock."""
    return OutgoingMailAttachment(
        invoice=invoice, filename=invoice_filename(invoice), mimetype="application/pdf"
    )


XML_MIMETYPE = "application/xml"


def invoice_xml_attachment(invoice):
    """The XRechnung XML as an (unsaved) outbox attachment, rendered on delivery like the PDF."""
    return OutgoingMailAttachment(invoice=invoice, filename=xml_filename(invoice), mimetype=XML_MIMETYPE)


def attachments_for(invoice, *, to_accounts_office):
    """PDF, and for the accounts office the XRechnung XML too when the invoice has a Leitweg-ID.

    Many accounts offices book only the XML (Rheinland-Pfalz's portal keeps nothing else).
    """
    attachments = [invoice_attachment(invoice)]
    if to_accounts_office and is_xrechnung(invoice):
        attachments.append(invoice_xml_attachment(invoice))
    return attachments

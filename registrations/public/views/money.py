"""The participant's invoices behind the personal link: PDF download and GiroCode image."""

import re

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from core.ratelimit import is_download_limited

from ...documents.einvoice import cii_xml, is_xrechnung, xml_filename
from ...documents.invoice import girocode, invoice_filename, invoice_pdf
from ...models import Invoice
from ...queries.balances import balance
from ...queries.invoices import current_invoice
from ...queries.personal import registration_for_token

_NUMBER_RE = re.compile(r"^\d{4}-\d{4,6}$")


def invoice_for_token(token, number):
    """One invoice of the registration the link points to; the same 404 for a wrong token or number."""
    registration = registration_for_token(token)
    if not _NUMBER_RE.match(number or ""):
        raise Http404
    invoice = (
        Invoice.objects.select_related("cancels", "registration")
        .filter(registration=registration, number=number)
        .first()
    )
    if invoice is None:
        raise Http404
    return invoice


def too_many_downloads(request):
    return render(request, "registrations/download_limited.html", status=429)


@never_cache
def personal_invoice_pdf(request, token, number):
    invoice = invoice_for_token(token, number)
    if is_download_limited(token):
        return too_many_downloads(request)
    response = HttpResponse(invoice_pdf(invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{invoice_filename(invoice)}"'
    return response


@never_cache
def personal_invoice_xml(request, token, number):
    """The XRechnung XML of an invoice with a Leitweg-ID, to forward or upload to the buyer's portal."""
    invoice = invoice_for_token(token, number)
    if not is_xrechnung(invoice):
        raise Http404
    if is_download_limited(token):
        return too_many_downloads(request)
    response = HttpResponse(cii_xml(invoice), content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{xml_filename(invoice)}"'
    return response


@never_cache
def personal_girocode(request, token, number):
    """The GiroCode for what is still open on the registration's valid invoice, as SVG."""
    invoice = invoice_for_token(token, number)
    if invoice != current_invoice(invoice.registration):
        raise Http404
    qr = girocode(invoice, amount=balance(invoice.registration).open_amount)
    if qr is None:
        raise Http404
    from io import BytesIO

    buffer = BytesIO()
    qr.save(buffer, kind="svg", scale=6, border=2, title="GiroCode")
    return HttpResponse(buffer.getvalue(), content_type="image/svg+xml")

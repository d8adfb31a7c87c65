"""The one place that turns a document template into PDF bytes (WeasyPrint), and joins long PDFs.

Invoices, confirmations and the office's lists all render through `render_pdf()`,
so every document has the same letterhead context and is rendered in German.

Long PDFs in chunks: WeasyPrint holds the layout of every page until the file is written.
A 1,000-row table rendered in one go needs about 280 MiB. Rendering it in
chunks of CHUNK_ROWS rows and joining the parts with pypdf keeps the peak at
one chunk's worth; the page numbers ("Seite 3 von 56") are then stamped on
the joined file from a one-line-per-page overlay. Each chunk starts on a new
page, so a long list has a partly filled page every CHUNK_ROWS rows.
"""

import io

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

CHUNK_ROWS = 350


def render_pdf(template, context, *, language="de"):
    """Render a document template to PDF bytes with the association's letterhead.

    German unless a participant's own document asks for their language.
    """
    from weasyprint import HTML  # imported late: loading Pango costs time at start-up

    context = {"association": settings.ASSOCIATION, "printed_at": timezone.localtime(), **context}
    with translation.override(language):
        html = render_to_string(template, context)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def chunks(items, size=None):
    items = list(items)
    size = size or CHUNK_ROWS
    return [items[start : start + size] for start in range(0, len(items), size)] or [[]]


def join_pdfs(parts, *, orientation="portrait", margin="22mm 18mm 22mm 22mm", number_pages=True):
    """One PDF from several; with `number_pages` every page gets 'Seite n von N' bottom right."""
    if len(parts) == 1:
        return parts[0]
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for part in parts:
        writer.append(PdfReader(io.BytesIO(part)))
    if number_pages:
        overlay = render_pdf(
            "documents/lists/page_numbers.html",
            {"pages": range(len(writer.pages)), "orientation": orientation, "margin": margin},
        )
        for page, stamp in zip(writer.pages, PdfReader(io.BytesIO(overlay)).pages, strict=True):
            page.merge_page(stamp)
            page.compress_content_streams()  # merge_page leaves the joined stream uncompressed
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()

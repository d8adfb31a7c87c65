"""The one place that turns a document template into PDF bytes (WeasyPrint), and joins long PDFs.

Invoices, confirmations and the office's lists all render through `render_pdf()`,
so every document has the same letterhead context and is rendered in German.

Long PDFs in chunks: WeasyPrint holds the layout of every page until the file is written.
A 1,000-row table rendered in one go needs about 280 MiB. Rendering it in
chunks of CHUNK_ROWS rows and joining the parts with pypdf keeps the peak at
one chunk's worth; the page numbers ("Seite 3 von 56") are then written into
each page of the joined file (`_stamp_page_numbers`). Each chunk starts on a new
page, so a long list has a partly filled page every CHUNK_ROWS rows.

Both cores: `render_pdfs()` lays out the chunks of a long list in PDF_PROCESSES worker
processes at once (WeasyPrint is pure Python and holds the GIL, so threads would not
help). The templates are rendered here, the HTML goes to the workers, the PDFs come
back in order; each worker's peak is one chunk's layout on top of what it shares with
this process (bench/LOAD.md). Workers are forked from this process when it runs a single
thread (they start at once, WeasyPrint already imported); otherwise they come from a
fork server, because forking a process with threads may deadlock.
"""

import gc
import io
import multiprocessing
import threading
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from . import pdf_worker

CHUNK_ROWS = 250  # 1,000 rows: four chunks, two per core


def render_html(template, context, *, language="de"):
    """The document template as HTML, with the association's letterhead (German unless asked)."""
    context = {"association": settings.ASSOCIATION, "printed_at": timezone.localtime(), **context}
    with translation.override(language):
        return render_to_string(template, context)


def render_pdf(template, context, *, language="de"):
    """Render a document template to PDF bytes with the association's letterhead.

    German unless a participant's own document asks for their language.
    """
    return pdf_worker.write_pdf(render_html(template, context, language=language), str(settings.BASE_DIR))


def _no_progress(done, total):
    pass


def _pool(processes):
    import weasyprint  # noqa: F401 -- imported before forking, so the workers have it already

    if threading.active_count() == 1:
        context = multiprocessing.get_context("fork")
    else:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["weasyprint"])
    return ProcessPoolExecutor(max_workers=processes, mp_context=context, initializer=pdf_worker.start)


def render_pdfs(documents, *, progress=_no_progress):
    """PDF bytes of each (template, context) in `documents`, in order; several at once on
    PDF_PROCESSES cores. `progress(done, total)` hears of every document finished."""
    documents = list(documents)
    total = len(documents)
    processes = min(settings.PDF_PROCESSES, total)
    progress(0, total)
    if processes <= 1:
        parts = []
        for template, context in documents:
            parts.append(render_pdf(template, context))
            progress(len(parts), total)
        return parts
    base_url = str(settings.BASE_DIR)
    htmls = (render_html(template, context) for template, context in documents)
    with _pool(processes) as pool:
        first = next(htmls)
        # The first submit forks the workers. Frozen, this process's objects stay out of the
        # workers' garbage collections, which would otherwise touch (and so copy) their pages.
        gc.freeze()
        try:
            futures = [pool.submit(pdf_worker.write_pdf, first, base_url)]
        finally:
            gc.unfreeze()
        # The workers start on the first while the rest is rendered.
        futures += [pool.submit(pdf_worker.write_pdf, html, base_url) for html in htmls]
        pending, done = set(futures), 0
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                future.result()  # a worker's error is this export's error
                done += 1
                progress(done, total)
        return [future.result() for future in futures]


def chunks(items, size=None):
    items = list(items)
    size = size or CHUNK_ROWS
    return [items[start : start + size] for start in range(0, len(items), size)] or [[]]


# "Seite n von N" is written straight into each joined page's content: Helvetica, one of the
# PDF's standard fonts, needs no embedding and no layout (rendering a WeasyPrint overlay of
# every page and merging it page by page took 3.6 s for a 5,000-row list, bench/LOAD.md).
PAGE_NUMBER_TEXT = "Seite {page} von {pages}"  # German, as the joined documents (render_html's default)
PAGE_NUMBER_SIZE = 8  # pt, as the documents' footer
PAGE_NUMBER_GREY = 0.333  # #555, as the documents' footer
# Helvetica's advance widths (Adobe's core AFM, 1/1000 em) of what the text can contain,
# to align it right.
HELVETICA_WIDTHS = {" ": 278, "S": 667, "e": 556, "i": 222, "t": 278, "v": 500, "o": 556, "n": 556}
HELVETICA_WIDTHS |= dict.fromkeys("0123456789", 556)
# Where WeasyPrint puts the footer's baseline: the margin box's line (DejaVu Sans, line height
# 1.164 em, ascent 0.928 em) centred in the bottom margin.
BASELINE_BELOW_CENTRE = (0.928 - 1.164 / 2) * PAGE_NUMBER_SIZE
MM = 72 / 25.4


def _right_and_bottom_margin_pt(margin):
    """The right and bottom of a CSS margin shorthand in mm ('15mm 12mm 18mm 12mm'), in pt."""
    values = [float(value.removesuffix("mm")) * MM for value in margin.split()]
    top = values[0]
    right = values[1] if len(values) > 1 else top
    bottom = values[2] if len(values) > 2 else top
    return right, bottom


def _stamp_page_numbers(writer, margin):
    """Append 'Seite n von N' to each page's content, right-aligned on the footer's baseline.

    The page's own content streams stay as they are (nothing decoded or compressed again):
    its /Contents becomes [q, own streams…, Q + the number], so whatever graphics state the
    page leaves (WeasyPrint flips the y axis and scales to px) does not move the number.
    `_add_object` is how pypdf itself adds a new indirect object to a writer.
    """
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject

    right, bottom = _right_and_bottom_margin_pt(margin)
    font = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
                NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
            }
        )
    )
    save_state = writer._add_object(_stream(b"q\n"))
    total = len(writer.pages)
    for number, page in enumerate(writer.pages, start=1):
        text = PAGE_NUMBER_TEXT.format(page=number, pages=total)
        width = sum(HELVETICA_WIDTHS[char] for char in text) * PAGE_NUMBER_SIZE / 1000
        x = float(page.mediabox.right) - right - width
        y = float(page.mediabox.bottom) + bottom / 2 - BASELINE_BELOW_CENTRE
        stamp = (
            f"\nQ\nq {PAGE_NUMBER_GREY} g BT /VsopPageNumber {PAGE_NUMBER_SIZE} Tf "
            f"{x:.2f} {y:.2f} Td ({text}) Tj ET Q\n"
        )
        resources = page.setdefault(NameObject("/Resources"), DictionaryObject()).get_object()
        fonts = resources.setdefault(NameObject("/Font"), DictionaryObject()).get_object()
        fonts[NameObject("/VsopPageNumber")] = font
        own = page.raw_get("/Contents") if "/Contents" in page else ArrayObject()
        own = list(own.get_object()) if isinstance(own.get_object(), ArrayObject) else [own]
        page[NameObject("/Contents")] = ArrayObject(
            [save_state, *own, writer._add_object(_stream(stamp.encode("ascii")))]
        )


def _stream(data):
    from pypdf.generic import DecodedStreamObject

    stream = DecodedStreamObject()
    stream.set_data(data)
    return stream


def join_pdfs(parts, *, margin="22mm 18mm 22mm 22mm", number_pages=True):
    """One PDF from several; with `number_pages` every page gets 'Seite n von N' bottom right,
    where the documents' footer has it (`margin`: the documents' @page margin)."""
    if len(parts) == 1:
        return parts[0]
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for part in parts:
        writer.append(PdfReader(io.BytesIO(part)))
    if number_pages:
        _stamp_page_numbers(writer, margin)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()

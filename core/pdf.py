"""The one place that turns a document template into PDF bytes (WeasyPrint), and joins long PDFs.

Invoices, confirmations and the office's lists all render through `render_pdf()`,
so every document has the same letterhead context and is rendered in German.

Long PDFs in chunks: WeasyPrint holds the layout of every page until the file is written.
A 1,000-row table rendered in one go needs about 280 MiB. Rendering it in
chunks of CHUNK_ROWS rows and joining the parts with pypdf keeps the peak at
one chunk's worth; the page numbers ("Seite 3 von 56") are then stamped on
the joined file from a one-line-per-page overlay. Each chunk starts on a new
page, so a long list has a partly filled page every CHUNK_ROWS rows.

Both cores: `render_pdfs()` lays out the chunks of a long list in PDF_PROCESSES worker
processes at once (WeasyPrint is pure Python and holds the GIL, so threads would not
help). The templates are rendered here, the HTML goes to the workers, the PDFs come
back in order; each worker's peak is one chunk's layout on top of what it shares with
this process (bench/LOAD.md). Workers are forked from this process when it runs a single
thread (they start at once, WeasyPrint already imported); otherwise they come from a
fork server, because forking a process with threads may deadlock.
"""

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
    with _pool(processes) as pool:
        futures = []
        for template, context in documents:  # the workers start on the first while the rest is rendered
            futures.append(pool.submit(pdf_worker.write_pdf, render_html(template, context), base_url))
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

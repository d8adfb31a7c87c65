"""core.pdf.render_pdfs: a long list's chunks laid out in worker processes, joined in order."""

import gc
import io
import signal

import pytest
from pypdf import PdfReader

from core import pdf
from exports.domain import files as services
from exports.models import ExportKind

pytestmark = pytest.mark.django_db


def _list_pdf(conference):
    return services.export_file(
        conference=conference, kind=ExportKind.PARTICIPANTS, format="pdf", params={"columns": ["name"]}
    ).content


def _pages(content):
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def _names_in_order(pages):
    return [line for page in pages for line in page.splitlines() if "Zeile" in line]


@pytest.fixture
def long_list(conference, populate, monkeypatch):
    monkeypatch.setattr(pdf, "CHUNK_ROWS", 3)
    people = populate(8)  # chunks of 3, 3, 2 rows
    for index, person in enumerate(people):
        person.last_name = f"Zeile{index:02d}"
        person.save()
    return conference


def test_the_chunks_laid_out_in_two_processes_make_the_same_list_as_in_one(long_list, settings):
    settings.PDF_PROCESSES = 1
    alone = _pages(_list_pdf(long_list))
    settings.PDF_PROCESSES = 2
    together = _pages(_list_pdf(long_list))

    assert len(together) == len(alone) == 3
    assert _names_in_order(together) == _names_in_order(alone)
    assert [line.split(" ", 1)[0] for line in _names_in_order(together)] == [str(n) for n in range(1, 9)]
    assert "Seite 3 von 3" in together[2]


def test_the_exporting_process_collects_its_garbage_again_after_forking_the_workers(long_list, settings):
    """Its objects are frozen only for the fork (copy-on-write); afterwards they are collected as before."""
    settings.PDF_PROCESSES = 2

    _list_pdf(long_list)

    assert gc.get_freeze_count() == 0
    assert gc.isenabled()


def test_a_render_pauses_the_garbage_collector_and_restores_what_it_found(monkeypatch):
    seen = []

    class HTML:  # WeasyPrint's entry point, reporting whether the collector runs during the render
        def __init__(self, **kwargs):
            pass

        def write_pdf(self):
            seen.append(gc.isenabled())
            return b"%PDF"

    monkeypatch.setattr("weasyprint.HTML", HTML)
    pdf.pdf_worker.write_pdf("<p>1</p>", "/")
    enabled_after = gc.isenabled()
    gc.disable()
    try:
        pdf.pdf_worker.write_pdf("<p>2</p>", "/")
        still_disabled = not gc.isenabled()
    finally:
        gc.enable()

    assert seen == [False, False]
    assert enabled_after and still_disabled


def test_workers_from_the_fork_server_when_the_process_has_threads(long_list, settings, monkeypatch):
    """Forking a process with threads may deadlock: then the workers come from a fork server."""
    settings.PDF_PROCESSES = 2
    started = []
    real_pool = pdf._pool

    def pool(processes):
        executor = real_pool(processes)
        started.append(executor._mp_context.get_start_method())
        return executor

    monkeypatch.setattr(pdf, "_pool", pool)
    monkeypatch.setattr(pdf.threading, "active_count", lambda: 2)

    pages = _pages(_list_pdf(long_list))

    assert started == ["forkserver"]
    assert len(pages) == 3 and "Zeile07" in pages[2]


def test_an_error_in_a_worker_is_the_exports_error(long_list, settings, monkeypatch):
    settings.PDF_PROCESSES = 2
    monkeypatch.setattr(pdf.pdf_worker, "write_pdf", _broken_write_pdf)

    with pytest.raises(ValueError, match="kaputt"):
        _list_pdf(long_list)


def _broken_write_pdf(html, base_url):
    raise ValueError("kaputt")


def test_a_worker_ends_on_sigterm_whatever_handler_the_exporting_process_has():
    """The task worker's SIGTERM handler (graceful shutdown) is not the forked worker's."""
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: None)
    try:
        with pdf._pool(1) as pool:
            assert pool.submit(_sigterm_is_default).result()
    finally:
        signal.signal(signal.SIGTERM, previous)


def _sigterm_is_default():
    return signal.getsignal(signal.SIGTERM) == signal.SIG_DFL

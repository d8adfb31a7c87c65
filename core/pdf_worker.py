"""WeasyPrint in a worker process: HTML in, PDF bytes out (core.pdf.render_pdfs).

Nothing from Django: a worker started by a fork server has no settings, and one
forked from the export task needs none for this.
"""

import gc
import signal
import ssl

_ssl_context = None


def start():
    """In a new worker: the signal handlers a forked worker inherits (the task worker's
    graceful shutdown, gunicorn's) belong to the process that forked it; a worker just ends."""
    for name in ("SIGTERM", "SIGINT", "SIGQUIT", "SIGHUP", "SIGUSR1", "SIGUSR2"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)


def url_fetcher():
    """WeasyPrint's fetcher for what a document links (stylesheets, images), with one SSL context per process.

    Without one WeasyPrint creates a default context for every document, which reads the
    system's CA certificates (about 20 ms, more than a receipt's layout), although our
    documents link local files only. An SSLContext may be shared between threads.
    """
    global _ssl_context
    from weasyprint.urls import URLFetcher

    if _ssl_context is None:
        _ssl_context = ssl.create_default_context()
    return URLFetcher(ssl_context=_ssl_context)


def write_pdf(html, base_url):
    """PDF bytes of the HTML, with the cyclic garbage collector paused while WeasyPrint works.

    A layout allocates millions of objects that live until the end of the render, so the
    collector would scan them over and over for nothing: 12-16 % of a 250-row chunk's CPU,
    for 2 MiB more peak when paused (bench/LOAD.md). What the render leaves behind is freed
    by reference counting, or by the next collection once it runs again.
    """
    from weasyprint import HTML

    was_enabled = gc.isenabled()  # a process (or another thread rendering) may have paused it
    gc.disable()
    try:
        return HTML(string=html, base_url=base_url, url_fetcher=url_fetcher()).write_pdf()
    finally:
        if was_enabled:
            gc.enable()

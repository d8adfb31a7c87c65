"""WeasyPrint in a worker process: HTML in, PDF bytes out (core.pdf.render_pdfs).

Nothing from Django: a worker started by a fork server has no settings, and one
forked from the export task needs none for this.
"""

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
    from weasyprint import HTML

    return HTML(string=html, base_url=base_url, url_fetcher=url_fetcher()).write_pdf()

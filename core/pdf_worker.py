"""WeasyPrint in a worker process: HTML in, PDF bytes out (core.pdf.render_pdfs).

Nothing from Django: a worker started by a fork server has no settings, and one
forked from the export task needs none for this.
"""

import signal


def start():
    """In a new worker: the signal handlers a forked worker inherits (the task worker's
    graceful shutdown, gunicorn's) belong to the process that forked it; a worker just ends."""
    for name in ("SIGTERM", "SIGINT", "SIGQUIT", "SIGHUP", "SIGUSR1", "SIGUSR2"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)


def write_pdf(html, base_url):
    from weasyprint import HTML

    return HTML(string=html, base_url=base_url).write_pdf()

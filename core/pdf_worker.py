"""WeasyPrint in a worker process: HTML in, PDF bytes out (core.pdf.render_pdfs).

Nothing from Django: a worker started by a fork server has no settings, and one
forked from the export task needs none for this.
"""


def write_pdf(html, base_url):
    from weasyprint import HTML

    return HTML(string=html, base_url=base_url).write_pdf()

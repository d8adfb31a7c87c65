"""PDF documents rendered with WeasyPrint from ordinary templates (templates/documents/)."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation


def render_pdf(template, context):
    """Render a document template to PDF bytes, in German, with the association's letterhead."""
    from weasyprint import HTML  # imported late: loading Pango costs time at start-up

    context = {"association": settings.ASSOCIATION, "printed_at": timezone.localtime(), **context}
    with translation.override("de"):
        html = render_to_string(template, context)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()

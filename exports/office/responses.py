"""HTTP answers to an export: the file as a download, or a redirect to the job's progress page.

Shared by the export views and the admin actions, so that no module has to import a view.
"""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from ..models import ExportJob


def file_response(filename, content_type, content):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    response["Cache-Control"] = "no-store"  # personal data: no copies in shared caches
    return response


def respond_with_export(request, result):
    """A finished file is downloaded; a background job sends the office to its progress page."""
    if isinstance(result, ExportJob):
        messages.info(
            request,
            _("Die Liste ist lang und wird im Hintergrund erstellt. Diese Seite zeigt den Fortschritt."),
        )
        return redirect("admin:exports_job_status", result.pk)
    return file_response(result.filename, result.content_type, result.content)

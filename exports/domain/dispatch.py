"""The office asks for an export: small lists come back at once, long ones run as a background job.

The only module that imports exports.tasks (to queue the job).
"""

from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import ExportJob
from ..queries import lists
from ..rules import only_as_pdf
from ..tasks import run_export_job
from .files import ExportError, export_file, normalise_params
from .jobs import delete_old_jobs


def start_export(*, conference, kind, format, params=None, user=None):
    """Small lists come back as a file at once; above the threshold an ExportJob runs as a task.

    Returns an `ExportFile` or an `ExportJob`.
    """
    if only_as_pdf(kind, format):
        raise ExportError(_("Diese Liste gibt es nur als PDF."))
    params = normalise_params(kind, params)
    rows = lists.count_rows(conference, params["filters"])
    if rows <= settings.EXPORTS_BACKGROUND_THRESHOLD:
        return export_file(conference=conference, kind=kind, format=format, params=params)
    delete_old_jobs()
    job = ExportJob.objects.create(
        conference=conference,
        kind=kind,
        format=format,
        params=params,
        progress_total=100,
        created_by=user if user and user.is_authenticated else None,
    )
    transaction.on_commit(partial(run_export_job.enqueue, job.pk))
    return job

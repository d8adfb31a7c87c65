"""Background export jobs: what the worker runs, and how long a finished file is kept.

This module never queues anything (exports.domain.dispatch does), so the task
module can import `run_job` from here without closing an import circle.
"""

import datetime as dt
import logging

from django.utils import timezone

from ..models import ExportJob
from .files import export_file

logger = logging.getLogger(__name__)

KEEP_JOBS_DAYS = 7


def delete_old_jobs(*, now=None):
    """Finished export files hold personal data: they are kept for KEEP_JOBS_DAYS days only."""
    now = now or timezone.now()
    deleted, _per_model = ExportJob.objects.filter(
        created_at__lt=now - dt.timedelta(days=KEEP_JOBS_DAYS)
    ).delete()
    return deleted


def run_job(job_id):
    """Run a queued export job and keep the file with it; failures are recorded, not raised."""
    job = ExportJob.objects.select_related("conference").get(pk=job_id)
    if job.status != ExportJob.Status.QUEUED:
        return job
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.RUNNING, started_at=timezone.now())

    def progress(done, total):
        ExportJob.objects.filter(pk=job.pk).update(progress_done=done, progress_total=total)

    try:
        result = export_file(
            conference=job.conference, kind=job.kind, format=job.format, params=job.params, progress=progress
        )
    except Exception as error:  # a failed export must show up on the job page, not vanish in a log
        logger.exception("Export job %s failed", job.pk)
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.FAILED,
            error=f"{type(error).__name__}: {error}",
            finished_at=timezone.now(),
        )
    else:
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.DONE,
            filename=result.filename,
            content_type=result.content_type,
            content=result.content,
            progress_done=100,
            progress_total=100,
            finished_at=timezone.now(),
        )
    job.refresh_from_db()
    return job

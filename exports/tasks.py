"""Background tasks of the exports app. Tasks take primary keys, never model instances."""

from django.tasks import task

from .services import run_job


@task
def run_export_job(job_id):
    run_job(job_id)
    return job_id

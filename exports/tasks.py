"""Background tasks of the exports app. Tasks take primary keys, never model instances.

A leaf: only exports.domain.dispatch imports it (to queue); the job's code is
imported inside the task, when the worker runs it.
"""

from django.tasks import task


@task
def run_export_job(job_id):
    from .domain.jobs import run_job

    run_job(job_id)
    return job_id

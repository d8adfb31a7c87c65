"""Background tasks (Django's tasks framework). Tasks take primary keys, never model instances.

A leaf: only domain/outbox.py queues these, and each task imports what it runs
when it runs (the one accepted pair of modules that know each other).
"""

from django.tasks import task


@task
def deliver_mail_task(mail_id):
    from .domain.outbox import deliver_mail

    return deliver_mail(mail_id)

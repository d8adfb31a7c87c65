"""Background tasks (Django's tasks framework). Tasks take primary keys, never model instances."""

from django.tasks import task

from .services.mail import deliver_mail


@task
def deliver_mail_task(mail_id):
    return deliver_mail(mail_id)

"""The schedule: recurring jobs, enqueued by the one `manage.py crontask` process.

The scheduler only enqueues; a task worker (`manage.py db_worker`, any number of them)
runs each enqueued task once. The jobs call the management commands by name, the same
commands an operator runs by hand."""

from crontask import cron
from django.core.management import call_command
from django.tasks import task


@cron("*/5 * * * *")
@task
def send_queued_mails():
    """Retry mails whose delivery failed and whose next attempt is due (outbox)."""
    call_command("send_queued_mails")


@cron("* * * * *")
@task
def release_expired_holds():
    """Free the places of registrations not confirmed within the hold time; the next people move up.

    Every minute: the counts are right at once anyway (queries/places.py counts only
    what claims a place), but the person moving up should hear of it soon."""
    call_command("release_expired_holds")


@cron("*/5 * * * *")
@task
def release_missed_deadlines():
    """Give on the places of people who moved up and missed their personal deadline; the next move up.

    A deadline ends at midnight (Europe/Berlin); every five minutes is soon enough for the
    next person's mail and cheap (one query when nothing is due)."""
    call_command("release_missed_deadlines")


@cron("30 8 * * *")
@task
def send_binding_reminders():
    """Remind the pre-registered of the binding deadline, once each, in office hours."""
    call_command("send_binding_reminders")


@cron("0 8 * * *")
@task
def send_due_reminders():
    """Payment reminders and dunning letters that are due, once a day in office hours, for the
    conferences whose office switched automatic sending on (each level once per invoice)."""
    call_command("send_due_reminders")


@cron("30 3 * * *")
@task
def anonymise_registrations():
    """Anonymise personal data past its retention period (DSGVO), once a day at night."""
    call_command("anonymise_registrations")


@cron("45 3 * * *")
@task
def prune_task_results():
    """Delete finished task results after 14 days: the schedule alone adds 288 a day."""
    from django.conf import settings

    if settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend":
        call_command("prune_db_task_results", min_age_days=14)

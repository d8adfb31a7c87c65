"""The schedule (ops/tasks.py): what runs when, and that it only enqueues.

docker compose runs it in the one "scheduler" service (`manage.py crontask`); the
workers run what it enqueued, each task once. No host cron."""

import datetime as dt

import pytest
from crontask import scheduler
from django.core.management import get_commands

from ops import tasks

SCHEDULE = {
    "send_queued_mails": "*/5 * * * *",
    "release_expired_holds": "* * * * *",
    "anonymise_registrations": "30 3 * * *",
    "prune_task_results": "45 3 * * *",
    "send_due_reminders": "0 8 * * *",
    "release_missed_deadlines": "*/5 * * * *",
    "send_binding_reminders": "30 8 * * *",
}


def _crontab(trigger):
    fields = {field.name: str(field) for field in trigger.fields}
    return " ".join(fields[name] for name in ("minute", "hour", "day", "month", "day_of_week"))


def test_the_schedule_holds_the_mail_retry_and_the_nightly_jobs():
    jobs = {job.name: job for job in scheduler.get_jobs() if job.name in SCHEDULE}
    assert {name: _crontab(job.trigger) for name, job in jobs.items()} == SCHEDULE
    assert str(jobs["anonymise_registrations"].trigger.timezone) == "Europe/Berlin"


def test_the_scheduler_only_enqueues_and_a_worker_runs_the_task():
    for job in scheduler.get_jobs():
        if job.name in SCHEDULE:
            assert job.func == getattr(tasks, job.name).enqueue


def test_the_scheduled_commands_exist():
    assert {
        "send_queued_mails",
        "release_expired_holds",
        "anonymise_registrations",
        "prune_db_task_results",
        "crontask",
        "send_due_reminders",
        "release_missed_deadlines",
        "send_binding_reminders",
    } <= set(get_commands())


@pytest.mark.parametrize(
    ("task", "command"),
    [
        (tasks.send_queued_mails, "send_queued_mails"),
        (tasks.anonymise_registrations, "anonymise_registrations"),
        (tasks.release_expired_holds, "release_expired_holds"),
        (tasks.send_due_reminders, "send_due_reminders"),
        (tasks.release_missed_deadlines, "release_missed_deadlines"),
        (tasks.send_binding_reminders, "send_binding_reminders"),
    ],
)
def test_each_task_runs_its_management_command(monkeypatch, task, command):
    called = []
    monkeypatch.setattr(tasks, "call_command", lambda name, **options: called.append(name))
    task.call()
    assert called == [command]


def test_task_results_are_pruned_only_where_they_are_stored(monkeypatch, settings):
    called = []
    monkeypatch.setattr(tasks, "call_command", lambda name, **options: called.append((name, options)))
    tasks.prune_task_results.call()
    assert called == []  # the tests' ImmediateBackend stores nothing
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    tasks.prune_task_results.call()
    assert called == [("prune_db_task_results", {"min_age_days": 14})]


@pytest.mark.django_db
def test_the_nightly_prune_runs_for_real_on_the_database_backend(settings):
    """The real command with the options the task passes: old finished results go, new stay."""
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    old = tasks.send_queued_mails.enqueue()
    new = tasks.send_queued_mails.enqueue()
    DBTaskResult.objects.filter(id=old.id).update(
        status="SUCCESSFUL", finished_at=timezone.now() - dt.timedelta(days=15)
    )
    DBTaskResult.objects.filter(id=new.id).update(status="SUCCESSFUL", finished_at=timezone.now())
    tasks.prune_task_results.call()
    assert [str(pk) for pk in DBTaskResult.objects.values_list("id", flat=True)] == [str(new.id)]

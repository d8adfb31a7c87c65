"""Two app processes on one database send every mail once (Speed issue: a deployment that
grows past one process; `docker compose up --scale worker=2`).

Both processes run the mail retry at the same moment against one PostgreSQL database and one
SMTP server; the outbox's lease (a conditional UPDATE per mail) lets only one of them send
each mail. Each process waits, after reading the mails that are due and before sending the
first, until the other has read them too, so both really work on the same 60 mails at once;
the control run without the lease shows that every mail then goes out twice. The shared
cache is shown in test_redis_cache.py."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.db import connection

from registrations.models import OutgoingMail

BASE_DIR = Path(__file__).resolve().parents[2]
MAILS = 60

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="two processes need a database server"),
]


class Recorder:
    def __init__(self):
        self.recipients = []

    async def handle_DATA(self, server, session, envelope):
        self.recipients.extend(envelope.rcpt_tos)
        return "250 OK"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url():
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


# Runs `send_queued_mails` in a process of its own: first deliver_mail waits at a barrier of
# files until both processes have read their due mails; LEASE=0 takes the lease away.
RUNNER = """
import os, pathlib, sys, time
import django
django.setup()
from django.core.management import call_command
from registrations.domain import outbox

sync, me = pathlib.Path(sys.argv[1]), sys.argv[2]
deliver, waited = outbox.deliver_mail, []

def deliver_after_the_other_has_read(mail_id):
    if not waited:
        waited.append(True)
        (sync / f"ready-{me}").touch()
        deadline = time.monotonic() + 60
        while len(list(sync.glob("ready-*"))) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
    return deliver(mail_id)

outbox.deliver_mail = deliver_after_the_other_has_read
if os.environ["LEASE"] == "0":
    outbox._claim = lambda mail_id, now: True
call_command("send_queued_mails")
"""


def run_two_processes(tmp_path, *, lease):
    for n in range(MAILS):
        OutgoingMail.objects.create(kind="probe", to=f"p{n}@example.org", subject="Probe", body_text="Hallo")
    port = free_port()
    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    environment.update(
        {
            "DEBUG": "1",
            "DJANGO_SETTINGS_MODULE": "vsop_events.settings",
            "DATABASE_URL": database_url(),
            "EMAIL_URL": f"smtp://127.0.0.1:{port}",
            "LEASE": "1" if lease else "0",
        }
    )
    try:
        processes = [
            subprocess.Popen(
                [sys.executable, "-c", RUNNER, str(tmp_path), str(number)],
                cwd=BASE_DIR,
                env=environment,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for number in range(2)
        ]
        outputs = [process.communicate(timeout=120) for process in processes]
    finally:
        controller.stop()
    assert [process.returncode for process in processes] == [0, 0], outputs
    assert sorted(path.name for path in tmp_path.iterdir()) == ["ready-0", "ready-1"]
    return recorder.recipients


def test_two_processes_running_the_mail_retry_together_send_each_mail_once(tmp_path):
    recipients = run_two_processes(tmp_path, lease=True)
    assert sorted(recipients) == sorted(f"p{n}@example.org" for n in range(MAILS))
    assert OutgoingMail.objects.filter(status=OutgoingMail.Status.SENT).count() == MAILS
    assert set(OutgoingMail.objects.values_list("attempts", flat=True)) == {1}


def test_control_without_the_lease_both_processes_send_every_mail(tmp_path):
    """Shows what the lease prevents: both processes read the same due mails and send them all."""
    recipients = run_two_processes(tmp_path, lease=False)
    assert sorted(recipients) == sorted(f"p{n}@example.org" for n in range(MAILS) for _ in range(2))

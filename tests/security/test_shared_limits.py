"""The form limits hold in total across worker processes (issue 14, finding 3): PostgreSQL + Redis.

Three processes, as three gunicorn workers, post the real pre-registration form for
one address into the same database. With the shared Redis cache the per-address
limit holds in total; the control run gives each process its own local-memory
cache (Django's default) and shows the limit multiplied by the workers."""

import os
import subprocess
import sys

import pytest
from django.db import connection

from tests.factories import ConferenceFactory
from tests.project.test_redis_cache import BASE_DIR, REDIS_URL, redis_cache  # noqa: F401 -- the fixture

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the workers share a PostgreSQL database"),
]

WORKERS = 3
POSTS_PER_WORKER = 4
LIMIT = 5

SCRIPT = """
import django, sys
django.setup()
from django.test import Client
client = Client(REMOTE_ADDR="203.0.113.7")
statuses = []
for n in range({posts}):
    response = client.post(sys.argv[1], {{
        "first_name": "Zoë", "last_name": "Beispiel", "email": "zoe@example.org",
        "organisation": "Landkreis", "salutation": "frau", "privacy_consent": "on", "website": "",
    }})
    statuses.append(response.status_code)
print("STATUSES", " ".join(map(str, statuses)))
"""


def run_workers(conference, cache_url):
    settings_dict = connection.settings_dict
    database_url = (
        f"postgres://{settings_dict['USER']}@{settings_dict['HOST'] or '127.0.0.1'}:"
        f"{settings_dict['PORT'] or 5432}/{settings_dict['NAME']}"
    )
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    environment.update(
        {
            "DEBUG": "1",
            "DJANGO_SETTINGS_MODULE": "vsop_events.settings",
            "DATABASE_URL": database_url,
            "CACHE_URL": cache_url,
            "CACHE_KEY_PREFIX": f"test-workers-{os.getpid()}",
            "RATE_LIMIT_EMAIL_POSTS": str(LIMIT),
            "ALLOWED_HOSTS": "testserver",
        }
    )
    url = f"/tagungen/{conference.slug}/voranmeldung/"
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", SCRIPT.format(posts=POSTS_PER_WORKER), url],
            cwd=BASE_DIR,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(WORKERS)
    ]
    outputs = [process.communicate(timeout=120) for process in processes]
    assert all(process.returncode == 0 for process in processes), [error for _out, error in outputs]
    lines = [line for out, _error in outputs for line in out.splitlines() if line.startswith("STATUSES ")]
    assert len(lines) == WORKERS
    return [int(status) for line in lines for status in line.split()[1:]]


def test_three_workers_share_one_limit_per_address(redis_cache):  # noqa: F811
    conference = ConferenceFactory()
    statuses = run_workers(conference, REDIS_URL)
    assert sorted(statuses) == [302] * LIMIT + [429] * (WORKERS * POSTS_PER_WORKER - LIMIT)


def test_control_with_a_cache_per_process_the_limit_is_per_worker(redis_cache):  # noqa: F811
    conference = ConferenceFactory()
    statuses = run_workers(conference, "locmemcache://per-process")
    assert statuses.count(302) == WORKERS * POSTS_PER_WORKER  # 12 posts, each worker under its 5

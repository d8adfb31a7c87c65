"""A second scheduler started by mistake does not enqueue the schedule twice (issue 14, "Retries
scheduled"): `manage.py crontask` holds a lock in the shared Redis (settings.CRONTASK), and a
second one waits for it. The control run without Redis (local-memory cache, no lock) shows two
schedulers both starting. Needs Redis (see test_redis_cache.py)."""

import os
import subprocess
import sys
import threading
import time

from tests.project.test_redis_cache import BASE_DIR, REDIS_URL, redis_cache  # noqa: F401 -- the fixture

STARTED = "Starting scheduler"


def start_schedulers(cache_url, count=2):
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    environment.update(
        {
            "DEBUG": "1",
            "DJANGO_SETTINGS_MODULE": "vsop_events.settings",
            "CACHE_URL": cache_url,
            "PYTHONUNBUFFERED": "1",
        }
    )
    return [
        subprocess.Popen(
            [sys.executable, "manage.py", "crontask", "--no-heartbeat"],
            cwd=BASE_DIR,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(count)
    ]


def outputs_after(processes, *, started, timeout=40):
    """Wait until `started` of the processes say they started (or the timeout), then stop them all
    and return what each printed. When some should stay waiting, two seconds more first: the window
    in which one that wrongly got the lock would start too. When all are to start, nothing is left
    to wait for."""
    lines = [[] for _ in processes]
    readers = [
        threading.Thread(target=lambda p=process, out=out: out.extend(p.stdout), daemon=True)
        for process, out in zip(processes, lines, strict=True)
    ]
    for reader in readers:
        reader.start()

    def started_count():
        return sum(any(STARTED in line for line in list(out)) for out in lines)

    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and started_count() < started:
            time.sleep(0.2)
        if started < len(processes):
            time.sleep(2)
    finally:
        for process in processes:
            process.terminate()
        for process, reader in zip(processes, readers, strict=True):
            process.wait(timeout=20)
            reader.join(timeout=5)
            process.stdout.close()
    return ["".join(out) for out in lines]


def test_a_second_scheduler_waits_for_the_lock_in_redis(redis_cache):  # noqa: F811
    outputs = outputs_after(start_schedulers(REDIS_URL), started=1)
    assert sum(STARTED in out for out in outputs) == 1, outputs
    assert all("Acquiring lock" in out for out in outputs), outputs


def test_control_without_redis_two_schedulers_both_start():
    # Needs no Redis: each scheduler has a cache of its own, so neither sees the other's lock.
    outputs = outputs_after(start_schedulers("locmemcache://per-process"), started=2)
    assert sum(STARTED in out for out in outputs) == 2, outputs

"""The shared cache: CACHE_URL=redis://… is Django's RedisCache, and it works.

Needs a Redis at 127.0.0.1:6379 (database 15 is flushed; TEST_REDIS_URL picks another, so
runs side by side on one machine do not flush each other's database). Without one the tests skip,
unless REDIS_REQUIRED=1 (CI sets it): then they fail."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache

from core.cache import RedisCache

BASE_DIR = Path(__file__).resolve().parents[2]
# Each pytest-xdist worker flushes a database of its own (gw0: 15, gw1: 14, …), so two test
# files using Redis never flush each other's keys while `make test` runs them side by side.
_WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
REDIS_URL = os.environ.get("TEST_REDIS_URL", f"redis://127.0.0.1:6379/{15 - _WORKER % 8}")


@pytest.fixture
def redis_cache():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as error:
        if os.environ.get("REDIS_REQUIRED") == "1":
            pytest.fail(f"REDIS_REQUIRED=1 but no Redis at {REDIS_URL}: {error}")
        pytest.skip(f"no Redis at {REDIS_URL} (set REDIS_REQUIRED=1 to fail instead)")
    client.flushdb()
    cache = RedisCache(REDIS_URL, {"KEY_PREFIX": "test"})
    yield cache
    client.flushdb()
    client.close()


def _settings_of(env, expression):
    """Evaluate a settings expression in a fresh process with these environment variables."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    environment.update({"DEBUG": "1", "DJANGO_SETTINGS_MODULE": "vsop_events.settings", **env})
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            f"import json, django; from django.conf import settings; print(json.dumps({expression}))",
        ],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout)


def test_cache_url_redis_is_djangos_own_redis_cache_with_one_client_per_process():
    cache = _settings_of({"CACHE_URL": "redis://redis:6379/1"}, 'settings.CACHES["default"]')
    assert cache["BACKEND"] == "core.cache.RedisCache"
    assert issubclass(RedisCache, DjangoRedisCache)
    assert cache["LOCATION"] == "redis://redis:6379/1"


def test_the_scheduler_lock_lives_in_the_same_redis():
    crontask = _settings_of({"CACHE_URL": "redis://redis:6379/1"}, "settings.CRONTASK")
    assert crontask == {"REDIS_URL": "redis://redis:6379/1"}
    assert _settings_of({}, "settings.CRONTASK") == {"REDIS_URL": None}


def test_the_redis_cache_stores_counts_and_forgets(redis_cache):
    assert redis_cache.get("probe") is None
    redis_cache.set("probe", {"seats": 5}, timeout=30)
    assert redis_cache._cache.get_client() is redis_cache._cache.get_client()  # one client, reused
    assert redis_cache.get("probe") == {"seats": 5}
    assert redis_cache.add("counter", 1, timeout=30)
    assert not redis_cache.add("counter", 1, timeout=30)
    assert redis_cache.incr("counter") == 2
    redis_cache.delete("probe")
    assert redis_cache.get("probe") is None


def test_two_processes_share_one_post_limit(redis_cache):
    """The limit holds in total: two processes (as two gunicorn workers or two web
    containers) with 15 POSTs each against a limit of 20 let exactly 20 through."""
    script = (
        "import django; django.setup()\n"
        "from django.test import RequestFactory\n"
        "from core.ratelimit import is_rate_limited\n"
        "request = RequestFactory().post('/', REMOTE_ADDR='203.0.113.7')\n"
        "print(sum(not is_rate_limited(request, 'shared') for _ in range(15)))\n"
    )
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    environment.update(
        {
            "DEBUG": "1",
            "DJANGO_SETTINGS_MODULE": "vsop_events.settings",
            "CACHE_URL": REDIS_URL,
            "CACHE_KEY_PREFIX": f"test-shared-{uuid.uuid4().hex}",  # agents may share this Redis
            "RATE_LIMIT_POSTS": "20",
        }
    )
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", script], cwd=BASE_DIR, env=environment, stdout=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    allowed = [int(process.communicate(timeout=60)[0]) for process in processes]
    assert all(process.returncode == 0 for process in processes)
    assert sum(allowed) == 20

"""Shared pieces of the load benchmarks: a production-like gunicorn on PostgreSQL, and the
latencies and server CPU they record.

Production-like means: DEBUG off, SECRET_KEY and ALLOWED_HOSTS set, static files
collected and served by WhiteNoise, gunicorn sync workers, PostgreSQL, tasks in the
database backend (mails wait in the outbox for `manage.py db_worker`). Differences
to a real deployment, because there is no TLS proxy here: the secure-cookie and
SSL-redirect settings are off, and the POST rate limit per client address is
raised, since every simulated person comes from 127.0.0.1.
"""

import contextlib
import math
import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

BASE_DIR = Path(__file__).resolve().parent.parent
OUTPUT = BASE_DIR / "bench" / "output"
PYTHON = sys.executable
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/vsop_bench"


def database_url_arguments(parser):
    """--database-url, or --database-name for a database of one's own on the default server."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--database-url", default=DEFAULT_DB)
    group.add_argument(
        "--database-name",
        help="e.g. pages_bench: postgres://postgres@127.0.0.1:5432/NAME (dropped and created)",
    )


def database_url(args):
    if args.database_name:
        return DEFAULT_DB.rsplit("/", 1)[0] + "/" + args.database_name
    return args.database_url


def bench_env(database_url, *, workers, port, conn_max_age=0, extra=None):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789abcdef",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        # Only the limit per client address is raised: every simulated person comes from
        # 127.0.0.1. The limit per e-mail address and everything else stay as in production.
        "RATE_LIMIT_POSTS": "1000000",
        # The shared cache as in production (docker compose: Redis); a fresh key prefix per
        # run, so nothing an earlier run left in Redis is served or counted.
        "CACHE_URL": os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/9"),
        "CACHE_KEY_PREFIX": f"bench-{port}-{time.time_ns()}",
        "CONN_MAX_AGE": str(conn_max_age),
        "WEB_CONCURRENCY": str(workers),
        "PYTHONPATH": str(BASE_DIR),
        **(extra or {}),
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def reset_database(database_url):
    """Drop and create the benchmark database (never any other)."""
    import psycopg

    name = database_url.rsplit("/", 1)[1]
    assert name.startswith("vsop_bench") or name.endswith("_bench"), (
        f"refusing to drop {name!r}: not a benchmark database (vsop_bench… or …_bench)"
    )
    admin_url = database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def manage(env, *args):
    subprocess.run([PYTHON, "manage.py", *args], cwd=BASE_DIR, env=env, check=True, stdout=subprocess.DEVNULL)


def prepare(env):
    """Migrate, load the demo data, collect static files (WhiteNoise's manifest needs them)."""
    manage(env, "migrate", "--noinput")
    manage(env, "load_demo")
    manage(env, "collectstatic", "--noinput")


@contextlib.contextmanager
def gunicorn(env, *, port, workers):
    OUTPUT.mkdir(parents=True, exist_ok=True)
    log = open(OUTPUT / f"gunicorn-{port}.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [
            PYTHON, "-m", "gunicorn", "vsop_events.wsgi",
            "--bind", f"127.0.0.1:{port}",
            "--workers", str(workers),
            "--no-control-socket",
        ],
        cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/bench/hello/", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not start, see {log.name}")
            time.sleep(0.3)
        base = f"http://127.0.0.1:{port}"
        gunicorn.master_pid = process.pid
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid):
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime


def server_cpu_seconds(master_pid, database_name):
    """CPU seconds used so far by the gunicorn workers and the PostgreSQL backends of the
    benchmark database (read from /proc). Backends that already exited are not counted,
    so use persistent connections (CONN_MAX_AGE > 0) when the database share matters.

    CPU time per request depends much less on how busy the machine is than requests
    per second, so it is the fairer figure on a shared machine.
    """
    app = db = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == master_pid:
            app += _cpu_seconds(entry.name)
        elif cmdline.startswith("postgres:") and f" {database_name} " in cmdline:
            db += _cpu_seconds(entry.name)
    return app, db


@dataclass
class Timings:
    latencies: list = field(default_factory=list)
    errors: int = 0
    elapsed: float = 0.0
    app_cpu: float = 0.0  # CPU seconds of the gunicorn workers during the run
    db_cpu: float = 0.0  # CPU seconds of the (surviving) PostgreSQL backends during the run

    @property
    def count(self):
        return len(self.latencies)

    @property
    def rate(self):
        return self.count / self.elapsed if self.elapsed else 0.0

    def percentile(self, p):
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(round(p / 100 * len(ordered) + 0.5)) - 1)]

    @property
    def p50(self):
        return statistics.median(self.latencies) if self.latencies else float("nan")

    @property
    def p95(self):
        return self.percentile(95)


def machine_facts():
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    load = os.getloadavg()
    return (
        f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, "
        f"load average before the run {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}"
    )


def ms(seconds):
    if math.isnan(seconds):  # no request of this kind was made
        return "–"
    return f"{seconds * 1000:7.1f} ms"

"""Load benchmark: how close the public pages come to a hello-world view of the same project.

    .venv/bin/python bench/load_bench.py                      # 3 workers, 10 s per page, 8 connections
    .venv/bin/python bench/load_bench.py --workers 4 --seconds 20 --concurrency 16
    .venv/bin/python bench/load_bench.py --conn-max-age 60    # persistent database connections

Serves the app with gunicorn (sync workers) on PostgreSQL with production settings
(see bench/common.py), in a freshly created database `vsop_bench` with the demo data,
and measures requests per second and latency for: /bench/hello/ (the ceiling: same
middleware, no view work), the home page, the demo conference page and the programme
of the 2022 Leipzig conference. Each figure is printed as a ratio to the ceiling.
Target: programme page >= 0.5 of the ceiling.

The client (httpx, asyncio) runs on the same machine and takes CPU from the server;
on 2 cores that lowers the ceiling more than the slower pages (see bench/README.md).
"""

import argparse
import asyncio
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    DEFAULT_DB,
    bench_env,
    gunicorn,
    hammer,
    machine_facts,
    ms,
    prepare,
    reset_database,
    server_cpu_seconds,
)

PAGES = [
    ("hello-world (ceiling)", "/bench/hello/"),
    ("home", "/"),
    ("conference page", "/tagungen/demo-jahrestagung/"),
    ("programme 2022 Leipzig", "/tagungen/jahrestagung-2022-leipzig/programm/"),
]
TARGET_PROGRAMME_RATIO = 0.5


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=DEFAULT_DB)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--port", type=int, default=8196)
    parser.add_argument("--conn-max-age", type=int, default=0)
    parser.add_argument("--keep-database", action="store_true", help="reuse the database of an earlier run")
    args = parser.parse_args()

    print(f"Machine: {machine_facts()}")
    env = bench_env(args.database_url, workers=args.workers, port=args.port, conn_max_age=args.conn_max_age)
    if not args.keep_database:
        reset_database(args.database_url)
    prepare(env)
    print(
        f"gunicorn: {args.workers} sync workers, CONN_MAX_AGE={args.conn_max_age}; "
        f"client: {args.concurrency} connections, {args.seconds:g} s per page\n"
    )
    results = []
    database = args.database_url.rsplit("/", 1)[1]
    with gunicorn(env, port=args.port, workers=args.workers) as base:
        for name, path in PAGES:
            app_before, db_before = server_cpu_seconds(gunicorn.master_pid, database)
            timings = asyncio.run(hammer(base + path, seconds=args.seconds, concurrency=args.concurrency))
            app_after, db_after = server_cpu_seconds(gunicorn.master_pid, database)
            timings.app_cpu, timings.db_cpu = app_after - app_before, db_after - db_before
            results.append((name, path, timings))
    ceiling = results[0][2].rate
    hello = results[0][2]
    hello_cpu = (hello.app_cpu + hello.db_cpu) / hello.count
    print(
        f"{'page':<24} {'req/s':>8} {'p50':>10} {'p95':>10} {'errors':>7} {'ratio':>6}"
        f" {'app CPU/req':>12} {'db CPU/req':>11} {'CPU ratio':>9}"
    )
    for name, _path, t in results:
        cpu = (t.app_cpu + t.db_cpu) / t.count
        print(
            f"{name:<24} {t.rate:8.1f} {ms(t.p50):>10} {ms(t.p95):>10} {t.errors:7d} {t.rate / ceiling:6.2f}"
            f" {ms(t.app_cpu / t.count):>12} {ms(t.db_cpu / t.count):>11} {hello_cpu / cpu:9.2f}"
        )
    ratio = results[-1][2].rate / ceiling
    verdict = "meets" if ratio >= TARGET_PROGRAMME_RATIO else "MISSES"
    print(f"\nprogramme page: {ratio:.2f} of the ceiling ({verdict} the target of {TARGET_PROGRAMME_RATIO})")
    print(
        "CPU ratio = server CPU per hello-world request / server CPU per page request: the req/s ratio "
        "with the server alone on the machine (PostgreSQL counted only with --conn-max-age > 0)"
    )


if __name__ == "__main__":
    main()

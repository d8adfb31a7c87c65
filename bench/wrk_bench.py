"""Page throughput with wrk: every public page against the hello-world view, interleaved.

    .venv/bin/python bench/wrk_bench.py                     # 3 rounds, 5 s per run, 8 connections
    .venv/bin/python bench/wrk_bench.py --rounds 5 --seconds 10 --keep-database

wrk (Debian package `wrk`, a C client) drives a production-like gunicorn (3 sync
workers, DEBUG off, PostgreSQL, Redis as the shared cache; see bench/common.py). A
Python client on the same two cores would be the bottleneck itself: it reached 641
req/s for hello-world where wrk gets several thousand.

Interleaved: each round runs hello-world right before every page, and each page's
ratio is its req/s over the mean of the hello-world runs just before and after it,
so a change in the machine's load during the run hits both sides alike. The figure
per page is the median over the rounds. The load average is printed with every
run, and the client's (wrk's) share of the CPU: above a quarter of the total the
client, not the server, may be what limits the figures, and a warning says so.

Target (issue 18): every public page >= 0.5 of hello-world.
"""

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    bench_env,
    database_url,
    database_url_arguments,
    gunicorn,
    machine_facts,
    prepare,
    reset_database,
    server_cpu_seconds,
)

HELLO = "/bench/hello/"
PAGES = [
    ("home", "/"),
    ("conference page (with form)", "/tagungen/demo-jahrestagung/"),
    ("programme 2022 Leipzig", "/tagungen/jahrestagung-2022-leipzig/programm/"),
    ("archive", "/tagungen/"),
    ("privacy", "/seiten/datenschutz/"),
    ("imprint", "/seiten/impressum/"),
]
TARGET_RATIO = 0.5
CLIENT_SHARE_WARNING = 0.25


def _children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _latency_ms(text, label):
    match = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
    if not match:
        return float("nan")
    value, unit = float(match.group(1)), match.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


def run_wrk(url, *, seconds, connections, threads, master_pid, database):
    """One wrk run: req/s, latency percentiles, errors, and the CPU of client and server."""
    app_before, db_before = server_cpu_seconds(master_pid, database)
    client_before = _children_cpu()
    output = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    client = _children_cpu() - client_before
    app_after, db_after = server_cpu_seconds(master_pid, database)
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    errors = (int(non_2xx.group(1)) if non_2xx else 0) + (
        sum(int(n) for n in re.findall(r"\d+", socket_errors.group(1))) if socket_errors else 0
    )
    return {
        "rate": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "requests": requests,
        "p50": _latency_ms(output, "50"),
        "p99": _latency_ms(output, "99"),
        "errors": errors,
        "client_cpu": client,
        "server_cpu": (app_after - app_before) + (db_after - db_before),
        "load": os.getloadavg()[0],
    }


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    database_url_arguments(parser)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5, help="per wrk run")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument(
        "--threads", type=int, default=1, help="wrk threads (1 leaves the cores to the server)"
    )
    parser.add_argument("--port", type=int, default=8198)
    parser.add_argument("--conn-max-age", type=int, default=60)
    parser.add_argument("--keep-database", action="store_true", help="reuse the database of an earlier run")
    args = parser.parse_args()
    args.database_url = database_url(args)

    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install wrk")
    print(f"Machine: {machine_facts()}")
    env = bench_env(args.database_url, workers=args.workers, port=args.port, conn_max_age=args.conn_max_age)
    if not args.keep_database:
        reset_database(args.database_url)
    prepare(env)
    print(
        f"gunicorn: {args.workers} sync workers, CONN_MAX_AGE={args.conn_max_age}, cache {env['CACHE_URL']}; "
        f"wrk: {args.threads} thread, {args.connections} connections, {args.seconds} s per run, "
        f"{args.rounds} rounds (hello-world before every page)\n"
    )
    database = args.database_url.rsplit("/", 1)[1]
    runs = {name: [] for name, _path in PAGES}
    hellos = []
    totals = {"client": 0.0, "server": 0.0}
    print(f"{'round':>5} {'page':<28} {'req/s':>8} {'p50':>9} {'p99':>9} {'errors':>6} {'load':>5}")

    def show(round_, name, r):
        print(
            f"{round_:5d} {name:<28} {r['rate']:8.0f} {r['p50']:7.2f}ms {r['p99']:7.2f}ms "
            f"{r['errors']:6d} {r['load']:5.2f}",
            flush=True,
        )

    with gunicorn(env, port=args.port, workers=args.workers) as base:
        wrk = {
            "seconds": args.seconds,
            "connections": args.connections,
            "threads": args.threads,
            "master_pid": gunicorn.master_pid,
            "database": database,
        }
        for path in [HELLO, *(p for _n, p in PAGES)]:  # warm every worker's cache and templates
            run_wrk(base + path, **{**wrk, "seconds": 1})
        for round_ in range(1, args.rounds + 1):
            round_hellos = []
            for name, path in PAGES:
                hello = run_wrk(base + HELLO, **wrk)
                show(round_, "hello-world (ceiling)", hello)
                page = run_wrk(base + path, **wrk)
                show(round_, name, page)
                round_hellos.append(hello)
                runs[name].append({**page, "hello_before": hello})
                for r in (hello, page):
                    totals["client"] += r["client_cpu"]
                    totals["server"] += r["server_cpu"]
            final = run_wrk(base + HELLO, **wrk)
            show(round_, "hello-world (ceiling)", final)
            totals["client"] += final["client_cpu"]
            totals["server"] += final["server_cpu"]
            round_hellos.append(final)
            # The hello-world run after each page is the one before the next page (or the final one).
            for i, (name, _path) in enumerate(PAGES):
                runs[name][-1]["hello_after"] = round_hellos[i + 1]
            hellos.extend(round_hellos)

    print(
        f"\nResult (median over {args.rounds} rounds; ratio = page req/s / mean of the hello-world runs around it)"
    )
    print(
        f"{'page':<28} {'req/s':>8} {'ratio':>6} {'min':>5} {'max':>5} {'p50':>9} {'p99':>9}"
        f" {'server CPU/req':>15} {'CPU ratio':>9} {'errors':>6}"
    )
    hello_rate = statistics.median(r["rate"] for r in hellos)
    hello_cpu = sum(r["server_cpu"] for r in hellos) / sum(r["requests"] for r in hellos)
    print(
        f"{'hello-world (ceiling)':<28} {hello_rate:8.0f} {1:6.2f} {'':>5} {'':>5}"
        f" {statistics.median(r['p50'] for r in hellos):7.2f}ms {statistics.median(r['p99'] for r in hellos):7.2f}ms"
        f" {hello_cpu * 1000:12.2f} ms {1:9.2f} {sum(r['errors'] for r in hellos):6d}"
    )
    missed = []
    for name, page_runs in runs.items():
        ratios = [r["rate"] / ((r["hello_before"]["rate"] + r["hello_after"]["rate"]) / 2) for r in page_runs]
        ratio = statistics.median(ratios)
        cpu = sum(r["server_cpu"] for r in page_runs) / sum(r["requests"] for r in page_runs)
        print(
            f"{name:<28} {statistics.median(r['rate'] for r in page_runs):8.0f} {ratio:6.2f}"
            f" {min(ratios):5.2f} {max(ratios):5.2f}"
            f" {statistics.median(r['p50'] for r in page_runs):7.2f}ms {statistics.median(r['p99'] for r in page_runs):7.2f}ms"
            f" {cpu * 1000:12.2f} ms {hello_cpu / cpu:9.2f} {sum(r['errors'] for r in page_runs):6d}"
        )
        if ratio < TARGET_RATIO:
            missed.append(name)
    loads = [r["load"] for page_runs in runs.values() for r in page_runs] + [r["load"] for r in hellos]
    share = totals["client"] / (totals["client"] + totals["server"])
    print(
        f"\nload average (1 min) during the runs: {min(loads):.2f}–{max(loads):.2f}; "
        f"client (wrk) CPU {totals['client']:.1f} s of {totals['client'] + totals['server']:.1f} s "
        f"client + server = {share:.0%}"
    )
    if share > CLIENT_SHARE_WARNING:
        print(
            f"WARNING: the client used more than a quarter of the CPU ({share:.0%}): "
            "the figures may show the client's limit, not the server's"
        )
    print(
        "CPU ratio = server CPU (gunicorn + PostgreSQL) per hello-world request / per page request: "
        "the req/s ratio the server alone on the machine would show"
    )
    if missed:
        print(f"target >= {TARGET_RATIO} of hello-world: MISSED by {', '.join(missed)}")
    else:
        print(f"target >= {TARGET_RATIO} of hello-world: MET by every public page")


if __name__ == "__main__":
    main()

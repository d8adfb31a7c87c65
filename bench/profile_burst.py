"""Where a person's CPU goes in the burst: each step in-process, with cProfile on request.

    .venv/bin/python bench/profile_burst.py                    # CPU ms per step, 40 people
    .venv/bin/python bench/profile_burst.py --profile "POST binding registration" --top 30

The same steps as burst_bench.py (pre-registration form and POST, thank-you page, the
mailed link that confirms the address, binding form and POST, personal page), one
person after the other through Django's test client (full middleware, no HTTP
server), with the production-like settings of the benchmarks on PostgreSQL database
`vsop_bench` (run wrk_bench.py or burst_bench.py once first) and Redis.
"""

import argparse
import cProfile
import io
import os
import pstats
import re
import sys
import time
from collections import defaultdict
from http.cookies import SimpleCookie
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import DEFAULT_DB, bench_env  # noqa: E402


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=DEFAULT_DB)
    parser.add_argument("--people", type=int, default=40)
    parser.add_argument("--profile", help='print cProfile statistics of this step ("all": of every step)')
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--sort", default="cumulative", help="pstats order: cumulative, tottime, ...")
    parser.add_argument(
        "--clock",
        choices=["cpu", "wall"],
        default="cpu",
        help="cProfile's clock: this process's CPU (default; the figure above) or wall time, "
        "which adds the waits for PostgreSQL and, on a busy machine, for a core",
    )
    args = parser.parse_args()

    os.environ.update(bench_env(args.database_url, workers=1, port=0, conn_max_age=60))
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)

    from bench.burst_bench import Person, create_conference, main_form, read_personal_link

    conference = create_conference(f"bench-profile-{int(time.time())}")
    cpu = defaultdict(float)
    queries = defaultdict(int)
    from django.db import connection

    def count_query(execute, sql, params, many, context):
        queries[current[0]] += 1
        return execute(sql, params, many, context)

    current = [None]
    # How long each step holds the conference lock (CPU of this process, from taking the lock
    # to the commit): every pre-registration and binding registration of the conference waits
    # for it, so it bounds the burst however many cores there are.
    from django.db import transaction

    from registrations.domain import lifecycle

    held = defaultdict(float)
    real_lock = lifecycle.lock_conference

    def timed_lock(pk):
        step_name, started = current[0], time.process_time()
        if transaction.get_connection().in_atomic_block:
            transaction.on_commit(
                lambda: held.__setitem__(step_name, held[step_name] + time.process_time() - started)
            )
        return real_lock(pk)

    lifecycle.lock_conference = timed_lock
    counting = connection.execute_wrapper(count_query)  # kept: the wrapper lives as long as this
    counting.__enter__()
    profiler = cProfile.Profile(time.process_time) if args.clock == "cpu" else cProfile.Profile()
    import random

    # PostgreSQL's own CPU for this process's connection (its backend runs on this machine):
    # from /proc, without a statement, so the counts above stay those of the app.
    ticks = os.sysconf("SC_CLK_TCK")
    pg_cpu = defaultdict(float)

    def backend_cpu():
        if connection.connection is None:
            return None
        try:
            with open(f"/proc/{connection.connection.info.backend_pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / ticks  # utime + stime

    def step(name, call, *call_args):
        if args.profile in (name, "all"):
            profiler.enable()
        current[0] = name
        backend, backend_before = connection.connection, backend_cpu()
        started = time.process_time()
        response = call(*call_args)
        cpu[name] += time.process_time() - started
        backend_after = backend_cpu()
        if None not in (backend_before, backend_after) and connection.connection is backend:
            pg_cpu[name] += backend_after - backend_before
        current[0] = None
        if args.profile in (name, "all"):
            profiler.disable()
        assert response.status_code < 400, (name, response.status_code)
        return response

    # One client (one handler: the middleware is loaded once, as in a gunicorn worker; a
    # client per person re-ran WhiteNoise's scan of the static files, ~40 ms, in its first
    # request), with the cookies cleared between people: each person is a new browser.
    client = Client(HTTP_HOST="127.0.0.1")
    for n in range(1, args.people + 1):
        person = Person(n, random.Random(n))
        client.cookies = SimpleCookie()
        url = f"/tagungen/{conference.slug}/voranmeldung/"
        page = step("GET pre-registration form", client.get, url)
        data, _radios = main_form(page.content.decode())
        data.update(
            first_name=person.first_name,
            last_name=person.last_name,
            email=person.email,
            organisation="Landkreis",
            privacy_consent="on",
            submit="Unverbindlich voranmelden",
        )
        response = step("POST pre-registration", client.post, url, data)
        assert response.status_code == 302, re.findall(
            r"invalid-feedback[^<]*<[^<]*", response.content.decode()
        )
        step("GET thank-you page", client.get, response["Location"])
        personal_url = "/anmeldung/" + read_personal_link(person.email).split("/anmeldung/", 1)[1]
        step("GET mail link (confirms)", client.get, personal_url)
        binding_url = f"{personal_url}verbindlich/"
        page = step("GET binding form", client.get, binding_url)
        data, radios = main_form(page.content.decode())
        data.update(
            billing_organisation="Landkreis",
            billing_street="Kreishausstraße 1",
            billing_postcode="50667",
            billing_city="Köln",
            terms_accepted="on",
            submit="Verbindlich anmelden",
        )
        for name, values in radios.items():
            if name.startswith("workshop_") and values:
                data[name] = values[n % len(values)]
        response = step("POST binding registration", client.post, binding_url, data)
        assert response.status_code == 302, response.status_code
        step("GET personal page", client.get, response["Location"])

    total = sum(cpu.values()) / args.people
    pg_total = sum(pg_cpu.values()) / args.people
    print(
        f"in-process, DEBUG off, {args.people} people one after the other; CPU of this process, and of "
        f"its PostgreSQL backend (from /proc, 10 ms ticks: a mean over many people); load average "
        + " / ".join(f"{x:.2f}" for x in os.getloadavg())
    )
    for name, seconds in cpu.items():
        lock = f"  lock held {held[name] / args.people * 1000:5.1f} ms" if name in held else ""
        print(
            f"{name:<28} {seconds / args.people * 1000:7.1f} ms  PG {pg_cpu[name] / args.people * 1000:5.1f} ms"
            f"  {queries[name] / args.people:5.1f} queries{lock}"
        )
    print(
        f"{'per person':<28} {total * 1000:7.1f} ms  PG {pg_total * 1000:5.1f} ms  "
        f"(2 cores, both: at most {2 / (total + pg_total) * 60:.0f} people/min)"
    )
    if args.profile:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(args.sort).print_stats(args.top)
        print(f"\n--- cProfile: {args.profile}, by {args.sort} time, {args.clock} clock ---")
        print("\n".join(line for line in out.getvalue().splitlines() if line.strip()))


if __name__ == "__main__":
    main()

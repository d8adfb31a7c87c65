"""Where a public page's time goes: CPU per request in-process, rendered and from the page cache.

    .venv/bin/python bench/profile_pages.py                    # table: CPU ms per request, both ways
    .venv/bin/python bench/profile_pages.py --profile conference --top 25   # cProfile of one page

Runs the app in this process (Django's test client: the full middleware stack, no
HTTP server) with the production-like settings of the load benchmarks (DEBUG off,
PostgreSQL database `vsop_bench` of an earlier wrk_bench/load_bench run, Redis cache).
Two ways per page:

- rendered: the page cache is invalidated before every request, so each request
  renders the page as every request did before the page cache (core/pagecache.py);
- cached: the page comes from the shared cache with its own CSRF token.

Every request is sent without cookies, as wrk sends them: a page with a form then draws a
new CSRF secret and sets the cookie each time (the costlier case).

hello-world (bench/urls.py) is the ceiling: the same middleware, no view work.
`--profile NAME` prints cProfile's statistics of NAME's requests (both ways).
"""

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import bench_env, database_url, database_url_arguments  # noqa: E402

PAGES = {
    "hello": "/bench/hello/",
    "home": "/",
    "conference": "/tagungen/demo-jahrestagung/",
    "programme": "/tagungen/jahrestagung-2022-leipzig/programm/",
    "archive": "/tagungen/",
    "privacy": "/seiten/datenschutz/",
    "imprint": "/seiten/impressum/",
}


def measure(client, path, *, requests, rendered, profiler=None):
    from core.pagecache import invalidate_public_pages

    for _ in range(5):  # warm: templates, translations, connections
        assert client.get(path).status_code == 200
    total = 0.0
    for _ in range(requests):
        if rendered:
            invalidate_public_pages()
        client.cookies.clear()  # as wrk: no cookie, so a page with a form makes a new CSRF secret
        if profiler:
            profiler.enable()
        started = time.process_time()
        response = client.get(path)
        total += time.process_time() - started
        if profiler:
            profiler.disable()
        assert response.status_code == 200, (path, response.status_code)
    return total / requests


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    database_url_arguments(parser)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--profile", choices=sorted(PAGES), help="print cProfile statistics of this page")
    parser.add_argument("--top", type=int, default=20)
    args = parser.parse_args()
    args.database_url = database_url(args)

    os.environ.update(bench_env(args.database_url, workers=1, port=0, conn_max_age=60))
    import django

    django.setup()
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")  # never logs in or posts; sends no cookie, as wrk
    print(
        f"in-process, DEBUG off, {args.requests} requests per figure, CPU time of this process "
        f"(PostgreSQL's own CPU not included); load average "
        + " / ".join(f"{x:.2f}" for x in os.getloadavg())
    )
    print(f"{'page':<12} {'rendered':>12} {'cached':>12}")
    for name, path in PAGES.items():
        if args.profile and name != args.profile:
            continue
        profiles = {}
        figures = []
        for rendered in (True, False):
            profiler = cProfile.Profile() if args.profile else None
            figures.append(
                measure(client, path, requests=args.requests, rendered=rendered, profiler=profiler)
            )
            profiles["rendered" if rendered else "cached"] = profiler
        print(f"{name:<12} {figures[0] * 1000:9.2f} ms {figures[1] * 1000:9.2f} ms", flush=True)
        for way, profiler in profiles.items():
            if profiler is None:
                continue
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out)
            stats.strip_dirs().sort_stats("cumulative").print_stats(args.top)
            print(f"\n--- cProfile: {name}, {way} ({args.requests} requests), by cumulative time ---")
            print("\n".join(line for line in out.getvalue().splitlines() if line.strip())[:12000])


if __name__ == "__main__":
    main()

"""Benchmark: the office participant list as PDF against a plain WeasyPrint table of the same cells.

    .venv/bin/python bench/export_bench.py                 # 1,000 rows, scratch SQLite in /tmp
    .venv/bin/python bench/export_bench.py --rows 5000
    .venv/bin/python bench/export_bench.py --database-url postgres://postgres@127.0.0.1:5432/vsop_bench

The parent process creates a scratch database with N registrations (bulk
inserts, no application services), then runs each measurement in its own
subprocess so that peak memory (getrusage maxrss) belongs to that measurement
alone. Both subprocesses first render a one-line PDF untimed, so loading fonts
and Pango is not counted against either side.

- app:  exports.domain.files.export_file(kind="participants", format="pdf"):
        queries, column getters, Django template, letterhead, WeasyPrint on
        PDF_PROCESSES cores (--processes; core/pdf.py), joined with page numbers.
        CPU counts the worker processes too; the peak is per process (the
        largest of the main process and each worker).
- plain: the limit to approach (issue 18): the app's own cell texts (read
        untimed), one <td> per cell and nothing else, one WeasyPrint call in one
        process, DejaVu Sans 8 pt, border-collapse, table-layout: fixed.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DB = "sqlite:////tmp/vsop_export_bench.sqlite3"
COLUMNS = ["name", "organisation", "email", "is_member", "status", "payment_status", "phase_1", "phase_2"]


def setup_django(database_url):
    sys.path.insert(0, str(BASE_DIR))
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vsop_events.settings")
    import django

    django.setup()


def create_data(rows):
    """A conference with two phases (workshops, groups) and `rows` participants holding a place."""
    import datetime as dt
    from decimal import Decimal

    from django.core.management import call_command
    from django.utils import timezone

    from programme.models import Conference, Workshop, WorkshopPhase
    from registrations.models import DiscussionGroup, GroupMembership, Registration, WorkshopBooking

    call_command("migrate", verbosity=0)
    Conference.objects.filter(slug="bench-jahrestagung").delete()
    starts = timezone.now() + dt.timedelta(days=60)
    conference = Conference.objects.create(
        title="Jahrestagung 2025",
        slug="bench-jahrestagung",
        city="Köln",
        starts_at=starts,
        ends_at=starts + dt.timedelta(days=1, hours=4),
        places=rows,
        member_fee=Decimal("250.00"),
        non_member_fee=Decimal("300.00"),
    )
    phase = WorkshopPhase.objects.create(conference=conference, number=1, title="Workshops")
    workshops = [
        Workshop.objects.create(phase=phase, title=f"Workshop {n}: Sozialplanung im Quartier")
        for n in range(1, 7)
    ]
    group_phase = WorkshopPhase.objects.create(
        conference=conference, number=2, title="Diskussion", mode=WorkshopPhase.Mode.GROUPS
    )
    groups = [DiscussionGroup.objects.create(phase=group_phase, number=n) for n in range(1, 11)]
    first_names = ["Anna", "Jörg", "Mehmet", "Sabine", "Lukas", "Özlem", "Friederike", "Paul"]
    last_names = ["Müller", "Schmidt", "Yılmaz", "Weber", "Becker", "Hoffmann", "Schäfer", "Koch", "Richter"]
    registrations = Registration.objects.bulk_create(
        Registration(
            conference=conference,
            stage=Registration.Stage.BINDING if i % 3 else Registration.Stage.PRE,
            status=Registration.Status.HOLDS_PLACE,
            first_name=first_names[i % len(first_names)],
            last_name=f"{last_names[i % len(last_names)]}-{i}",
            email=f"person{i}@landkreis-beispiel.de",
            organisation=f"Landkreis Beispiel {i % 97}, Amt für Soziales und Senioren",
            position="Sozialplanerin",
            is_member=i % 2 == 0,
            fee=Decimal("250.00"),
            payment_status=Registration.PaymentStatus.PAID if i % 4 else Registration.PaymentStatus.OPEN,
            billing_city="Köln",
            list_consent=i % 5 != 0,
        )
        for i in range(rows)
    )
    WorkshopBooking.objects.bulk_create(
        WorkshopBooking(registration=r, phase=phase, workshop=workshops[i % len(workshops)])
        for i, r in enumerate(registrations)
    )
    GroupMembership.objects.bulk_create(
        GroupMembership(registration=r, phase=group_phase, group=groups[i % len(groups)])
        for i, r in enumerate(registrations)
    )
    return conference


def _warm_up():
    from weasyprint import HTML

    HTML(string="<p>warm</p>").write_pdf()


def measure_app(conference_slug):
    from exports.domain import files as services
    from programme.models import Conference

    conference = Conference.objects.get(slug=conference_slug)
    _warm_up()
    start, cpu, children = time.perf_counter(), time.process_time(), _children_cpu_seconds()
    shown = []

    def progress(done, total):  # what the job page shows, on stderr (the parent passes it on)
        percent = 100 * done // total
        if not shown or shown[-1] != percent:
            shown.append(percent)
            print(
                f"      app: {percent:3d} % after {time.perf_counter() - start:6.1f} s",
                file=sys.stderr,
                flush=True,
            )

    result = services.export_file(
        conference=conference,
        kind="participants",
        format="pdf",
        params={"columns": COLUMNS},
        progress=progress,
    )
    cpu_seconds = time.process_time() - cpu + _children_cpu_seconds() - children  # the PDF workers too
    return time.perf_counter() - start, cpu_seconds, result.content


# The brief's reference (issue 18): a plain 1,000 × 8 table, DejaVu Sans 8 pt, border-collapse,
# table-layout: fixed. The same A4 landscape page and margins as the app's list, so both fill
# the same area; a rule under each row (what border-collapse is for); nothing else.
PLAIN_CSS = """
@page { size: A4 landscape; margin: 15mm 12mm 18mm 12mm; }
body { font-family: "DejaVu Sans"; font-size: 8pt; }
table { width: 100%; border-collapse: collapse; table-layout: fixed; }
td { border-bottom: 0.5pt solid #bbb; }
"""


def plain_cells(conference_slug):
    """The list's 8 cells per row, as the app's list shows them (same texts, same order)."""
    from exports.queries import lists
    from programme.models import Conference

    table = lists.participant_table(Conference.objects.get(slug=conference_slug), COLUMNS)
    return list(table.text_rows())


def measure_plain(conference_slug):
    """The limit to approach (issue 18): the app's cell texts (read untimed) as a plain table,
    one <td> per cell and nothing else, one WeasyPrint call in this process."""
    from html import escape

    _warm_up()
    from weasyprint import HTML

    rows = plain_cells(conference_slug)
    start, cpu = time.perf_counter(), time.process_time()
    body = "".join("<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>" for row in rows)
    html = f"<html><head><style>{PLAIN_CSS}</style></head><body><table>{body}</table></body></html>"
    content = HTML(string=html).write_pdf()
    return time.perf_counter() - start, time.process_time() - cpu, content


def _children_cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def child(which, database_url, slug):
    setup_django(database_url)
    seconds, cpu_seconds, content = (measure_app if which == "app" else measure_plain)(slug)
    import io

    from pypdf import PdfReader

    pages = len(PdfReader(io.BytesIO(content)).pages)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB
    # The largest PDF worker process (core/pdf.py), each counted alone: the peak per process.
    worker_peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    from django.conf import settings

    print(
        json.dumps(
            {
                "seconds": seconds,
                "cpu_seconds": cpu_seconds,
                "peak_mib": max(peak_mib, worker_peak_mib),
                "parent_peak_mib": peak_mib,
                "worker_peak_mib": worker_peak_mib,
                "processes": settings.PDF_PROCESSES if which == "app" else 1,
                "pages": pages,
                "bytes": len(content),
            }
        )
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--database-url", default=None, help=f"default: fresh {DEFAULT_DB}")
    parser.add_argument("--repeat", type=int, default=1, help="runs per side; the fastest run counts")
    parser.add_argument("--processes", type=int, help="PDF_PROCESSES for the app (default: its setting)")
    parser.add_argument(
        "--keep-data", action="store_true", help="reuse the registrations of an earlier run (--database-url)"
    )
    parser.add_argument("--only", choices=["app", "plain"], help="measure one side only")
    parser.add_argument("--child", choices=["app", "plain"], help=argparse.SUPPRESS)
    parser.add_argument("--slug", default="bench-jahrestagung", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        child(args.child, args.database_url, args.slug)
        return

    database_url = args.database_url or DEFAULT_DB
    if args.database_url is None:
        args.keep_data = False
        Path(DEFAULT_DB.removeprefix("sqlite:///")).unlink(missing_ok=True)
    setup_django(database_url)
    start = time.perf_counter()
    if args.keep_data and args.database_url:
        print(f"reusing the registrations in {database_url}")
    else:
        create_data(args.rows)
        print(f"created {args.rows} registrations in {time.perf_counter() - start:.1f} s ({database_url})")

    results = {}
    for _run in range(args.repeat):
        for which in [args.only] if args.only else ("app", "plain"):
            output = subprocess.run(
                [sys.executable, __file__, "--child", which, "--database-url", database_url],
                check=True,
                stdout=subprocess.PIPE,  # the figures; progress comes on stderr, shown as it happens
                text=True,
                env={
                    **os.environ,
                    "PYTHONWARNINGS": "ignore",
                    **({"PDF_PROCESSES": str(args.processes)} if args.processes else {}),
                },
            ).stdout
            r = json.loads(output.strip().splitlines()[-1])
            processes = (
                f" (main {r['parent_peak_mib']:.0f}, largest worker {r['worker_peak_mib']:.0f}; "
                f"{r['processes']} at once)"
                if r["processes"] > 1
                else ""
            )
            print(
                f"{which:5} {r['seconds']:7.2f} s wall  {r['cpu_seconds']:7.2f} s CPU  "
                f"peak {r['peak_mib']:6.1f} MiB per process{processes}  "
                f"{r['pages']} pages  {r['bytes'] / 1024:.0f} KiB  load {os.getloadavg()[0]:.2f}"
            )
            best = results.get(which)
            if best is None or r["cpu_seconds"] < best["cpu_seconds"]:
                results[which] = {**r, "peak_mib": max(r["peak_mib"], (best or r)["peak_mib"])}
    if args.only:
        return
    app, plain = results["app"], results["plain"]
    print(
        f"ratio app/plain: {app['seconds'] / plain['seconds']:.2f} wall, "
        f"{app['cpu_seconds'] / plain['cpu_seconds']:.2f} CPU; load average after the runs "
        + " / ".join(f"{x:.2f}" for x in os.getloadavg())
    )
    if args.rows == 1000:
        met = app["seconds"] <= 5 and app["peak_mib"] <= 250
        print(
            f"target for 1,000 rows on a quiet machine: <= 5 s wall and <= 250 MiB peak: "
            f"{app['seconds']:.2f} s ({app['cpu_seconds']:.2f} s CPU), {app['peak_mib']:.0f} MiB: "
            f"{'MET' if met else 'MISSED'}"
        )


if __name__ == "__main__":
    main()

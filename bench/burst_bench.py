"""Registration burst: N people pre-register, confirm their address and register bindingly for 100 places.

    .venv/bin/python bench/burst_bench.py                        # 300 people, 4 at a time
    .venv/bin/python bench/burst_bench.py --arrivals-per-minute 300       # open loop: 600 registrations/min
    .venv/bin/python bench/burst_bench.py --people 300 --concurrency 300   # everybody at once

Each simulated person behaves like a browser, through the real HTML forms of a
production-like gunicorn on PostgreSQL (bench/common.py): GET the pre-registration
form (CSRF cookie and token from the page), POST it with the fields a browser would
send, follow the redirect; read the personal link from their confirmation mail in
the outbox and open it (which confirms the address, so the hold becomes a place);
GET the binding form behind the link (prefilled), add the billing
address, pick a workshop that is not full, accept the terms, POST, follow the
redirect. Then the database is checked: exactly 100 hold places, nobody twice,
every registration with its mails in the outbox, one invoice per place.

Target (issue 18): >= 1,200 people per minute through all steps, p95 < 300 ms on 2 cores,
0 oversold. The client's own CPU share is printed, with a warning above a quarter.
"""

import argparse
import asyncio
import datetime as dt
import logging
import os
import random
import re
import ssl
import sys
import time
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx  # noqa: E402

from bench.common import (  # noqa: E402
    DEFAULT_DB,
    Timings,
    bench_env,
    gunicorn,
    machine_facts,
    ms,
    prepare,
    reset_database,
    server_cpu_seconds,
)

SLUG = "bench-burst"  # plus the start time, so that --keep-database runs do not collide
PLACES = 100
TARGET_PEOPLE_PER_MINUTE = 1200


class FormParser(HTMLParser):
    """The fields of the page's main form as a browser would submit them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self._form, self._select, self._textarea = [], None, None, None
        self.radios = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"method": (a.get("method") or "get").lower(), "fields": [], "names": set()}
            self.forms.append(self._form)
            self.radios = {}
            self._form["radios"] = self.radios
        if self._form is None:
            return
        name = a.get("name")
        if name:
            self._form["names"].add(name)
        if tag == "input" and name and "disabled" not in a:
            kind = (a.get("type") or "text").lower()
            if kind == "radio":
                self.radios.setdefault(name, []).append(a.get("value", "on"))
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._form["fields"].append((name, a.get("value", "on")))
            elif kind not in ("submit", "button", "image", "reset", "file"):
                self._form["fields"].append((name, a.get("value", "")))
        elif tag == "select" and name:
            self._select = {"name": name, "value": None, "first": None}
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in a:
                self._select["value"] = value
        elif tag == "textarea" and name:
            self._textarea = [name, ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "select" and self._select is not None:
            s = self._select
            self._form["fields"].append(
                (s["name"], s["value"] if s["value"] is not None else s["first"] or "")
            )
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self._form["fields"].append((self._textarea[0], self._textarea[1].lstrip("\n")))
            self._textarea = None
        elif tag == "form":
            self._form = None


TLS = ssl.create_default_context()
FORM_RE = re.compile(r"<form\b.*?</form>", re.S | re.I)


def main_form(html):
    parser = FormParser()
    # Only the forms matter: parsing the rest of the page would cost the client more CPU
    # than the server spends on some requests, on the same two cores.
    parser.feed("".join(FORM_RE.findall(html)))
    for form in parser.forms:
        if form["method"] == "post" and "submit" in form["names"]:
            return dict(form["fields"]), form["radios"]
    raise AssertionError("no registration form on the page")


def form_errors(html):
    """The error messages a form page shows (for the failure report)."""
    found = re.findall(
        r'class="(?:invalid-feedback|alert alert-danger)[^"]*"[^>]*>(.*?)</(?:div|p|span)>', html, re.S
    )
    return [" ".join(re.sub(r"<[^>]+>", " ", text).split()) for text in found]


class Person:
    def __init__(self, n, rng):
        self.n = n
        self.rng = rng
        self.email = f"burst{n:04d}-{int(time.time())}@example.org"
        self.is_member = n % 3 == 0
        # Names allow letters only: n written with the letters a-z.
        letters = ""
        while True:
            n, digit = divmod(n, 26)
            letters = "abcdefghijklmnopqrstuvwxyz"[digit] + letters
            if not n:
                break
        self.first_name = rng.choice(["Anna", "Jonas", "Zoë", "Özlem", "Friedrich", "Marie-Luise"])
        self.last_name = f"Last{letters}"


async def timed(timings, kind, coroutine):
    started = time.perf_counter()
    response = await coroutine
    timings[kind].latencies.append(time.perf_counter() - started)
    if response.status_code >= 400:
        timings[kind].errors += 1
        raise RuntimeError(f"{kind}: HTTP {response.status_code}")
    return response


def read_personal_link(email):
    """The person reads the confirmation mail (here: from the outbox) and takes the link."""
    from registrations.models import OutgoingMail

    mail = OutgoingMail.objects.filter(to=email).order_by("pk").first()
    match = re.search(r"https?://\S+/anmeldung/[\w-]+/", mail.body_text)
    return match.group(0)


async def one_person(base, slug, person, timings, semaphore):
    # One TLS context for all simulated browsers: loading the CA bundle for each of them
    # cost 70 ms of the client's CPU per person (the bench speaks plain HTTP anyway).
    async with (
        semaphore,
        httpx.AsyncClient(base_url=base, timeout=60, follow_redirects=False, verify=TLS) as client,
    ):
        page = await timed(
            timings, "GET pre-registration form", client.get(f"/tagungen/{slug}/voranmeldung/")
        )
        data, _radios = main_form(page.text)
        data.update(
            first_name=person.first_name,
            last_name=person.last_name,
            email=person.email,
            organisation=f"Landkreis {person.n % 40}",
            privacy_consent="on",
            submit="Unverbindlich voranmelden",
        )
        if person.is_member:
            data.update(is_member="on", member_number=str(1000 + person.n))
        response = await timed(
            timings, "POST pre-registration", client.post(f"/tagungen/{slug}/voranmeldung/", data=data)
        )
        assert response.status_code == 302, (response.status_code, form_errors(response.text))
        await timed(timings, "GET thank-you page", client.get(response.headers["location"]))

        link = await asyncio.to_thread(read_personal_link, person.email)
        personal_url = "/anmeldung/" + link.split("/anmeldung/", 1)[1]
        # Opening the mailed link confirms the address (the hold becomes a place).
        page = await timed(timings, "GET mail link (confirms)", client.get(personal_url))
        assert "bestätigt" in page.text, "the mail link did not confirm the address"
        binding_url = f"{personal_url}verbindlich/"
        page = await timed(timings, "GET binding form", client.get(binding_url))
        data, radios = main_form(page.text)
        data.update(
            billing_organisation=f"Landkreis {person.n % 40}",
            billing_street="Kreishausstraße 1",
            billing_postcode="50667",
            billing_city="Köln",
            terms_accepted="on",
            submit="Verbindlich anmelden",
        )
        for attempt in range(3):
            for name, values in radios.items():
                if name.startswith("workshop_") and values:
                    data[name] = person.rng.choice(values)
            response = await timed(timings, "POST binding registration", client.post(binding_url, data=data))
            if response.status_code != 200 or "ausgebucht" not in response.text or attempt == 2:
                break
            # Someone took the last seat meanwhile: like a person, pick another workshop from the
            # page that now shows it as full, and send again.
            timings["workshop full, chosen again"].latencies.append(0.0)
            data, radios = main_form(response.text)
        assert response.status_code == 302, (response.status_code, form_errors(response.text))
        await timed(timings, "GET personal page", client.get(response.headers["location"]))


def create_conference(slug):
    from django.utils import timezone

    from programme.models import Conference, Workshop, WorkshopPhase

    now = timezone.localtime()
    starts = (now + dt.timedelta(days=60)).replace(hour=10, minute=0, second=0, microsecond=0)
    conference = Conference.objects.create(
        slug=slug,
        title="Lasttest-Tagung",
        city="Köln",
        starts_at=starts,
        ends_at=starts + dt.timedelta(days=1, hours=6),
        places=PLACES,
        member_fee="250.00",
        non_member_fee="300.00",
        pre_registration_deadline=(starts - dt.timedelta(days=30)).date(),
        registration_deadline=(starts - dt.timedelta(days=10)).date(),
        programme_published=True,
        status=Conference.Status.PUBLISHED,
    )
    phase = WorkshopPhase.objects.create(
        conference=conference, number=1, title="Arbeitsphase", mode=WorkshopPhase.Mode.CHOOSE
    )
    for n in range(1, 5):
        Workshop.objects.create(phase=phase, title=f"Workshop {n}", room=f"Raum {n}", seat_limit=30)
    return conference


def check_database(conference, people):
    from django.db.models import Count

    from registrations.models import Invoice, OutgoingMail, Registration

    registrations = Registration.objects.filter(conference=conference)
    holding = registrations.filter(status=Registration.Status.HOLDS_PLACE).count()
    waiting = registrations.filter(status=Registration.Status.WAITING).count()
    binding = registrations.filter(stage=Registration.Stage.BINDING).count()
    confirmed = registrations.filter(email_confirmed_at__isnull=False).count()
    duplicates = list(
        registrations.values("email").annotate(n=Count("pk")).filter(n__gt=1).values_list("email", "n")
    )
    mails = OutgoingMail.objects.filter(registration__conference=conference)
    kinds = Counter(mails.values_list("kind", flat=True))
    without_two_mails = registrations.annotate(n=Count("mails")).filter(n__lt=2).count()
    invoices = Invoice.objects.filter(registration__conference=conference, kind=Invoice.Kind.INVOICE)
    places = min(people, PLACES)
    checks = [
        (f"exactly {places} hold places", holding == places, f"{holding} hold places, {waiting} waiting"),
        (f"{people} registrations, nobody twice", registrations.count() == people and not duplicates,
         f"{registrations.count()} registrations, duplicates: {duplicates or 'none'}"),
        ("all registered bindingly", binding == people, f"{binding} binding"),
        ("every address confirmed through the mail link", confirmed == people, f"{confirmed} confirmed"),
        ("every registration has its mails in the outbox", without_two_mails == 0,
         f"{mails.count()} mails ({dict(kinds)}), {without_two_mails} registrations with fewer than 2"),
        (f"{places} invoices with distinct numbers",
         invoices.count() == places and invoices.values("number").distinct().count() == places,
         f"{invoices.count()} invoices"),
    ]  # fmt: skip
    return checks


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=DEFAULT_DB)
    parser.add_argument("--people", type=int, default=300)
    parser.add_argument(
        "--concurrency",
        type=int,
        default=4,
        help="people filling in forms at the same time (closed loop: each sends the next request "
        "as soon as the last one is answered; more than the machine's cores only adds queueing)",
    )
    parser.add_argument(
        "--arrivals-per-minute",
        type=float,
        default=0,
        help="open loop: people arrive at this average rate (Poisson, seeded) instead of "
        "--concurrency people at a time; 300 people/min = 600 registrations/min",
    )
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--port", type=int, default=8197)
    parser.add_argument("--conn-max-age", type=int, default=0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep-database", action="store_true", help="reuse the database of an earlier run")
    args = parser.parse_args()

    print(f"Machine: {machine_facts()}")
    env = bench_env(args.database_url, workers=args.workers, port=args.port, conn_max_age=args.conn_max_age)
    if not args.keep_database:
        reset_database(args.database_url)
    prepare(env)  # migrations of a newer checkout, too
    os.environ.update(env)
    import django

    django.setup()
    logging.getLogger("httpx").setLevel(logging.WARNING)
    conference = create_conference(f"{SLUG}-{int(time.time())}")
    rng = random.Random(args.seed)
    people = [Person(n, random.Random(rng.random())) for n in range(1, args.people + 1)]
    kinds = [
        "GET pre-registration form",
        "POST pre-registration",
        "GET thank-you page",
        "GET mail link (confirms)",
        "GET binding form",
        "POST binding registration",
        "GET personal page",
        "workshop full, chosen again",
    ]
    timings = {kind: Timings() for kind in kinds}
    print(
        f"gunicorn: {args.workers} sync workers, CONN_MAX_AGE={args.conn_max_age}; "
        f"{args.people} people, "
        + (
            f"arriving at {args.arrivals_per_minute:g}/min (open loop)"
            if args.arrivals_per_minute
            else f"{args.concurrency} at a time"
        )
        + f", {PLACES} places\n"
    )

    async def burst(base):
        if args.arrivals_per_minute:
            # Open loop: each person starts at their arrival time, however busy the server is.
            semaphore = asyncio.Semaphore(len(people))
            arrivals, at = [], 0.0
            for _person in people:
                arrivals.append(at)
                at += rng.expovariate(args.arrivals_per_minute / 60)
        else:
            semaphore = asyncio.Semaphore(args.concurrency)
            arrivals = [0.0] * len(people)

        async def arrive(person, delay):
            await asyncio.sleep(delay)
            await one_person(base, conference.slug, person, timings, semaphore)

        results = await asyncio.gather(
            *(arrive(person, delay) for person, delay in zip(people, arrivals, strict=True)),
            return_exceptions=True,
        )
        return [r for r in results if isinstance(r, BaseException)]

    database = args.database_url.rsplit("/", 1)[1]
    with gunicorn(env, port=args.port, workers=args.workers) as base:
        app_before, db_before = server_cpu_seconds(gunicorn.master_pid, database)
        started, client_before = time.monotonic(), time.process_time()
        failures = asyncio.run(burst(base))
        elapsed, client_cpu = time.monotonic() - started, time.process_time() - client_before
        app_after, db_after = server_cpu_seconds(gunicorn.master_pid, database)

    completed = args.people - len(failures)
    everything = Timings(latencies=[x for k, t in timings.items() if k in kinds[:7] for x in t.latencies])
    posts = Timings(
        latencies=timings["POST pre-registration"].latencies + timings["POST binding registration"].latencies
    )
    print(f"{'request':<28} {'count':>6} {'p50':>10} {'p95':>10} {'errors':>7}")
    for kind, t in timings.items():
        print(f"{kind:<28} {t.count:6d} {ms(t.p50):>10} {ms(t.p95):>10} {t.errors:7d}")
    print(f"{'all requests':<28} {everything.count:6d} {ms(everything.p50):>10} {ms(everything.p95):>10}")
    print(f"{'all form POSTs':<28} {posts.count:6d} {ms(posts.p50):>10} {ms(posts.p95):>10}")
    people_per_minute = completed / elapsed * 60
    print(
        f"\n{completed} of {args.people} people through all steps (pre-registration, mail link, binding "
        f"registration) in {elapsed:.1f} s: {people_per_minute:.0f} people/min "
        f"({2 * people_per_minute:.0f} registrations/min), {everything.count / elapsed:.1f} requests/s"
    )
    app_cpu, db_cpu = app_after - app_before, db_after - db_before
    if completed:
        per_person = (app_cpu + db_cpu) / completed
        print(
            f"server CPU: {app_cpu:.1f} s gunicorn + {db_cpu:.1f} s PostgreSQL "
            f"= {per_person * 1000:.0f} ms per person (all steps); with the server alone on "
            f"{os.cpu_count()} cores that is at most {os.cpu_count() / per_person * 60:.0f} people/min"
            + ("" if args.conn_max_age else " (PostgreSQL undercounted: use --conn-max-age 60)")
        )
        share = client_cpu / (client_cpu + app_cpu + db_cpu)
        print(
            f"client CPU: {client_cpu:.1f} s = {client_cpu / completed * 1000:.0f} ms per person (same machine), "
            f"{share:.0%} of client + server CPU; load average after the run "
            + " / ".join(f"{x:.2f}" for x in os.getloadavg())
        )
        if share > 0.25:
            print(
                f"WARNING: the client used more than a quarter of the CPU ({share:.0%}): "
                "people/min and p95 are held down by the client on the same cores"
            )
    met = people_per_minute >= TARGET_PEOPLE_PER_MINUTE and everything.p95 < 0.3
    print(
        f"target >= {TARGET_PEOPLE_PER_MINUTE} people/min with p95 < 300 ms: {people_per_minute:.0f}/min, "
        f"p95 {ms(everything.p95).strip()} (all requests), {ms(posts.p95).strip()} (form POSTs): "
        f"{'MET' if met else 'MISSED'}"
    )
    for failure in failures[:5]:
        print(f"failure: {failure!r}")
    print()
    ok = not failures
    for label, passed, detail in check_database(conference, args.people):
        ok = ok and passed
        print(f"[{'ok' if passed else 'FAIL'}] {label}: {detail}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()

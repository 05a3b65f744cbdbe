"""`make bench`: time the main pages on a large generated council in PostgreSQL, at three
sizes, as ratios to a trivial page and to the raw-SQL floor, and under load on two app
servers sharing one database and one cache.

    python bench/run.py [--runs 5] [--only 1x|4x|10x] [--no-servers] [--reports] [--profile]

Three databases, created if missing: 1x (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/tracker_bench), 4x and 10x (the same name with `_4x`,
`_10x`). Each is migrated and filled by `manage.py generate_demo_data` unless its counts
already match (so only the first run waits: about 40 s at 1x, 7 min at 4x and 18 min at
10x on this machine under load). Each size is measured in its own Python process (Django
reads DATABASE_URL once), which writes its figures as JSON for this one to compare.

Per page, in the Django test Client signed in as a superuser with DEBUG off: the first
request after the cache is cleared ("cold"), then `--runs` rounds in which the trivial
page (the sign-in page), the page and the raw-SQL floor are timed one after another
("interleaved", so a change in the machine's load hits all three alike); the medians and
the ratios page/trivial and page/floor are reported with the load average. The floor is
one hand-written query giving the dashboard's per-plan action counts by status; its
counts must equal the dashboard's. At 1x also: PostgreSQL's JIT on and off for the
uncached dashboard and the filtered action table (interleaved), and then two gunicorn
servers on two ports against the same database and the shared cache: requests per second
for the trivial page and the dashboard spread over both (a Python load generator, six
connections), the API rate limit and the sign-in lock-out
counted once across both servers, a dashboard cached by one server read by the other,
and no errors. `--reports` adds the report files and the board pack (slow).
The figures go to the terminal and to /tmp/bench-results.txt.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/tracker_bench"
RESULTS = Path(tempfile.gettempdir()) / "bench-results.txt"
RAW = Path(tempfile.gettempdir()) / "bench-results.json"  # the figures, to report again
PROFILE = Path(tempfile.gettempdir()) / "bench-profile-dashboard"
SIZES = {
    "1x": {"plans": 20, "objectives": 400, "actions": 5000, "updates": 100_000,
           "measures": 300, "years": 5},
    "4x": {"plans": 80, "objectives": 1600, "actions": 20_000, "updates": 400_000,
           "measures": 1200, "years": 5},
    "10x": {"plans": 200, "objectives": 4000, "actions": 50_000, "updates": 1_000_000,
            "measures": 3000, "years": 5},
}  # fmt: skip
TRIVIAL = "/accounts/login/"  # the sign-in page: a template and no query
REPORT_FORMATS = ["html", "docx", "pdf", "xlsx", "csv"]
REPORT_ACTIONS = 500  # the report is timed on the plan nearest this many actions
TARGET_FLOOR_RATIO = 3
TARGET_REPORT_MS = 2000
TARGET_PACK_MS = 30_000

# Per plan, its actions counted by status as at a date, by the rules of
# improvement.history: of an action's updates that count (dated by then; needing no
# sign-off, or approved by then), the latest giving a status by (as_at, recorded_at, id);
# with counted updates but none giving a status, no status (''); with none, not started.
FLOOR_SQL = """
SELECT o.plan_id, COALESCE(latest.status, 'not_started') AS status, count(*)
FROM improvement_action a
JOIN improvement_objective o ON o.id = a.objective_id
LEFT JOIN (
    SELECT DISTINCT ON (u.action_id) u.action_id, u.status
    FROM improvement_progressupdate u
    LEFT JOIN improvement_signoff s ON s.update_id = u.id
    WHERE u.action_id IS NOT NULL
      AND u.as_at <= %(as_at)s
      AND (NOT u.needs_sign_off OR (s.decision = 'approved' AND s.decided_on <= %(as_at)s))
    ORDER BY u.action_id, (u.status <> '') DESC, u.as_at DESC, u.recorded_at DESC, u.id DESC
) latest ON latest.action_id = a.id
GROUP BY o.plan_id, 2
"""


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ------------------------------------------------------------------ orchestrator ----


def size_url(url: str, size: str) -> str:
    """The database for a size: 1x is `url` itself, the others `url` + `_4x`, `_10x`."""
    if size == "1x":
        return url
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + f"_{size}"))


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database `url` names, if it is missing."""
    import dj_database_url
    import psycopg2
    from psycopg2 import sql

    config = dj_database_url.parse(url)
    if "postgresql" not in config["ENGINE"]:
        raise SystemExit(f"bench needs PostgreSQL (the floor uses DISTINCT ON), not {url}")
    connection = psycopg2.connect(
        dbname="postgres",
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]])
        if cursor.fetchone() is None:
            log(f"Creating database {config['NAME']}")
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))
    connection.close()


def bench_env(url: str) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "0",  # as in production: no query log, no debug pages
        "STATIC_MANIFEST": "0",  # no collectstatic needed
        "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
    }


def run_worker(size: str, url: str, args) -> dict:
    ensure_database(url)
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as out:
        path = Path(out.name)
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", size, "--out", str(path)]
    command += ["--runs", str(args.runs)]
    command += ["--profile"] if args.profile and size == "1x" else []
    command += ["--reports"] if args.reports and size == "1x" else []
    log(f"\n== {size} size: {url}")
    finished = subprocess.run(command, env=bench_env(url), cwd=ROOT, check=False)  # noqa: S603
    if finished.returncode:
        path.unlink(missing_ok=True)
        raise SystemExit(f"The {size} measurement failed (see above).")
    result = json.loads(path.read_text())
    path.unlink()
    return result


def load_words(load) -> str:
    return "/".join(f"{x:.2f}" for x in load)


def report(results: dict[str, dict], servers: dict | None) -> str:
    lines = [f"machine: {os.cpu_count()} cores"]
    for size, result in results.items():
        c = result["counts"]
        lines.append(
            f"{size}: {c['plans']} plans, {c['objectives']:,} objectives, "
            f"{c['actions']:,} actions, {c['updates']:,} updates, {c['measures']:,} measures, "
            f"{c['data_points']:,} data points (database {result['database']}); load average "
            f"{load_words(result['load_before'])} before, {load_words(result['load_after'])} after"
        )
    for size, result in results.items():
        trivial, floor_ms = result["trivial_ms"], result["floor"]["median_ms"]
        lines += [
            "",
            f"{size}: each page timed between the trivial page ({TRIVIAL}: "
            f"{trivial:.1f} ms) and the raw-SQL floor ({floor_ms:.1f} ms), medians of "
            f"{result['runs']} rounds",
        ]
        header = (
            f"{'page':<40}{'cold ms':>9}{'ms':>9}{'x trivial':>11}{'x floor':>9}"
            f"{'queries':>9}{'KB':>7}"
        )
        lines += [header, "-" * len(header)]
        for page in result["pages"]:
            lines.append(
                f"{page['label']:<40}{page['cold_ms']:>9.0f}{page['median_ms']:>9.1f}"
                f"{page['median_ms'] / trivial:>11.1f}{page['median_ms'] / floor_ms:>9.1f}"
                f"{page['queries']:>9}{page['bytes'] / 1024:>7.0f}"
            )
        ok = result["floor"]["ok"]
        lines.append(f"floor counts equal the dashboard's: {'OK' if ok else 'DIFFERENT'}")
    if len(results) > 1:
        sizes = list(results)
        lines += ["", "how each page grows (warm ms, and cold ms, at each size; queries)"]
        header = f"{'page':<40}" + "".join(f"{s:>16}" for s in sizes) + f"{'queries':>16}"
        lines += [header, "-" * len(header)]
        by_size = {s: {p["key"]: p for p in results[s]["pages"]} for s in sizes}
        for page in results[sizes[0]]["pages"]:
            cells = []
            for s in sizes:
                q = by_size[s].get(page["key"])
                cells.append(f"{q['median_ms']:.0f} / {q['cold_ms']:.0f}" if q else "-")
            queries = sorted({by_size[s][page["key"]]["queries"] for s in sizes
                              if page["key"] in by_size[s]})  # fmt: skip
            same = "same" if len(queries) == 1 else "GROWS " + "->".join(map(str, queries))
            lines.append(f"{page['label']:<40}" + "".join(f"{c:>16}" for c in cells)
                         + f"{same:>16}")  # fmt: skip
        floors = " / ".join(f"{results[s]['floor']['median_ms']:.0f}" for s in sizes)
        lines.append(f"{'raw SQL floor':<40}{floors}")
    main = results.get("1x") or next(iter(results.values()))
    jit = main.get("jit")
    if jit:
        lines += ["", "PostgreSQL JIT, uncached (no cache), interleaved, median ms:"]
        for key, figures in jit["pages"].items():
            on, off = figures["on"], figures["off"]
            lines.append(
                f"  {key:<38} jit on {on:>8.0f}   jit off {off:>8.0f}   "
                f"off is {100 * (on - off) / on:.0f}% faster"
            )
    if servers:
        lines += ["", servers_section(servers)]
    files = main.get("files")
    if files:
        lines += ["", report_files_section(files)]
    return "\n".join(lines)


def servers_section(s: dict) -> str:
    lines = [
        f"two gunicorn servers ({s['workers']} workers each) on ports {s['ports'][0]} and "
        f"{s['ports'][1]}, one database, the shared cache ({s['cache']}); load average "
        f"{load_words(s['load'])}:",
        f"  requests/s over both, {s['connections']} connections for {s['seconds']} s each "
        f"({s['tool']}):",
    ]
    for key, r in s["rates"].items():
        lines.append(
            f"    {key:<36}{r['per_second']:>8.1f} req/s  {r['requests']:>6} requests, "
            f"{r['errors']} errors, {r['by_port'][0]} + {r['by_port'][1]} by server"
        )
    trivial = s["rates"]["trivial page"]["per_second"]
    for key, r in s["rates"].items():
        if key != "trivial page":
            lines.append(f"    {key} is {100 * r['per_second'] / trivial:.1f}% of the trivial page")
    lines.append(
        f"  API rate limit {s['api']['rate']} for one user, {s['api']['sent']} requests "
        f"alternating servers: {s['api']['ok']} answered, {s['api']['limited']} refused "
        f"(429): {'one limit across both' if s['api']['shared'] else 'NOT shared'}"
    )
    lines.append(
        f"  sign-in lock-out after {s['axes']['limit']} failures, alternating servers: "
        f"locked out at attempt {s['axes']['locked_at']}: "
        f"{'one count across both' if s['axes']['shared'] else 'NOT shared'}"
    )
    shared = s["shared_cache"]
    lines.append(
        f"  dashboard cached by one server, read by the other: {shared['first_ms']:.0f} ms "
        f"on port {s['ports'][0]} (cold), then {shared['second_ms']:.0f} ms on port "
        f"{s['ports'][1]}: {'shared' if shared['shared'] else 'NOT shared'}"
    )
    return "\n".join(lines)


def report_files_section(files: dict) -> str:
    load = "/".join(f"{x:.2f}" for x in files["load_before"])
    after = "/".join(f"{x:.2f}" for x in files["load_after"])
    cores = os.cpu_count()
    lines = [
        f"report files ({files['actions']} actions; load average 1/5/15 min {load} before, "
        f"{after} after, on {cores} cores):",
        f"  {'format':<10}{'median ms':>11}{'CPU ms':>9}{'bytes':>12}",
    ]
    for fmt, name in (("pdf", "PDF"), ("docx", "Word")):
        f = files[fmt]
        lines.append(f"  {name:<10}{f['median_ms']:>11.0f}{f['cpu_ms']:>9.0f}{f['bytes']:>12,}")
    pack = files.get("pack")
    if pack:
        for fmt, name in (("pdf", "PDF"), ("docx", "Word")):
            f = pack[fmt]
            verdict = "met" if f["ms"] < TARGET_PACK_MS else "NOT met"
            lines.append(
                f"  board pack, {pack['plans']} plans / {pack['actions']:,} actions, {name}: "
                f"{f['ms']:.0f} ms (CPU {f['cpu_ms']:.0f} ms, {f['bytes']:,} bytes); "
                f"under {TARGET_PACK_MS // 1000} s: {verdict}"
            )
    lines.append(
        "  (CPU includes the Typst child process; with load above the core count the wall "
        "time stretches, the CPU time much less)"
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="timed rounds per page")
    parser.add_argument("--only", choices=list(SIZES), help="measure one size only")
    parser.add_argument("--no-servers", action="store_true", help="skip the two-server run")
    parser.add_argument("--reports", action="store_true", help="also time report files (1x)")
    parser.add_argument("--profile", action="store_true", help="profile the dashboard (1x)")
    parser.add_argument("--seconds", type=int, default=10, help="load per page, two servers")
    parser.add_argument("--worker", choices=list(SIZES), help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--report-again", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.report_again:  # the last run's figures, reported again (after editing report())
        raw = json.loads(RAW.read_text())
        print(report(raw["results"], raw["servers"]))
        return
    if args.worker:
        worker(args.worker, Path(args.out), args)
        return

    base = os.environ.get("BENCH_DATABASE_URL") or DEFAULT_URL
    started = time.monotonic()
    results = {
        size: run_worker(size, size_url(base, size), args)
        for size in SIZES
        if args.only in (None, size)
    }
    servers = None
    if not args.no_servers and args.only in (None, "1x"):
        sys.path.insert(0, str(ROOT))
        from bench.servers import two_servers

        servers = two_servers(bench_env(size_url(base, "1x")), seconds=args.seconds)
    RAW.write_text(json.dumps({"results": results, "servers": servers}))
    text = report(results, servers)
    print("\n" + text)
    stamp = time.strftime("%Y-%m-%d %H:%M")
    RESULTS.write_text(f"make bench, {stamp}, {time.monotonic() - started:.0f} s\n\n{text}\n")
    print(f"\nFigures written to {RESULTS}")
    if args.profile:
        print(f"Dashboard profile: {PROFILE}.txt and {PROFILE}.html")


# ------------------------------------------------------------------------ worker ----


def worker(size: str, out: Path, args) -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    log("Migrating")
    call_command("migrate", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)
    ensure_data(SIZES[size])
    from improvement.management.commands.generate_demo_data import analyse

    analyse()  # fresh planner statistics, as autovacuum would keep them (it may be off)
    vacuum_timeline()
    load_before = os.getloadavg()
    result = measure(args.runs, reports=args.reports)
    if size == "1x":
        result["jit"] = jit_figures(args.runs)
    result["database"] = os.environ["DATABASE_URL"].rsplit("/", 1)[-1]
    result["load_before"], result["load_after"] = load_before, os.getloadavg()
    result["runs"] = args.runs
    if args.profile:
        profile_dashboard()
    out.write_text(json.dumps(result))


def vacuum_timeline() -> None:
    """VACUUM the status timeline, as autovacuum would after a bulk load: its range index
    answers "every row holding on a day" by an index-only scan, which needs the table's
    visibility map (until then each row found is also read from the table)."""
    from django.db import connection

    from improvement.models import StatusInterval

    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(StatusInterval._meta.db_table)}")


def counts() -> dict[str, int]:
    from improvement.management.commands.generate_demo_data import PLAN_PREFIX
    from improvement.models import Action, Objective, Plan, ProgressUpdate
    from metrics.models import DataPoint, Measure

    plans = Plan.objects.filter(slug__startswith=PLAN_PREFIX)
    return {
        "plans": plans.count(),
        "objectives": Objective.objects.filter(plan__in=plans).count(),
        "actions": Action.objects.filter(objective__plan__in=plans).count(),
        "updates": ProgressUpdate.objects.filter(action__objective__plan__in=plans).count()
        + ProgressUpdate.objects.filter(objective__plan__in=plans).count(),
        "measures": Measure.objects.filter(plan__in=plans).count(),
        "data_points": DataPoint.objects.filter(measure__plan__in=plans).count(),
    }


def ensure_data(sizes: dict[str, int]) -> None:
    """Generate the data unless it is there already at these sizes and recent."""
    import datetime

    from django.core.management import call_command
    from django.db.models import Max
    from django.utils import timezone

    from improvement.models import ProgressUpdate

    have = counts()
    wanted = {k: v for k, v in sizes.items() if k != "years"}
    wanted["data_points"] = sizes["measures"] * 12 * sizes["years"]
    latest = ProgressUpdate.objects.aggregate(m=Max("as_at"))["m"]
    fresh = latest is not None and latest >= timezone.localdate() - datetime.timedelta(days=45)
    if all(have[k] == v for k, v in wanted.items()) and fresh:
        log(f"Data already there: {have}")
        return
    log(f"Generating data (have {have}, want {wanted}); this takes a while at full size")
    call_command("generate_demo_data", replace=True, seed=1, **sizes)


def timed(fn, runs: int) -> tuple[float, object]:
    """Median milliseconds of `runs` calls after one warm-up, and the last result."""
    result = fn()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), result


def measure(runs: int, *, reports: bool = False) -> dict:
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from improvement.dashboard import build_dashboard
    from improvement.management.commands.generate_demo_data import PLAN_PREFIX
    from improvement.models import Plan
    from improvement.periods import previous_period
    from metrics.models import Measure

    User = get_user_model()
    admin, _ = User.objects.get_or_create(
        username="bench-admin", defaults={"is_superuser": True, "is_staff": True}
    )
    client, anonymous = Client(), Client()
    client.force_login(admin)

    sized = list(
        Plan.objects.filter(slug__startswith=PLAN_PREFIX)
        .annotate(n=Count("objectives__actions"))
        .order_by("-n", "slug")
    )
    largest = sized[0]
    for_plan_page = min(sized, key=lambda p: (abs(p.n - REPORT_ACTIONS), p.slug))
    measure = Measure.objects.filter(plan=largest).exclude(unit="text").order_by("pk").first()

    pages = [
        ("dashboard", "dashboard", "/dashboard/"),
        ("plan", f"plan page ({for_plan_page.n} actions)", f"/plans/{for_plan_page.slug}/"),
        ("plan-largest", f"largest plan page ({largest.n} actions)", f"/plans/{largest.slug}/"),
        ("plans", "plans list", "/plans/"),
        ("actions", "action table, first page", "/actions/"),
        ("actions-filtered", "action table, off track, by due date",
         "/actions/?status=off_track&sort=due_date"),
        ("measure", "measure page", f"/measures/{measure.pk}/"),
        ("measures", "measures list", "/measures/"),
    ]  # fmt: skip

    def get(url, who=client):
        response = who.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        body = b"".join(response.streaming_content) if response.streaming else response.content
        return len(body)

    def clock(fn) -> float:
        started = time.perf_counter()
        fn()
        return (time.perf_counter() - started) * 1000

    today = timezone.localdate()
    get(TRIVIAL, anonymous)
    floor_counts(today)
    figures, trivial_all, floor_all = [], [], []
    for key, label, url in pages:
        log(f"Timing {label}: {url}")
        cache.clear()
        cold = clock(lambda url=url: get(url))
        times = []
        for _ in range(runs):
            trivial_all.append(clock(lambda: get(TRIVIAL, anonymous)))
            times.append(clock(lambda url=url: get(url)))
            floor_all.append(clock(lambda: floor_counts(today)))
        with CaptureQueriesContext(connection) as queries:
            size = get(url)
        figures.append(
            {"key": key, "label": label, "url": url, "cold_ms": cold,
             "median_ms": statistics.median(times), "queries": len(queries), "bytes": size,
             "shapes": shapes(queries.captured_queries)}
        )  # fmt: skip

    # The raw SQL floor's counts checked against the dashboard's own numbers.
    compare = previous_period(Plan.objects.order_by("pk").first(), today)
    dates = [today] + ([compare.end] if compare else [])
    ok = True
    for day in dates:
        board = build_dashboard(admin, day, None)
        # What the dashboard shows: its bar of actions by status (the aggregate over the
        # status timeline, history.action_status_counts).
        theirs = {
            row.plan.pk: {(s.status.value if s.status else ""): s.count for s in row.segments}
            for row in board.rows
        }
        ours = floor_counts(day)
        for plan_id in theirs.keys() | ours.keys():
            if theirs.get(plan_id, {}) != ours.get(plan_id, {}):
                ok = False
                log(f"DIFFERENT as at {day} for plan {plan_id}: "
                    f"dashboard {theirs.get(plan_id)} floor {ours.get(plan_id)}")  # fmt: skip
    assert ok, "the raw SQL floor's counts differ from the dashboard's"
    log("Floor counts equal the dashboard's: OK")
    files = None
    if reports:
        try:
            reverse("plan-report", kwargs={"slug": for_plan_page.slug})
            files = report_files(admin, for_plan_page, runs)
        except Exception as error:  # noqa: BLE001 - the figures are optional
            log(f"report files not timed: {error}")
    return {
        "counts": counts(),
        "files": files,
        "pages": figures,
        "trivial_ms": statistics.median(trivial_all),
        "floor": {"median_ms": statistics.median(floor_all), "ok": ok,
                  "dates": [d.isoformat() for d in dates]},
    }  # fmt: skip


def jit_figures(runs: int) -> dict:
    """The uncached dashboard and the filtered action table with PostgreSQL's JIT on and
    off, interleaved (the cache is a dummy here, so every request does the work)."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client, override_settings

    client = Client()
    client.force_login(get_user_model().objects.get(username="bench-admin"))
    urls = {
        "dashboard (uncached)": "/dashboard/",
        "action table, off track, by due date": "/actions/?status=off_track&sort=due_date",
    }
    figures = {}
    dummy = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    with override_settings(CACHES=dummy):
        for label, url in urls.items():
            log(f"JIT on and off: {label}")
            times = {"on": [], "off": []}
            for _ in range(max(3, runs // 2)):
                for setting in ("on", "off"):
                    with connection.cursor() as cursor:
                        cursor.execute(f"SET jit = {setting}")
                    started = time.perf_counter()
                    assert client.get(url).status_code == 200
                    times[setting].append((time.perf_counter() - started) * 1000)
            figures[label] = {k: statistics.median(v) for k, v in times.items()}
    with connection.cursor() as cursor:
        cursor.execute("SET jit = off")
    return {"pages": figures}


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (Typst runs in a child)."""
    import resource

    me, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def report_files(admin, plan, runs: int) -> dict:
    """The report formats section: the 500-action report to PDF and to Word as a user
    waits for it (the download), wall and CPU time (with the Typst child's), and the load
    average while they ran, since a loaded machine stretches the wall time."""
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(admin)
    url = reverse("plan-report", kwargs={"slug": plan.slug})
    figures = {"load_before": os.getloadavg(), "actions": plan.n}
    for fmt in ("pdf", "docx"):
        log(f"Timing the {plan.n}-action report as .{fmt} (report files)")
        walls, cpus, size = [], [], 0
        client.get(f"{url}?format={fmt}")  # warm-up
        for _ in range(runs):
            started, cpu = time.perf_counter(), cpu_seconds()
            response = client.get(f"{url}?format={fmt}")
            walls.append((time.perf_counter() - started) * 1000)
            cpus.append((cpu_seconds() - cpu) * 1000)
            size = len(response.content)
        figures[fmt] = {
            "median_ms": statistics.median(walls),
            "cpu_ms": statistics.median(cpus),
            "bytes": size,
        }
    figures["pack"] = board_pack_figures(admin)
    figures["load_after"] = os.getloadavg()
    return figures


def board_pack_figures(admin) -> dict:
    """The whole-council board pack (every generated plan), made as the worker makes it
    (`board_pack.build`), once as PDF and once as Word."""
    from improvement.board_pack import build
    from improvement.management.commands.generate_demo_data import PLAN_PREFIX
    from improvement.models import Action, BoardPack, Plan

    plans = list(Plan.objects.filter(slug__startswith=PLAN_PREFIX))
    figures = {
        "plans": len(plans),
        "actions": Action.objects.filter(objective__plan__in=plans).count(),
    }
    for fmt in ("pdf", "docx"):
        log(f"Making the whole-council board pack as .{fmt} ({len(plans)} plans)")
        pack = BoardPack.objects.create(
            title="Bench: whole council", as_at=date.today(), format=fmt,
            requested_by=admin, progress_total=len(plans) + 1,
        )  # fmt: skip
        pack.plans.set(plans)
        started, cpu = time.perf_counter(), cpu_seconds()
        build(pack)
        figures[fmt] = {
            "ms": (time.perf_counter() - started) * 1000,
            "cpu_ms": (cpu_seconds() - cpu) * 1000,
            "bytes": pack.size,
        }
        pack.delete()
    return figures


def shapes(queries: list[dict]) -> dict[str, int]:
    """How often each query was run, numbers and quoted values masked."""
    import re

    def mask(sql: str) -> str:
        sql = re.sub(r"'[^']*'|\b\d+\b", "?", sql)
        sql = re.sub(r"\(\?(, \?)*\)", "(...)", sql)  # IN lists of any length
        return re.sub(r'"_django_curs_\w+"', "cursor", sql)  # server-side cursor names

    masked = (mask(q["sql"]) for q in queries)
    counts: dict[str, int] = {}
    for sql in masked:
        counts[sql] = counts.get(sql, 0) + 1
    return counts


def floor_counts(day) -> dict[int, dict[str, int]]:
    from django.db import connection

    result: dict[int, dict[str, int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(FLOOR_SQL, {"as_at": day})
        for plan_id, status, n in cursor.fetchall():
            result.setdefault(plan_id, {})[status] = n
    return result


def profile_dashboard() -> None:
    try:
        from pyinstrument import Profiler
    except ImportError:
        log("pyinstrument is not installed: .venv/bin/pip install pyinstrument")
        return
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username="bench-admin"))
    client.get("/dashboard/")
    profiler = Profiler(interval=0.001)
    profiler.start()
    client.get("/dashboard/")
    profiler.stop()
    Path(f"{PROFILE}.txt").write_text(profiler.output_text(unicode=True, color=False))
    Path(f"{PROFILE}.html").write_text(profiler.output_html())
    log(f"Profile written to {PROFILE}.txt")


if __name__ == "__main__":
    main()

"""`make bench`: time the main pages on a large generated council in PostgreSQL.

    python bench/run.py [--runs 5] [--only full|small] [--profile]

Two databases, created if missing: the full size (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/tracker_bench) and a small one
(BENCH_SMALL_DATABASE_URL, default: the same name with `_small`). Each is migrated and
filled by `manage.py generate_demo_data` unless its counts already match (so only the
first run waits for the data). Each size is measured in its own Python process (Django
reads DATABASE_URL once), which writes its figures as JSON for this one to compare.

Per page: one warm-up request, then the median of `--runs` timed requests (the Django
test Client, signed in as a superuser, with DEBUG off), and the queries of one more
request (CaptureQueriesContext). The dashboard's "raw SQL floor" is one hand-written
query giving the same per-plan action counts by status; its counts must equal the
dashboard's. The figures go to the terminal and to /tmp/bench-results.txt.
`--profile` also profiles one dashboard request at full size with pyinstrument (install
it into .venv with pip; it is not a project dependency).
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
PROFILE = Path(tempfile.gettempdir()) / "bench-profile-dashboard"
SIZES = {
    "small": {"plans": 4, "objectives": 16, "actions": 100, "updates": 1000, "measures": 10,
              "years": 2},
    "full": {"plans": 20, "objectives": 400, "actions": 5000, "updates": 100_000,
             "measures": 300, "years": 5},
}  # fmt: skip
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


def small_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "_small"))


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


def run_worker(size: str, url: str, runs: int, profile: bool) -> dict:
    ensure_database(url)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "0",  # as in production: no query log, no debug pages
        "STATIC_MANIFEST": "0",  # no collectstatic needed
        "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
    }
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as out:
        path = Path(out.name)
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", size, "--out", str(path)]
    command += ["--runs", str(runs)] + (["--profile"] if profile else [])
    log(f"\n== {size} size: {url}")
    finished = subprocess.run(command, env=env, cwd=ROOT, check=False)  # noqa: S603 - ours
    if finished.returncode:
        path.unlink(missing_ok=True)
        raise SystemExit(f"The {size}-size measurement failed (see above).")
    result = json.loads(path.read_text())
    path.unlink()
    return result


def report(results: dict[str, dict]) -> str:
    full, small = results.get("full"), results.get("small")
    main = full or small
    lines = []
    for size, result in results.items():
        c = result["counts"]
        lines.append(
            f"{size} size: {c['plans']} plans, {c['objectives']:,} objectives, "
            f"{c['actions']:,} actions, {c['updates']:,} updates, {c['measures']} measures, "
            f"{c['data_points']:,} data points (database {result['database']})"
        )
    lines.append("")
    header = f"{'page':<44}{'median ms':>11}{'queries':>9}{'small q':>9}  same?"
    lines += [header, "-" * len(header)]
    small_queries = {p["key"]: p["queries"] for p in small["pages"]} if small else {}
    differ = []
    for page in main["pages"]:
        sq = small_queries.get(page["key"])
        same = "" if sq is None or page is None else ("yes" if sq == page["queries"] else "NO")
        if same == "NO":
            differ.append(page["key"])
        lines.append(
            f"{page['label']:<44}{page['median_ms']:>11.1f}{page['queries']:>9}"
            f"{'' if sq is None else sq:>9}  {same}"
        )
    if small and full:
        small_pages = {p["key"]: p for p in small["pages"]}
        for page in full["pages"]:
            if page["key"] not in differ:
                continue
            lines.append(f"  {page['label']}: queries run more often at full size:")
            for sql, n in page["shapes"].items():
                m = small_pages[page["key"]]["shapes"].get(sql, 0)
                if n > m:
                    lines.append(f"    {m} -> {n} times: {sql[:150]}")
    floor = main["floor"]
    lines.append(
        f"{'raw SQL floor (dashboard counts, 1 query)':<44}{floor['median_ms']:>11.1f}{1:>9}"
    )
    lines.append("")
    for note in main["notes"]:
        lines.append(f"note: {note}")
    lines.append(
        f"dashboard build_dashboard() alone (no template): {main['build_ms']:.1f} ms; "
        f"plan_states_as_at() for all plans once: {main['states_ms']:.1f} ms"
    )
    lines.append(f"floor counts equal the dashboard's: {'OK' if floor['ok'] else 'DIFFERENT'} "
                 f"(checked as at {', '.join(floor['dates'])})")  # fmt: skip
    lines.append("")
    lines.append(f"targets ({'full' if full else 'small'} size):")
    if small and full:
        verdict = "met" if not differ else f"NOT met: {', '.join(differ)} differ"
        lines.append(f"  query counts constant in data size (small vs full): {verdict}")
    dashboard = next(p for p in main["pages"] if p["key"] == "dashboard")
    ratio = dashboard["median_ms"] / floor["median_ms"]
    lines.append(
        f"  dashboard under {TARGET_FLOOR_RATIO}x its raw-SQL floor: {ratio:.1f}x "
        f"({dashboard['median_ms']:.0f} ms / {floor['median_ms']:.1f} ms): "
        f"{'met' if ratio < TARGET_FLOOR_RATIO else 'NOT met'}"
    )
    files = main.get("files")
    for fmt in ("docx", "pdf"):
        if not files:
            lines.append(f"  {REPORT_ACTIONS}-action report as .{fmt} under 2 s: not measured")
        else:
            ms = files[fmt]["median_ms"]
            verdict = "met" if ms < TARGET_REPORT_MS else "NOT met"
            lines.append(
                f"  {files['actions']}-action report as .{fmt} under 2 s: {ms:.0f} ms "
                f"(CPU {files[fmt]['cpu_ms']:.0f} ms): {verdict}"
            )
    if files:
        lines += ["", report_files_section(files)]
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
    parser.add_argument("--runs", type=int, default=5, help="timed requests per page")
    parser.add_argument("--only", choices=list(SIZES), help="measure one size only")
    parser.add_argument("--profile", action="store_true", help="profile the dashboard (full)")
    parser.add_argument("--worker", choices=list(SIZES), help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, Path(args.out), args.runs, args.profile)
        return

    full_url = os.environ.get("BENCH_DATABASE_URL") or DEFAULT_URL
    urls = {"small": os.environ.get("BENCH_SMALL_DATABASE_URL") or small_url(full_url),
            "full": full_url}  # fmt: skip
    started = time.monotonic()
    results = {
        size: run_worker(size, urls[size], args.runs, args.profile and size == "full")
        for size in SIZES
        if args.only in (None, size)
    }
    text = report(results)
    print("\n" + text)
    stamp = time.strftime("%Y-%m-%d %H:%M")
    RESULTS.write_text(f"make bench, {stamp}, {time.monotonic() - started:.0f} s\n\n{text}\n")
    print(f"\nFigures written to {RESULTS}")
    if args.profile:
        print(f"Dashboard profile: {PROFILE}.txt and {PROFILE}.html")


# ------------------------------------------------------------------------ worker ----


def worker(size: str, out: Path, runs: int, profile: bool) -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    log("Migrating")
    call_command("migrate", verbosity=0, interactive=False)
    ensure_data(SIZES[size])
    from improvement.management.commands.generate_demo_data import analyse

    analyse()  # fresh planner statistics, as autovacuum would keep them (it may be off)
    result = measure(runs)
    result["database"] = os.environ["DATABASE_URL"].rsplit("/", 1)[-1]
    if profile:
        profile_dashboard()
    out.write_text(json.dumps(result))


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


def measure(runs: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import NoReverseMatch, reverse
    from django.utils import timezone

    from improvement.dashboard import build_dashboard, previous_period
    from improvement.history import plan_states_as_at
    from improvement.management.commands.generate_demo_data import PLAN_PREFIX
    from improvement.models import Plan
    from metrics.models import Measure

    User = get_user_model()
    admin, _ = User.objects.get_or_create(
        username="bench-admin", defaults={"is_superuser": True, "is_staff": True}
    )
    client = Client()
    client.force_login(admin)

    sized = list(
        Plan.objects.filter(slug__startswith=PLAN_PREFIX)
        .annotate(n=Count("objectives__actions"))
        .order_by("-n", "slug")
    )
    largest = sized[0]
    for_report = min(sized, key=lambda p: (abs(p.n - REPORT_ACTIONS), p.slug))
    measure = Measure.objects.filter(plan=largest).exclude(unit="text").order_by("pk").first()

    pages = [
        ("dashboard", "dashboard", "/dashboard/"),
        ("plan", f"plan page ({largest.n} actions)", f"/plans/{largest.slug}/"),
        ("actions", "action table, first page", "/actions/"),
        ("actions-filtered", "action table, off track, by due date",
         "/actions/?status=off_track&sort=-due_date"),
        ("measure", "measure page", f"/measures/{measure.pk}/"),
        ("measures", "measures list", "/measures/"),
    ]  # fmt: skip
    notes = []
    try:
        report_url = reverse("plan-report", kwargs={"slug": for_report.slug})
    except NoReverseMatch:
        report_url = None
        notes.append('the URL "plan-report" does not exist yet: reports not timed')
    if report_url:
        for fmt in REPORT_FORMATS:
            pages.append(
                (f"report-{fmt}", f"report .{fmt} ({for_report.n} actions)",
                 f"{report_url}?format={fmt}")
            )  # fmt: skip

    figures = []
    for key, label, url in pages:
        log(f"Timing {label}: {url}")

        def get(url=url):
            response = client.get(url)
            if response.status_code != 200:
                raise SystemExit(f"{url} answered {response.status_code}")
            body = b"".join(response.streaming_content) if response.streaming else response.content
            return len(body)

        median_ms, size = timed(get, runs)
        with CaptureQueriesContext(connection) as queries:
            get()
        figures.append(
            {"key": key, "label": label, "url": url, "median_ms": median_ms,
             "queries": len(queries), "bytes": size,
             "actions": for_report.n if key.startswith("report") else None,
             "shapes": shapes(queries.captured_queries)}
        )  # fmt: skip

    # The raw SQL floor, and the dashboard's own numbers to check it against.
    today = timezone.localdate()
    compare = previous_period(today)
    dates = [today] + ([compare.end] if compare else [])
    ok = True
    for day in dates:
        board = build_dashboard(admin, day, None)
        theirs = {
            row.plan.pk: {
                (s.value if s else ""): n for s, n in row.state.action_counts.items() if n
            }
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
    floor_ms, _ = timed(lambda: floor_counts(today), runs)
    build_ms, _ = timed(lambda: build_dashboard(admin, today, compare), max(1, runs // 2))
    states_ms, _ = timed(
        lambda: plan_states_as_at(Plan.objects.visible_to(admin), today), max(1, runs // 2)
    )
    files = report_files(admin, for_report, runs) if report_url else None
    return {
        "counts": counts(),
        "files": files,
        "pages": figures,
        "floor": {"median_ms": floor_ms, "ok": ok, "dates": [d.isoformat() for d in dates]},
        "build_ms": build_ms,
        "states_ms": states_ms,
        "notes": notes,
    }


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

"""How long a plan workbook import takes as it grows: the numbers the row limits
(`improvement/workbook/format.py`) are chosen from.

    python bench/import_size.py [--sizes 2000,6000,6500,12000] [--database URL]

Against PostgreSQL (default postgres://postgres@127.0.0.1:5432/tracker_import_bench,
created and migrated if missing), signed in as a superuser through the Django test
Client with DEBUG off, exactly as the import page runs under gunicorn (minus the
network), for each size N:

- a workbook of a new plan with N actions (100 to an objective), N milestones and N
  progress updates (one per action, as at a past date: an administrator's history),
  written by openpyxl as Excel would save it;
- "upload": POST to the import page (the dry run, and the upload kept for confirming);
- "confirm": POST the confirmation (the dry run again under a lock, compared with the
  first, then every row saved with its history);
- "again": the same workbook uploaded again (every row unchanged);
- "change": every action's title changed, uploaded and confirmed (N updates in bulk).

The workbook row cap (`format.MAX_ROWS`, rows in all the sheets) is lifted in this
process so that sizes beyond it can be measured too; the report marks them.

Each figure is one run in seconds (the imports change the data, so they cannot be
repeated like page timings): wall-clock time, and beside it the CPU time of this Python
process (the app server's share; PostgreSQL's own work is in the wall time only), which
a busy shared machine inflates far less. The load average is printed with them. Every
request must answer well inside gunicorn's 30-second timeout. The plan is deleted after
each size. Figures go to the terminal and to /tmp/bench-import-size.txt.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/tracker_import_bench"
RESULTS = Path(tempfile.gettempdir()) / "bench-import-size.txt"
GUNICORN_TIMEOUT = 30.0
LIMIT = 0  # the row cap in force (format.MAX_ROWS), read when Django is set up
SLUG = "bench-import-size"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def workbook(actions: int, *, title: str = "Action") -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    plan = book.create_sheet("Plan")
    for row in [
        ["Field", "Value"],
        ["Slug", SLUG],
        ["Title", "Import size bench"],
        ["Organisation", "Bench Council"],
        ["Kind", "Action plan"],
        ["Start date", date(2020, 1, 1)],
    ]:
        plan.append(row)
    objectives = book.create_sheet("Objectives")
    objectives.append(["Reference", "Title", "Description"])
    count = max(1, actions // 100)
    for o in range(1, count + 1):
        objectives.append([str(o), f"Objective {o}", "Improve the service for children."])
    sheet = book.create_sheet("Actions")
    sheet.append(["Objective", "Reference", "Title", "Responsible", "Timescale", "Due date"])
    milestones = book.create_sheet("Milestones")
    milestones.append(["Objective", "Action", "Title", "Due date", "Completed on"])
    updates = book.create_sheet("Updates")
    updates.append(["Update ref", "Objective", "Action", "As at", "Status", "Progress"])
    due = date(2026, 3, 31)
    as_at = date.today() - timedelta(days=40)
    for a in range(actions):
        objective, reference = str(a % count + 1), f"{a % count + 1}.{a // count + 1}"
        sheet.append([objective, reference, f"{title} {reference}: recruit and keep staff",
                      "Head of service", "Quarter 2", due])  # fmt: skip
        milestones.append([objective, reference, "Plan agreed", due, None])
        updates.append([str(a + 1), objective, reference, as_at, "On track",
                        "Four social workers appointed; two more interviews booked."])  # fmt: skip
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rows(actions: int) -> int:
    """Rows in the workbook, in all its sheets, headings included (as the cap counts)."""
    return 6 + (1 + max(1, actions // 100)) + 3 * (1 + actions)


def measure(sizes: list[int]) -> list[dict]:
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from improvement.models import Action, PendingImport, Plan
    from improvement.plan_files import _delete_plan

    User = get_user_model()  # noqa: N806
    admin = User.objects.filter(username="bench-import").first() or User.objects.create_superuser(
        "bench-import", "bench-import@example.org", None
    )
    client = Client()
    client.force_login(admin)

    def timed(post, *args) -> tuple[tuple[float, float], object]:
        wall, cpu = time.perf_counter(), time.process_time()
        response = post(*args)
        return (time.perf_counter() - wall, time.process_time() - cpu), response

    def upload(data: bytes):
        return timed(
            client.post,
            "/plan-workbooks/import/",
            {"workbook": SimpleUploadedFile("plan.xlsx", data)},
        )

    def confirm():
        pending = PendingImport.objects.filter(uploaded_by=admin).order_by("-uploaded_at").first()
        return timed(client.post, "/plan-workbooks/import/confirm/", {"token": str(pending.token)})

    def expect(response, status: int, what: str) -> None:
        if response.status_code != status:
            body = response.content.decode(errors="replace")
            raise SystemExit(f"{what}: HTTP {response.status_code}\n{body[:3000]}")

    results = []
    for n in sizes:
        existing = Plan.objects.filter(slug=SLUG).first()
        if existing:
            _delete_plan(existing)
        data = workbook(n)
        log(f"\n== {n:,} actions, {n:,} milestones, {n:,} updates ({len(data) / 1e6:.2f} MB)")
        row = {"n": n, "mb": len(data) / 1e6, "load": os.getloadavg()[0], "rows": rows(n)}
        row["upload"], response = upload(data)
        expect(response, 200, "upload")
        log(f"upload (dry run) {show(row['upload'])}")
        row["confirm"], response = confirm()
        expect(response, 302, "confirm")
        log(f"confirm {show(row['confirm'])}")
        assert Action.objects.filter(objective__plan__slug=SLUG).count() == n
        row["again"], response = upload(data)
        expect(response, 200, "upload again")
        log(f"upload again, all unchanged {show(row['again'])}")
        row["change_upload"], response = upload(workbook(n, title="Renamed action"))
        expect(response, 200, "upload a change")
        row["change_confirm"], response = confirm()
        expect(response, 302, "confirm a change")
        log(f"change every action: upload {show(row['change_upload'])}, "
            f"confirm {show(row['change_confirm'])}")  # fmt: skip
        _delete_plan(Plan.objects.get(slug=SLUG))
        results.append(row)
    return results


def show(figures: tuple[float, float]) -> str:
    return f"{figures[0]:.1f} s ({figures[1]:.1f} s CPU)"


STEPS = ["upload", "confirm", "again", "change_upload", "change_confirm"]


def report(results: list[dict], database: str) -> str:
    lines = [
        f"Plan workbook import on PostgreSQL ({database}), one run each: wall seconds "
        f"(CPU seconds of the app process); gunicorn's timeout is {GUNICORN_TIMEOUT:.0f} s",
        "",
        f"{'N':>7}{'rows':>8}{'MB':>6}{'load':>6}"
        + "".join(f"{name:>16}" for name in ["upload", "confirm", "again", "chg upload",
                                               "chg confirm"])
        + "  worst wall",
    ]  # fmt: skip
    for r in results:
        worst = max(r[step][0] for step in STEPS)
        lines.append(
            f"{r['n']:>7,}{r['rows']:>8,}{r['mb']:>6.2f}{r['load']:>6.1f}"
            + "".join(f"{r[s][0]:>9.1f} ({r[s][1]:>4.1f})" for s in STEPS)
            + f"  {worst / GUNICORN_TIMEOUT:.0%} of the timeout"
            + ("" if r["rows"] <= LIMIT else "  (over the row cap: refused in use)")
        )
    lines += [
        "",
        "N actions (100 to an objective), N milestones and N updates; rows in all sheets, "
        f"as the cap counts them (format.MAX_ROWS = {LIMIT:,}).",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="2000,6000,6500,12000", help="comma-separated N")
    parser.add_argument("--database", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    from run import ensure_database

    ensure_database(args.database)
    os.environ.update(
        {
            "DATABASE_URL": args.database,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "0",
            "STATIC_MANIFEST": "0",
            "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
        }
    )
    import django

    django.setup()
    from django.core.management import call_command

    from improvement.workbook import format as fmt

    global LIMIT
    LIMIT = fmt.MAX_ROWS
    fmt.MAX_ROWS = 10**7  # measured beyond the cap too; the report says which are
    log("Migrating")
    call_command("migrate", verbosity=0, interactive=False)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    text = report(measure(sizes), args.database.rsplit("/", 1)[-1])
    print("\n" + text)
    stamp = time.strftime("%Y-%m-%d %H:%M")
    RESULTS.write_text(f"bench/import_size.py, {stamp}\n\n{text}\n")
    print(f"\nFigures written to {RESULTS}")


if __name__ == "__main__":
    main()

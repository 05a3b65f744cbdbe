"""How long a plan workbook import takes as it grows: the numbers the row limits
(`improvement/workbook/format.py`) are chosen from.

    python bench/import_size.py [--sizes 6000,12000,20000] [--database URL]

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

Each figure is one run in seconds (the imports change the data, so they cannot be
repeated like page timings); run it twice to see the spread. Every request must answer
well inside gunicorn's 30-second timeout on this machine. The plan is deleted after
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

    def upload(data: bytes) -> tuple[float, object]:
        started = time.perf_counter()
        response = client.post(
            "/plan-workbooks/import/", {"workbook": SimpleUploadedFile("plan.xlsx", data)}
        )
        return time.perf_counter() - started, response

    def confirm() -> tuple[float, object]:
        pending = PendingImport.objects.filter(uploaded_by=admin).order_by("-uploaded_at").first()
        started = time.perf_counter()
        response = client.post("/plan-workbooks/import/confirm/", {"token": str(pending.token)})
        return time.perf_counter() - started, response

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
        row = {"n": n, "mb": len(data) / 1e6}
        row["upload"], response = upload(data)
        expect(response, 200, "upload")
        log(f"upload (dry run) {row['upload']:.1f} s")
        row["confirm"], response = confirm()
        expect(response, 302, "confirm")
        log(f"confirm {row['confirm']:.1f} s")
        assert Action.objects.filter(objective__plan__slug=SLUG).count() == n
        row["again"], response = upload(data)
        expect(response, 200, "upload again")
        log(f"upload again, all unchanged {row['again']:.1f} s")
        row["change_upload"], response = upload(workbook(n, title="Renamed action"))
        expect(response, 200, "upload a change")
        row["change_confirm"], response = confirm()
        expect(response, 302, "confirm a change")
        log(f"change every action: upload {row['change_upload']:.1f} s, "
            f"confirm {row['change_confirm']:.1f} s")  # fmt: skip
        _delete_plan(Plan.objects.get(slug=SLUG))
        results.append(row)
    return results


def report(results: list[dict], database: str) -> str:
    lines = [
        f"Plan workbook import on PostgreSQL ({database}), one run each, seconds; "
        f"gunicorn's timeout is {GUNICORN_TIMEOUT:.0f} s",
        "",
        f"{'N (actions = milestones = updates)':<36}{'MB':>6}{'upload':>8}{'confirm':>9}"
        f"{'again':>8}{'chg up':>8}{'chg conf':>9}  worst",
    ]
    for r in results:
        worst = max(r["upload"], r["confirm"], r["again"], r["change_upload"], r["change_confirm"])
        lines.append(
            f"{r['n']:<36,}{r['mb']:>6.2f}{r['upload']:>8.1f}{r['confirm']:>9.1f}"
            f"{r['again']:>8.1f}{r['change_upload']:>8.1f}{r['change_confirm']:>9.1f}"
            f"  {worst / GUNICORN_TIMEOUT:.0%} of the timeout"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="6000,12000,20000", help="comma-separated N")
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

"""`manage.py import_plan FILE [--dry-run] [--user USERNAME]`: import a plan workbook
(.xlsx), a .zip of its CSV files, or a folder of them (as `export_plan --csv-dir` writes);
or a council's own document: a Word .docx, or an .xlsx or CSV tracker with its own columns.

Prints what the import does, row by row, and every problem; all or nothing, and the
exit status is non-zero when there is any problem (a damaged or unreadable file too). On
the command line no role is needed and history may be imported as an administrator
imports it (updates in anyone's name, dated before today: marked as corrections);
`--user` names who the changes are recorded as made by, and who a new update with a
blank "Recorded by" is by.

For a council's own document it first prints the mapping it guessed (or the one saved
for that table shape), which `--map "COLUMN HEADING=field"` changes column by column;
`--status "LABEL=standard status"` says what a status label means; `--as-at YYYY-MM-DD`
dates the progress it finds (default: the date the document states, else today);
`--plan SLUG` imports into that plan (or creates it, with `--title`, `--organisation`
and `--kind`).
"""

import io
import zipfile
from datetime import date
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from improvement.models import PlanKind
from improvement.workbook.documents import document_import
from improvement.workbook.mapping import (
    FIELD_LABELS,
    SHOWN_FIELD_NAMES,
    STANDARD_NAMES,
    Choices,
    field_named,
    normalise,
    status_named,
)
from improvement.workbook.readers.tracker import is_plan_workbook
from improvement.workbook.results import UNCHANGED
from improvement.workbook.services import plan_import

DOCUMENTS = (".docx", ".docm", ".doc", ".csv")


def _pair(text: str, option: str) -> tuple[str, str]:
    left, sep, right = text.rpartition("=")
    if not sep or not left.strip() or not right.strip():
        raise CommandError(f'{option} takes "NAME=VALUE" (got {text!r}).')
    return left.strip(), right.strip()


class Command(BaseCommand):
    help = (
        "Import a plan workbook, or a council's own Word document or tracker: prints every "
        "step and every problem; all or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file",
            help="A .xlsx workbook, a .zip of CSV files, a folder, a Word .docx, or an "
            ".xlsx or .csv tracker.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would happen; save nothing."
        )
        parser.add_argument("--user", help="Record the changes as made by this user.")
        parser.add_argument(
            "--quiet-unchanged", action="store_true", help="Do not list unchanged rows."
        )
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar='"COLUMN HEADING=field"',
            help=f"A document's column and the field it holds ({SHOWN_FIELD_NAMES}, or "
            "skip). Repeatable.",
        )
        parser.add_argument(
            "--status",
            action="append",
            default=[],
            metavar='"LABEL=standard status"',
            help=f"What a status label means ({STANDARD_NAMES}). Repeatable.",
        )
        parser.add_argument(
            "--as-at", help="YYYY-MM-DD: the date of the progress found in a document."
        )
        parser.add_argument("--plan", help="A document's plan: its slug (new or existing).")
        parser.add_argument("--title", help="A new plan's title (default: the document's).")
        parser.add_argument("--organisation", help="A new plan's organisation (the council).")
        parser.add_argument(
            "--kind",
            default=PlanKind.ACTION_PLAN.label,
            help="A new plan's kind: " + ", ".join(PlanKind.labels) + ".",
        )

    def handle(self, *args, file, dry_run, user, quiet_unchanged, **options):
        path = Path(file)
        if path.is_dir():
            data, name = _zip_folder(path), f"{path.name}.zip"
        elif path.is_file():
            try:
                data, name = path.read_bytes(), path.name
            except OSError as exc:
                raise CommandError(f"{path}: cannot be read ({exc.strerror})") from exc
        else:
            raise CommandError(f"{path}: no such file or folder")
        author = None
        if user:
            author = get_user_model().objects.filter(username=user).first()
            if author is None:
                raise CommandError(f"There is no user {user!r}.")
        suffix = path.suffix.casefold()
        if suffix in DOCUMENTS or (suffix == ".xlsx" and not is_plan_workbook(data)):
            return self._document(data, name, author, dry_run, quiet_unchanged, options)
        result = plan_import(
            data=data, file_name=name, user=author, confirm=not dry_run, check_permissions=False
        )
        self._report(result, name, dry_run, quiet_unchanged, str)

    def _choices(self, options) -> Choices:
        columns, statuses = {}, {}
        for text in options["map"]:
            heading, name = _pair(text, "--map")
            field = field_named(name)
            if field is None:
                raise CommandError(
                    f"--map {text!r}: “{name}” is not a field. The fields: {SHOWN_FIELD_NAMES}, "
                    "or skip."
                )
            columns[normalise(heading)] = field
        for text in options["status"]:
            label, name = _pair(text, "--status")
            status = status_named(name)
            if status is None:
                raise CommandError(
                    f"--status {text!r}: “{name}” is not a standard status. The standard "
                    f"statuses: {STANDARD_NAMES}."
                )
            statuses[normalise(label)] = status
        as_at = None
        if options["as_at"]:
            try:
                as_at = date.fromisoformat(options["as_at"])
            except ValueError as exc:
                raise CommandError(f"--as-at {options['as_at']!r}: write YYYY-MM-DD.") from exc
        kind = next(
            (
                v
                for v, label in PlanKind.choices
                if normalise(options["kind"]) in (v, label.lower())
            ),
            None,
        )
        if kind is None:
            raise CommandError(f"--kind: one of {', '.join(PlanKind.labels)}.")
        return Choices(
            plan_slug=options["plan"] or "",
            title=options["title"] or "",
            organisation=options["organisation"] or "",
            kind=kind,
            as_at=as_at,
            columns=columns,
            statuses=statuses,
            for_command=True,
        )

    def _document(self, data, name, author, dry_run, quiet_unchanged, options):
        choices = self._choices(options)
        outcome = document_import(
            data=data,
            file_name=name,
            choices=choices,
            user=author,
            confirm=not dry_run,
            check_permissions=False,
        )
        result = outcome.result
        if outcome.built is not None:
            self._mapping(outcome)
        self._report(result, name, dry_run, quiet_unchanged, step_text)

    def _report(self, result, name, dry_run, quiet_unchanged, step_words) -> None:
        """Every step (in `step_words`), every problem, then what was or would be done:
        the same for a workbook and a document."""
        for step in result.steps:
            if not (quiet_unchanged and step.kind == UNCHANGED):
                self.stdout.write(step_words(step))
        for problem in result.problems:
            self.stderr.write(self.style.ERROR(str(problem)))
        if result.problems:
            raise CommandError(f"{name}: {len(result.problems)} problem(s); nothing was imported.")
        if dry_run:
            said = f"Would import {result.plan_slug!r}: {result.summary()}."
        else:
            said = f"Imported {result.plan_slug!r}: {result.done_summary()}."
        self.stdout.write(self.style.SUCCESS(said))

    def _mapping(self, outcome) -> None:
        built = outcome.built
        self.stdout.write(
            f"{outcome.found.kind.capitalize()} “{outcome.found.file_name}”: "
            f"progress recorded as at {built.as_at:%d/%m/%Y}."
        )
        for layout in built.layouts:
            if layout.continues:
                self.stdout.write(f"{layout.table.where}: carries on the table before.")
                continue
            self.stdout.write(f"{layout.table.where}: the columns")
            for heading, field in zip(layout.headings, layout.fields, strict=False):
                shown = FIELD_LABELS.get(field, "not imported")
                self.stdout.write(f'  "{heading}" = {shown}')
            if layout.skipped:
                self.stdout.write(f"  not imported: {layout.skipped}")
        for label, status in built.labels.items():
            shown = status.replace("_", " ") if status else "not placed"
            self.stdout.write(f'Status label "{label}" = {shown}')


def step_text(step) -> str:
    where = f"{step.sheet} row {step.row}" if step.row else step.sheet
    return f"{where}: {step.what}"


def _zip_folder(folder: Path) -> bytes:
    """A folder of CSV files as the zip the importer reads."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for csv_file in sorted(folder.glob("*.csv")):
            archive.write(csv_file, csv_file.name)
    return buffer.getvalue()

"""`manage.py import_plan FILE [--dry-run] [--user USERNAME]`: import a plan workbook
(.xlsx), a .zip of its CSV files, or a folder of them (as `export_plan --csv-dir` writes).

Prints what the import does, row by row, and every problem; all or nothing, and the
exit status is non-zero when there is any problem (a damaged or unreadable file too). On
the command line no role is needed and history may be imported as an administrator
imports it (updates in anyone's name, dated before today: marked as corrections);
`--user` names who the changes are recorded as made by, and who a new update with a
blank "Recorded by" is by.
"""

import io
import zipfile
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from improvement.workbook.results import UNCHANGED
from improvement.workbook.services import plan_import


class Command(BaseCommand):
    help = "Import a plan workbook: prints every step and every problem; all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file", help="A .xlsx workbook, a .zip of CSV files, or a folder.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would happen; save nothing."
        )
        parser.add_argument("--user", help="Record the changes as made by this user.")
        parser.add_argument(
            "--quiet-unchanged", action="store_true", help="Do not list unchanged rows."
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
        result = plan_import(
            data=data, file_name=name, user=author, confirm=not dry_run, check_permissions=False
        )
        for step in result.steps:
            if not (quiet_unchanged and step.kind == UNCHANGED):
                self.stdout.write(str(step))
        for problem in result.problems:
            self.stderr.write(self.style.ERROR(str(problem)))
        if result.problems:
            raise CommandError(f"{name}: {len(result.problems)} problem(s); nothing was imported.")
        if dry_run:
            said = f"Would import {result.plan_slug!r}: {result.summary()}."
        else:
            said = f"Imported {result.plan_slug!r}: {result.done_summary()}."
        self.stdout.write(self.style.SUCCESS(said))


def _zip_folder(folder: Path) -> bytes:
    """A folder of CSV files as the zip the importer reads."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for csv_file in sorted(folder.glob("*.csv")):
            archive.write(csv_file, csv_file.name)
    return buffer.getvalue()

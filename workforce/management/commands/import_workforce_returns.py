"""`manage.py import_workforce_returns FILE.csv [--dry-run]`: import workforce returns from a
CSV file (the columns of the admin's import, `workforce.resources`), all or nothing,
printing every problem with its row and column; then the measures they feed."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from workforce.services import read_csv, workforce_returns_import


class Command(BaseCommand):
    help = (
        "Import workforce returns from a CSV file, all or nothing (nothing is saved if any "
        "row has a problem); --dry-run checks the file and saves nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV file: service_area, team, as_at, then the figures")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and report; save nothing."
        )

    def handle(self, *args, file, dry_run, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            dataset = read_csv(path.read_bytes())
        except (UnicodeDecodeError, ValueError) as exc:
            raise CommandError(f"{path}: not a readable CSV file ({exc})") from exc
        outcome = workforce_returns_import(dataset=dataset, dry_run=dry_run)
        if not outcome.ok:
            for problem in outcome.problems:
                self.stderr.write(f"  {problem}")
            raise CommandError(f"{path}: nothing imported, {len(outcome.problems)} problem(s).")
        prefix = "Dry run, nothing saved: " if dry_run else ""
        self.stdout.write(self.style.SUCCESS(f"{path.name}: {prefix}{outcome}"))

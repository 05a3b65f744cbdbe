"""`manage.py export_plan SLUG [-o FILE] [--csv-dir DIR]`: a plan as its plan workbook
(.xlsx), and/or as one CSV file per sheet in a folder. A value too long for a cell stops
it with a message naming the sheet, row and column (nothing is written)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from improvement.models import Plan
from improvement.workbook.services import plan_export
from improvement.workbook.writer import CellTooLong, plan_sheets, to_csv_files


class Command(BaseCommand):
    help = "Export a plan as a plan workbook (.xlsx) or as CSV files, one per sheet."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The plan's slug.")
        parser.add_argument(
            "-o", "--output", help="The workbook to write (default: SLUG.xlsx here)."
        )
        parser.add_argument(
            "--csv-dir", help="Write one CSV file per sheet into this folder instead."
        )

    def handle(self, *args, slug, output, csv_dir, **options):
        plan = Plan.objects.filter(slug=slug).first()
        if plan is None:
            raise CommandError(f"There is no plan with the slug {slug!r}.")
        try:
            self._export(plan, output, csv_dir)
        except CellTooLong as exc:
            raise CommandError(str(exc)) from exc

    def _export(self, plan, output, csv_dir):
        if csv_dir:
            folder = Path(csv_dir)
            folder.mkdir(parents=True, exist_ok=True)
            files = to_csv_files(plan_sheets(plan))  # all of them, or none written
            for name, data in files.items():
                (folder / name).write_bytes(data)
            self.stdout.write(self.style.SUCCESS(f"Wrote {plan.title!r} as CSV files in {folder}"))
        if output or not csv_dir:
            path = Path(output or f"{plan.slug}.xlsx")
            path.write_bytes(plan_export(plan=plan).data)
            self.stdout.write(self.style.SUCCESS(f"Wrote {plan.title!r} to {path}"))

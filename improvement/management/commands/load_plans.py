"""`manage.py load_plans [FILE ...] [--replace]`: load plan files (default: fixtures/plans)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from improvement.models import Plan
from improvement.plan_files import PlanFileError, load_plan_file, plan_file_slug

DEFAULT_DIR = Path(settings.BASE_DIR) / "fixtures" / "plans"


class Command(BaseCommand):
    help = "Load plans from YAML plan files (fixtures/plans/FORMAT.md). All or nothing per file."

    def add_arguments(self, parser):
        parser.add_argument(
            "files", nargs="*", help="Plan files; default: every fixtures/plans/*.yaml"
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Replace a plan already loaded with the same slug.",
        )

    def handle(self, *args, files, replace, **options):
        paths = [Path(f) for f in files] or sorted(DEFAULT_DIR.glob("*.yaml"))
        if not paths:
            raise CommandError(f"No plan files found in {DEFAULT_DIR}.")
        failed = 0
        for path in paths:
            if not path.is_file():
                self.stderr.write(self.style.ERROR(f"{path}: no such file"))
                failed += 1
                continue
            slug = plan_file_slug(path)
            if not replace and slug and Plan.objects.filter(slug=slug).exists():
                self.stdout.write(f"{path.name}: already loaded, left as it is")
                continue
            try:
                plan = load_plan_file(path, replace=replace)
            except PlanFileError as exc:
                failed += 1
                self.stderr.write(self.style.ERROR(f"{path}: not loaded, nothing saved"))
                for error in exc.errors:
                    self.stderr.write(f"  {error}")
                continue
            self.stdout.write(
                self.style.SUCCESS(
                    f"{path.name}: loaded {plan.title!r} "
                    f"({plan.objectives.count()} objectives, "
                    f"{sum(o.actions.count() for o in plan.objectives.all())} actions)"
                )
            )
        if failed:
            raise CommandError(f"{failed} file(s) not loaded.")

"""`manage.py load_demo_workforce`: the demo council's workforce (three service areas,
eight teams, two years of quarterly returns from fixtures/workforce/demo_returns.csv)
and, where the Slough plan is loaded, two measures fed by those returns. Running it again
changes nothing. Refused unless DEBUG is on, so demo figures never reach a live council's
database."""

import datetime
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from improvement.models import Plan
from metrics.models import Direction, Measure, Target
from metrics.units import Unit
from workforce import indicators
from workforce.models import ServiceArea, Team
from workforce.services import indicator_measures_refresh, read_csv, workforce_returns_import

DEMO_FILE = Path(settings.BASE_DIR) / "fixtures" / "workforce" / "demo_returns.csv"
DEMO_PLAN = "slough-2014"
DEMO_OBJECTIVE = "1"
DEMO_TARGET_DUE = datetime.date(2027, 3, 31)
# The targets were agreed when the demo returns start (an earlier day would give the
# measures targets before there were figures).
DEMO_TARGET_SET_ON = datetime.date(2024, 12, 31)
SOURCE = "Demo workforce returns (fixtures/workforce/demo_returns.csv)"

DEMO_MEASURES = [
    {
        "name": "Permanent social workers (demo workforce returns)",
        "indicator": indicators.PERMANENT,
        "unit": Unit.PERCENT,
        "direction": Direction.HIGHER,
        "target": Decimal(80),
        "description": "Sustainable 80% permanent social worker staff, worked out from the "
        "demo council's workforce returns (the whole service).",
    },
    {
        "name": "Average caseload (demo workforce returns)",
        "indicator": indicators.CASELOAD,
        "unit": Unit.RATIO,
        "direction": Direction.LOWER,
        "target": Decimal(16),
        "description": "Average caseloads at 16 children, worked out from the demo council's "
        "workforce returns (the whole service).",
    },
]


class Command(BaseCommand):
    help = (
        "Load the demo workforce returns, and two measures fed by them in the Slough plan "
        "if it is loaded. Idempotent. Refused unless DEBUG is on."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Refused: demo data is loaded only with DEBUG on.")
        with transaction.atomic():
            created = self._teams()
            outcome = workforce_returns_import(dataset=read_csv(DEMO_FILE.read_bytes()))
            if not outcome.ok:
                for problem in outcome.problems:
                    self.stderr.write(f"  {problem}")
                raise CommandError(f"{DEMO_FILE.name}: not loaded.")
            measures = self._measures()
        self.stdout.write(f"Demo workforce: {created} team(s) added; {outcome}")
        self.stdout.write(measures)

    def _teams(self) -> int:
        created = 0
        for row in read_csv(DEMO_FILE.read_bytes()).dict:
            area, _ = ServiceArea.objects.get_or_create(name=row["service_area"])
            _, new = Team.objects.get_or_create(service_area=area, name=row["team"])
            created += new
        return created

    def _measures(self) -> str:
        plan = Plan.objects.filter(slug=DEMO_PLAN).first()
        if plan is None:
            return f"No demo measures: the plan {DEMO_PLAN!r} is not loaded."
        objective = plan.objectives.filter(reference=DEMO_OBJECTIVE).first()
        measures = []
        for spec in DEMO_MEASURES:
            measure = Measure.objects.filter(plan=plan, name=spec["name"]).first()
            if measure is None:
                measure = Measure(
                    plan=plan,
                    name=spec["name"],
                    description=spec["description"],
                    unit=spec["unit"],
                    direction=spec["direction"],
                    indicator=spec["indicator"],
                    source=SOURCE,
                )
                measure.full_clean()
                measure.save()
            if objective is not None and not measure.objectives.filter(pk=objective.pk).exists():
                measure.objectives.add(objective)
            if not measure.targets.filter(
                kind=Target.Kind.FINAL, due_date=DEMO_TARGET_DUE
            ).exists():
                target = Target(
                    measure=measure,
                    kind=Target.Kind.FINAL,
                    due_date=DEMO_TARGET_DUE,
                    value=spec["target"],
                    set_on=DEMO_TARGET_SET_ON,
                )
                target.full_clean()
                target.save()
            measures.append(measure)
        refreshed = indicator_measures_refresh(measures=measures)
        return f"Demo measures in {plan.title!r}: {refreshed}"

"""Reading measures as at a date: each with its values, targets and assessed status, for
any number of measures in a fixed number of queries (the measures, their targets, their
data points up to the date)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from metrics.models import DataPoint, Measure, Target
from metrics.status import UNDATED, Assessment, Point, TargetRow, assess, target_in_force


@dataclass
class MeasureState:
    measure: Measure
    assessment: Assessment
    points: list[Point]
    targets: list[TargetRow]
    texts: list[DataPoint]

    @property
    def status(self):
        return self.assessment.status

    @property
    def target(self) -> TargetRow | None:
        return self.assessment.target

    def target_at(self, day: date) -> TargetRow | None:
        return target_in_force(self.targets, day)


def target_row(target: Target) -> TargetRow:
    return TargetRow(
        id=target.id,
        kind=target.kind,
        due_date=target.due_date,
        value=target.value,
        value_high=target.value_high,
        set_on=target.set_on,
        replaces_id=target.replaces_id,
    )


def measure_states(measures: QuerySet[Measure], as_at: date) -> list[MeasureState]:
    measure_list = list(measures.select_related("plan", "owner"))
    ids = [m.pk for m in measure_list]
    targets: dict[int, list[TargetRow]] = defaultdict(list)
    for target in Target.objects.filter(measure_id__in=ids).order_by("due_date", "id"):
        targets[target.measure_id].append(target_row(target))
    points: dict[int, list[Point]] = defaultdict(list)
    texts: dict[int, list[DataPoint]] = defaultdict(list)
    rows = DataPoint.objects.filter(measure_id__in=ids, period_end__lte=as_at).order_by(
        "measure_id", "period_end"
    )
    for row in rows.only("id", "measure_id", "period_end", "value", "text", "note"):
        if row.value is not None:
            points[row.measure_id].append(Point(row.period_end, row.value))
        else:
            texts[row.measure_id].append(row)
    states = []
    for measure in measure_list:
        baseline = (
            Point(measure.baseline_date or UNDATED, measure.baseline_value)
            if measure.baseline_value is not None
            else None
        )
        states.append(
            MeasureState(
                measure=measure,
                assessment=assess(
                    unit=measure.unit,
                    direction=measure.direction,
                    tolerance=measure.amber_tolerance,
                    baseline=baseline,
                    points=points[measure.pk],
                    targets=targets[measure.pk],
                    as_at=as_at,
                ),
                points=points[measure.pk],
                targets=targets[measure.pk],
                texts=texts[measure.pk],
            )
        )
    return states

"""Reading measures as at a date: each with its values, targets and assessed status, for
any number of measures in a fixed number of queries (the measures, their targets, their
data points up to the date)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import OuterRef, QuerySet, Subquery

from metrics.models import DataPoint, Measure, Target
from metrics.status import UNDATED, Aim, Assessment, Point, TargetRow, aim_for, apply_change, assess


@dataclass
class MeasureState:
    measure: Measure
    assessment: Assessment
    # Not in the repr: a table library that reprs a row for a message would otherwise
    # walk every value (and each text entry's measure).
    points: list[Point] = field(repr=False)
    targets: list[TargetRow] = field(repr=False)
    texts: list[DataPoint] = field(repr=False)
    as_at: date | None = None
    baseline: Point | None = field(default=None, repr=False)

    @property
    def status(self):
        return self.assessment.status

    @property
    def target(self) -> TargetRow | None:
        return self.assessment.target

    def target_at(self, day: date) -> Aim | None:
        """What a value dated `day` is judged against (as the measure's status is)."""
        return aim_for(
            self.targets,
            day,
            as_at=self.as_at or day,
            path=self.measure.target_path,
            baseline=self.baseline,
        )


def target_row(target: Target, baseline: Decimal | None = None) -> TargetRow:
    """The target as the maths needs it: a change from the baseline becomes the number
    it comes to from `baseline` (the measure's), or None while there is no baseline."""
    value = target.value
    if target.change_by:
        value = (
            apply_change(baseline, target.change_by, target.change)
            if baseline is not None and target.change is not None
            else None
        )
    return TargetRow(
        id=target.id,
        kind=target.kind,
        due_date=target.due_date,
        value=value,
        value_high=target.value_high,
        set_on=target.set_on,
        replaces_id=target.replaces_id,
        written=target.written,
        change_by=target.change_by,
        change=target.change,
    )


def measure_states(
    measures: QuerySet[Measure], as_at: date, *, latest_only: bool = False
) -> list[MeasureState]:
    """Each measure's state as at `as_at`. `latest_only` (the dashboard: statuses only)
    reads just each measure's latest value, in the measures' own query, instead of all
    its values; the status is the same, the trend and findings are left out."""
    measures = measures.select_related("plan", "owner")
    if latest_only:
        latest = DataPoint.objects.filter(
            measure=OuterRef("pk"), period_end__lte=as_at, value__isnull=False
        ).order_by("-period_end")
        measures = measures.annotate(
            latest_value=Subquery(latest.values("value")[:1]),
            latest_period_end=Subquery(latest.values("period_end")[:1]),
            latest_dated=Subquery(latest.values("dated")[:1]),
            latest_written=Subquery(latest.values("written")[:1]),
        )
    measure_list = list(measures)
    ids = [m.pk for m in measure_list]
    baselines = {m.pk: m.baseline_value for m in measure_list}
    targets: dict[int, list[TargetRow]] = defaultdict(list)
    for target in Target.objects.filter(measure_id__in=ids).order_by("id"):
        targets[target.measure_id].append(target_row(target, baselines[target.measure_id]))
    for rows in targets.values():
        rows.sort(key=lambda t: (t.due, t.id))
    points: dict[int, list[Point]] = defaultdict(list)
    texts: dict[int, list[DataPoint]] = defaultdict(list)
    if latest_only:
        for measure in measure_list:
            if measure.latest_period_end is not None:
                points[measure.pk].append(
                    Point(
                        measure.latest_period_end,
                        measure.latest_value,
                        measure.latest_dated == DataPoint.Dated.REPORTED,
                        measure.latest_written or "",
                    )
                )
        return _states(measure_list, points, targets, texts, as_at)
    rows = DataPoint.objects.filter(measure_id__in=ids, period_end__lte=as_at).order_by(
        "measure_id", "period_end"
    )
    # Tuples, not model instances: 18,000 data points take 250 ms as instances, 30 ms as
    # tuples. The few text entries become instances as the ORM loads them (from_db).
    fields = ["id", "measure_id", "period_end", "value", "text", "note", "dated", "written"]
    for row in rows.values_list(*fields):
        _, measure_id, period_end, value, _, _, dated, written = row
        if value is not None:
            reported = dated == DataPoint.Dated.REPORTED
            points[measure_id].append(Point(period_end, value, reported, written))
        else:
            texts[measure_id].append(DataPoint.from_db(rows.db, fields, row))
    return _states(measure_list, points, targets, texts, as_at)


def _states(measure_list, points, targets, texts, as_at: date) -> list[MeasureState]:
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
                    path=measure.target_path,
                ),
                points=points[measure.pk],
                targets=targets[measure.pk],
                texts=texts[measure.pk],
                as_at=as_at,
                baseline=baseline,
            )
        )
    return states

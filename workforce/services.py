"""Writes about workforce returns: saving or deleting a return, importing a CSV file of
them, and (after each) working out again the data points of the measures they feed.

An indicator measure (`Measure.indicator` set) gets one data point per date at which its
scope (a team, a service area or, with neither, the whole service) has returns, with
source "workforce": the indicator as `workforce.indicators` works it out, kept to four
decimal places (the field's precision) and a note of how many returns it came from. A
date whose indicator has no value (nothing to divide by) has no data point. Points are
written with save() and delete(), never queryset.update(), so the change history records
each. A measure fed by the returns holds nothing else: a hand-entered point is refused at
entry (`DataPoint.clean`, the admin, the data-entry page), and any that reached it another
way is replaced where the returns give a value for its date and deleted (the change
history keeps it) where they do not.

These are explicit calls (from the admin, the import and the demo command), not model
signals, so bulk paths cannot skip them unnoticed and one import recomputes once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from metrics.models import FED_BY_RETURNS, DataPoint, Measure
from workforce import indicators
from workforce.models import Team, WorkforceReturn
from workforce.selectors import returns_for_indicators

FOUR_PLACES = Decimal("0.0001")

#: What to tell someone about to type a value into a measure the returns feed.
NOT_BY_HAND = FED_BY_RETURNS


# -- indicator measures ----------------------------------------------------------------


@dataclass(frozen=True)
class Refreshed:
    """What recomputing indicator measures changed."""

    measures: int = 0
    created: int = 0
    changed: int = 0
    deleted: int = 0

    def __add__(self, other: Refreshed) -> Refreshed:
        return Refreshed(
            self.measures + other.measures,
            self.created + other.created,
            self.changed + other.changed,
            self.deleted + other.deleted,
        )

    def __str__(self) -> str:
        if not self.measures:
            return "No measure is fed by these returns."
        s = "" if self.measures == 1 else "s"
        return (
            f"{self.measures} measure{s} fed by the returns worked out again: "
            f"{self.created} value(s) added, {self.changed} changed, {self.deleted} removed."
        )


def indicator_measures(
    *, team_ids: Iterable[int] | None = None, service_area_ids: Iterable[int] = ()
) -> QuerySet[Measure]:
    """Measures fed by the returns: all of them, or those whose figures the returns of
    `team_ids` (or of teams once in `service_area_ids`) take part in."""
    measures = Measure.objects.exclude(indicator="").select_related(
        "indicator_team", "indicator_service_area"
    )
    if team_ids is None:
        return measures
    team_ids = list(team_ids)
    areas = Q(
        indicator_service_area__in=Team.objects.filter(pk__in=team_ids).values("service_area")
    )
    areas |= Q(indicator_service_area__in=list(service_area_ids))
    whole_service = Q(indicator_team__isnull=True, indicator_service_area__isnull=True)
    return measures.filter(Q(indicator_team__in=team_ids) | areas | whole_service)


def _scope(measure: Measure) -> tuple[str, str]:
    """("team-<id>" | "area-<id>" | "all", its name as a note says it)."""
    if measure.indicator_team_id:
        return f"team-{measure.indicator_team_id}", str(measure.indicator_team)
    if measure.indicator_service_area_id:
        return f"area-{measure.indicator_service_area_id}", str(measure.indicator_service_area)
    return "all", "whole service"


def _wanted(measure, returns, team_area) -> dict:
    """{date: (value, note)} the returns give this measure."""
    scope, scope_name = _scope(measure)
    kind, _, pk = scope.partition("-")
    if kind == "team":
        returns = [r for r in returns if str(r.team_id) == pk]
    elif kind == "area":
        returns = [r for r in returns if str(team_area.get(r.team_id)) == pk]
    wanted = {}
    for figures in indicators.series(returns):
        value = figures.value(measure.indicator)
        if value is None:
            continue
        count = figures.returns
        note = (
            f"Worked out from {count} workforce return{'' if count == 1 else 's'} "
            f"at {figures.as_at:%d/%m/%Y} ({scope_name})."
        )
        if figures.part_year(measure.indicator):
            note += " Fewer than 12 months of returns: a team's first return is in the year."
        wanted[figures.as_at] = (value.quantize(FOUR_PLACES, rounding=ROUND_HALF_UP), note)
    return wanted


@transaction.atomic
def indicator_measures_refresh(
    *,
    measures: Iterable[Measure] | None = None,
    team_ids: Iterable[int] | None = None,
    service_area_ids: Iterable[int] = (),
) -> Refreshed:
    """Work out again the data points of indicator measures: the given ones, those fed
    by the returns of `team_ids` (and of teams that were in `service_area_ids`), or all.
    A point whose value and note are unchanged is not saved again."""
    if measures is None:
        measures = indicator_measures(team_ids=team_ids, service_area_ids=service_area_ids)
    measures = [m for m in measures if m.indicator]
    if not measures:
        return Refreshed()
    team_area = dict(Team.objects.values_list("pk", "service_area_id"))
    returns = returns_for_indicators()
    points = defaultdict(dict)
    for point in DataPoint.objects.filter(measure__in=measures):
        points[point.measure_id][point.period_end] = point
    total = Refreshed()
    for measure in measures:
        total += _refresh_one(measure, _wanted(measure, returns, team_area), points[measure.pk])
    return total


def _refresh_one(measure, wanted, existing) -> Refreshed:
    created = changed = deleted = 0
    for day, (value, note) in wanted.items():
        point = existing.get(day)
        if point is None:
            DataPoint(
                measure=measure,
                period_end=day,
                value=value,
                note=note,
                source=DataPoint.Source.WORKFORCE,
            ).save()
            created += 1
        elif (point.value, point.note, point.source, point.text) != (
            value,
            note,
            DataPoint.Source.WORKFORCE,
            "",
        ):
            point.value, point.note, point.text = value, note, ""
            point.source = DataPoint.Source.WORKFORCE
            point.entered_by = None
            point.entered_at = timezone.now()
            point.save()
            changed += 1
    for day, point in existing.items():
        if day not in wanted:
            # The returns behind it were deleted or no longer give a value, or it was
            # typed in: a fed measure shows only what the returns give.
            point.delete()
            deleted += 1
    return Refreshed(1, created, changed, deleted)


# -- returns ---------------------------------------------------------------------------


@transaction.atomic
def workforce_return_save(
    *, workforce_return: WorkforceReturn, user=None, previous_team_id: int | None = None
) -> Refreshed:
    """Save a return (checked by the model's rules) and the measures it feeds; a return
    moved to another team refreshes that team's measures too."""
    workforce_return.full_clean()
    if user is not None and user.is_authenticated:
        workforce_return.entered_by = user
    workforce_return.save()
    team_ids = {workforce_return.team_id, previous_team_id} - {None}
    return indicator_measures_refresh(team_ids=team_ids)


@transaction.atomic
def workforce_returns_delete(*, workforce_returns: Iterable[WorkforceReturn]) -> Refreshed:
    team_ids = set()
    for workforce_return in workforce_returns:
        team_ids.add(workforce_return.team_id)
        workforce_return.delete()  # one by one, so the history records each deletion
    return indicator_measures_refresh(team_ids=team_ids) if team_ids else Refreshed()


@transaction.atomic
def team_save(*, team: Team, previous_service_area_id: int | None = None) -> Refreshed:
    """Save a team; moving it to another service area changes both areas' figures."""
    team.full_clean()
    team.save()
    moved = previous_service_area_id not in (None, team.service_area_id)
    return indicator_measures_refresh(
        team_ids=[team.pk], service_area_ids=[previous_service_area_id] if moved else []
    )


# -- CSV import ------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportProblem:
    """One thing wrong with an import file; `row` 1 is the first row under the headings."""

    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"Row {self.row} (line {self.row + 1} of the file)")
        if self.column:
            where.append(f"column {self.column}")
        return f"{', '.join(where) or 'File'}: {self.message}"


@dataclass
class ImportOutcome:
    dry_run: bool
    problems: list[ImportProblem] = field(default_factory=list)
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    refreshed: Refreshed = field(default_factory=Refreshed)

    @property
    def ok(self) -> bool:
        return not self.problems

    def __str__(self) -> str:
        if not self.ok:
            return f"Nothing imported: {len(self.problems)} problem(s)."
        verb = "would add" if self.dry_run else "added"
        text = (
            f"{verb.capitalize()} {self.new} return(s), "
            f"{'would update' if self.dry_run else 'updated'} {self.updated}; "
            f"{self.unchanged} unchanged."
        )
        return f"{text} {self.refreshed}" if self.refreshed.measures else text


def import_problems(result) -> list[ImportProblem]:
    """Every problem in a django-import-export result, by row and column."""
    problems = [ImportProblem(None, "", str(error.error)) for error in result.base_errors]
    for number, errors in result.row_errors():
        problems += [ImportProblem(number, "", str(error.error)) for error in errors]
    for row in result.invalid_rows:
        for column, messages in row.field_specific_errors.items():
            problems += [ImportProblem(row.number, column, message) for message in messages]
        problems += [ImportProblem(row.number, "", m) for m in row.non_field_specific_errors]
    return problems


def read_csv(data: bytes | str):
    """A CSV file as a tablib Dataset (headings from the first row; UTF-8, with or
    without the byte-order mark Excel writes). Nothing in it is evaluated."""
    import tablib

    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    dataset = tablib.Dataset()
    if text.strip():
        dataset.load(text, format="csv")
    return dataset


def workforce_returns_import(*, dataset, dry_run: bool = False, user=None) -> ImportOutcome:
    """Import returns from a Dataset, all or nothing: with any problem in any row nothing
    is saved, and every problem is reported. Then the measures they feed are refreshed."""
    from workforce.resources import WorkforceReturnResource

    resource = WorkforceReturnResource()
    result = resource.import_data(dataset, dry_run=dry_run, user=user)
    totals = result.totals
    return ImportOutcome(
        dry_run=dry_run,
        problems=import_problems(result),
        new=totals["new"],
        updated=totals["update"],
        unchanged=totals["skip"],
        refreshed=resource.refreshed,
    )

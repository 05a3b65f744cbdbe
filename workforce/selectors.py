"""Reading the workforce returns for the pages and the measures: every read is a fixed
number of queries (teams, service areas, returns), whatever the number of teams and
returns; the indicators are then worked out in Python by `workforce.indicators`."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from functools import cached_property

from metrics.units import Unit, format_value
from workforce import indicators
from workforce.indicators import Figures
from workforce.models import ServiceArea, Team, WorkforceReturn

# What the indicators read; the other columns (starters, students ...) stay in the database.
INDICATOR_FIELDS = [
    "id",
    "team_id",
    "as_at",
    "establishment_fte",
    "permanent_fte",
    "agency_fte",
    "agency_covering_vacancies_fte",
    "vacancies_fte",
    "leavers_fte",
    "sickness_days",
    "cases",
    "case_holding_fte",
]

WHOLE_SERVICE = "all"

# The indicators the workforce page shows, in the order of its columns.
PAGE_INDICATORS = [
    indicators.VACANCY,
    indicators.AGENCY,
    indicators.TURNOVER,
    indicators.ABSENCE,
    indicators.CASELOAD,
]


def returns_for_indicators(team_ids=None) -> list[WorkforceReturn]:
    """Returns with only the figures the indicators need (of some teams, or all)."""
    queryset = WorkforceReturn.objects.only(*INDICATOR_FIELDS).order_by("as_at", "team_id")
    if team_ids is not None:
        queryset = queryset.filter(team_id__in=list(team_ids))
    return list(queryset)


@dataclass(frozen=True)
class Cell:
    text: str
    part_year: bool = False  # fewer than 12 months of returns behind a 12-month rate


@dataclass(frozen=True)
class Row:
    """One line of a table: a team, a service area or the whole service, and its figures
    at a date (None when it made no return then)."""

    label: str
    figures: Figures | None
    service_area: str = ""
    inactive: bool = False

    @property
    def in_post(self) -> str:
        return format_value(self.figures.in_post_fte, Unit.FTE) if self.figures else ""

    @property
    def cells(self) -> list[Cell]:
        """The page's indicators, as people read them ("14.2%", "15.2", "No data")."""
        if self.figures is None:
            return []
        return [
            Cell(
                indicators.display(self.figures.value(code), code),
                self.figures.value(code) is not None and self.figures.part_year(code),
            )
            for code in PAGE_INDICATORS
        ]

    @property
    def part_year(self) -> bool:
        return any(cell.part_year for cell in self.cells)


@dataclass
class Workforce:
    """Every team, service area and return, loaded once; the page's tables are drawn
    from them without touching the database again."""

    teams: list[Team]
    service_areas: list[ServiceArea]
    returns: list[WorkforceReturn]
    _team_area: dict[int, int] = field(init=False)

    def __post_init__(self) -> None:
        self._team_area = {team.pk: team.service_area_id for team in self.teams}

    @cached_property
    def latest(self) -> datetime.date | None:
        return indicators.latest_date(self.returns)

    def returns_of(self, scope: str) -> list[WorkforceReturn]:
        """The returns of a scope: "all", "area-<id>" or "team-<id>"."""
        kind, _, pk = scope.partition("-")
        if kind == "team":
            return [r for r in self.returns if str(r.team_id) == pk]
        if kind == "area":
            return [r for r in self.returns if str(self._team_area.get(r.team_id)) == pk]
        return self.returns

    def scope_label(self, scope: str) -> str:
        kind, _, pk = scope.partition("-")
        if kind == "team":
            team = next((t for t in self.teams if str(t.pk) == pk), None)
            return f"{team.name} ({team.service_area.name})" if team else "Unknown team"
        if kind == "area":
            area = next((a for a in self.service_areas if str(a.pk) == pk), None)
            return area.name if area else "Unknown service area"
        return "Whole service"

    def series(self, scope: str) -> list[Figures]:
        return indicators.series(self.returns_of(scope))

    def history_rows(self, history: list[Figures]) -> list[Row]:
        return [Row(f"{f.as_at:%d/%m/%Y}", f) for f in history]

    @cached_property
    def team_rows(self) -> list[Row]:
        """Each team at the latest return date: active teams without a return there are
        listed too, so a missing return shows."""
        if self.latest is None:
            return []
        rows = []
        for team in self.teams:
            figures = indicators.figures_at(self.returns_of(f"team-{team.pk}"), self.latest)
            if figures.returns or team.active:
                rows.append(
                    Row(
                        team.name,
                        figures if figures.returns else None,
                        service_area=team.service_area.name,
                        inactive=not team.active,
                    )
                )
        return rows

    @cached_property
    def group_rows(self) -> list[Row]:
        """Each service area, then the whole service, at the latest return date."""
        if self.latest is None:
            return []
        rows = []
        for area in self.service_areas:
            figures = indicators.figures_at(self.returns_of(f"area-{area.pk}"), self.latest)
            if figures.returns:
                rows.append(Row(area.name, figures))
        rows.append(Row("Whole service", indicators.figures_at(self.returns, self.latest)))
        return rows


def workforce() -> Workforce:
    """Three queries: teams (with their service areas), service areas, returns."""
    return Workforce(
        teams=list(Team.objects.select_related("service_area")),
        service_areas=list(ServiceArea.objects.all()),
        returns=returns_for_indicators(),
    )

"""The standard workforce indicators, worked out the way the Department for Education's
"Children's social work workforce" statistics define them (explore-education-statistics.
service.gov.uk, "Children's social work workforce", methodology). Every figure is a
Decimal; nothing here goes through floats, and nothing is rounded: values are rounded to
one decimal place only to be shown (`rounded`, `display`).

In-post FTE means the directly employed (permanent) FTE in post at the return date
(`WorkforceReturn.permanent_fte`). "The 12 months to a date D" are the returns dated after
D less 12 months, up to and including D: four quarterly returns, twelve monthly ones.
Starters, leavers and sickness in a return count since the team's previous return, so
adding up those returns gives the year.

    turnover rate       leavers FTE in the 12 months to D / in-post FTE at D x 100
    agency worker rate  agency FTE / (agency FTE + in-post FTE) x 100
    permanent (%)       100 - agency worker rate
    vacancy rate        vacancies FTE / (vacancies FTE + in-post FTE) x 100
    vacancies covered   agency FTE covering vacancies / vacancies FTE x 100
    average caseload    cases held / case-holding FTE (agency case holders included)
    absence rate        working days lost to sickness in the 12 months to D
                        / (in-post FTE at D x 253 working days) x 100

The national figures for 2025 check the formulas: 4,276.3 FTE leavers over 36,186.3 FTE
in post is a turnover rate of 11.8%; 321,661 cases over 21,105.4 case-holding FTE is an
average caseload of 15.2.

A service area, or the whole service, is not the average of its teams' rates: its
indicators come from the numerators and denominators added up across the teams that
made a return at that date (a team of 30 weighs three times a team of 10, as it does in
the national figures). Whatever would divide by zero (no staff in post, no vacancies, no
case holders) has no value (None), never an error or a made-up zero.

Fewer than 12 months of returns: a team whose first return falls inside the 12 months
has its turnover and absence worked out from the returns it has (its first return covers
an unknown stretch before it), and `Figures.part_year(indicator)` says so, so the page and
the measures' notes can flag the figure rather than pass it off as a full year.

Setting: `WORKFORCE_TURNOVER_DENOMINATOR` (default "end", as the DfE). Some councils
count turnover against the staff in post at the START of the 12 months instead: set it
to "start" and the denominator is the in-post FTE in each team's return dated exactly
12 months before D (a month-end date maps to the same month's end a year earlier, so
29 February 2024 pairs with 28 February 2025). A team without such a return is left out
of that turnover altogether (its leavers too), and with no such team there is no value.
"""

from __future__ import annotations

import calendar
import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

from django.conf import settings

from metrics.units import Unit, format_value

ZERO = Decimal(0)
HUNDRED = Decimal(100)
#: Working days in a year for one FTE, as the DfE's absence rate counts them.
WORKING_DAYS_PER_YEAR = Decimal(253)

TURNOVER_END = "end"
TURNOVER_START = "start"

# The indicator codes are `metrics.models.Indicator`'s values (a test keeps them in step).
TURNOVER = "turnover"
AGENCY = "agency"
PERMANENT = "permanent"
VACANCY = "vacancy"
VACANCIES_COVERED = "vacancies_covered"
CASELOAD = "caseload"
ABSENCE = "absence"


@dataclass(frozen=True)
class IndicatorInfo:
    code: str
    label: str
    unit: str
    definition: str


INDICATORS: dict[str, IndicatorInfo] = {
    info.code: info
    for info in [
        IndicatorInfo(
            VACANCY,
            "Vacancy rate",
            Unit.PERCENT,
            "Vacancies (FTE) as a share of vacancies plus staff in post.",
        ),
        IndicatorInfo(
            AGENCY,
            "Agency worker rate",
            Unit.PERCENT,
            "Agency workers (FTE) as a share of agency workers plus staff in post.",
        ),
        IndicatorInfo(
            PERMANENT,
            "Permanent social workers",
            Unit.PERCENT,
            "100% less the agency worker rate.",
        ),
        IndicatorInfo(
            VACANCIES_COVERED,
            "Vacancies covered by agency workers",
            Unit.PERCENT,
            "Agency workers covering vacancies (FTE) as a share of the vacancies.",
        ),
        IndicatorInfo(
            TURNOVER,
            "Turnover rate (12 months)",
            Unit.PERCENT,
            "Leavers (FTE) in the 12 months to the return date as a share of the staff in "
            "post at that date.",
        ),
        IndicatorInfo(
            ABSENCE,
            "Absence rate (12 months)",
            Unit.PERCENT,
            "Working days lost to sickness in the 12 months as a share of the working days "
            "of the staff in post (253 a year for each FTE).",
        ),
        IndicatorInfo(
            CASELOAD,
            "Average caseload",
            Unit.RATIO,
            "Cases held per case-holding FTE (agency case holders included).",
        ),
    ]
}


# -- the formulas ----------------------------------------------------------------------


def _divide(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    if numerator is None or denominator is None or denominator == 0:
        return None
    return Decimal(numerator) / Decimal(denominator)


def _percent(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    share = _divide(numerator, denominator)
    return None if share is None else share * HUNDRED


def turnover_rate(leavers_fte: Decimal, in_post_fte: Decimal) -> Decimal | None:
    return _percent(leavers_fte, in_post_fte)


def agency_worker_rate(agency_fte: Decimal, in_post_fte: Decimal) -> Decimal | None:
    return _percent(agency_fte, Decimal(agency_fte) + Decimal(in_post_fte))


def permanent_rate(agency_fte: Decimal, in_post_fte: Decimal) -> Decimal | None:
    agency = agency_worker_rate(agency_fte, in_post_fte)
    return None if agency is None else HUNDRED - agency


def vacancy_rate(vacancies_fte: Decimal, in_post_fte: Decimal) -> Decimal | None:
    return _percent(vacancies_fte, Decimal(vacancies_fte) + Decimal(in_post_fte))


def vacancies_covered_rate(
    agency_covering_vacancies_fte: Decimal, vacancies_fte: Decimal
) -> Decimal | None:
    return _percent(agency_covering_vacancies_fte, vacancies_fte)


def average_caseload(cases: int | Decimal, case_holding_fte: Decimal) -> Decimal | None:
    return _divide(Decimal(cases), case_holding_fte)


def absence_rate(sickness_days: Decimal, in_post_fte: Decimal) -> Decimal | None:
    return _percent(sickness_days, Decimal(in_post_fte) * WORKING_DAYS_PER_YEAR)


def rounded(value: Decimal | None, places: int = 1) -> Decimal | None:
    """For display only: half away from zero, as published figures are."""
    if value is None:
        return None
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def display(value: Decimal | None, indicator: str) -> str:
    """An indicator's value as a person reads it: "14.2%", "15.2"; "No data" for None."""
    return format_value(rounded(value, 1), INDICATORS[indicator].unit)


def twelve_months_before(day: datetime.date) -> datetime.date:
    """The same day a year earlier; a month's last day gives that month's last day. In
    year 1 (no such return can be entered now, but one may be stored) there is no year
    before: the earliest date stands in, so the 12 months take every earlier return."""
    if day.year == datetime.MINYEAR:
        return datetime.date.min
    year = day.year - 1
    last = calendar.monthrange(day.year, day.month)[1]
    if day.day == last:
        return day.replace(year=year, day=calendar.monthrange(year, day.month)[1])
    return day.replace(year=year)


def turnover_denominator() -> str:
    """The setting `WORKFORCE_TURNOVER_DENOMINATOR`: "end" (DfE) or "start"."""
    value = getattr(settings, "WORKFORCE_TURNOVER_DENOMINATOR", TURNOVER_END)
    if value not in (TURNOVER_END, TURNOVER_START):
        raise ValueError(f'WORKFORCE_TURNOVER_DENOMINATOR must be "end" or "start", not {value!r}')
    return value


# -- from returns to indicators --------------------------------------------------------


class ReturnLike(Protocol):
    """What the indicators read from a return (a `WorkforceReturn` is one)."""

    team_id: int
    as_at: datetime.date
    establishment_fte: Decimal
    permanent_fte: Decimal
    agency_fte: Decimal
    agency_covering_vacancies_fte: Decimal
    vacancies_fte: Decimal
    leavers_fte: Decimal
    sickness_days: Decimal
    cases: int
    case_holding_fte: Decimal


@dataclass(frozen=True)
class Figures:
    """The sums behind the indicators for one team, or a group of teams, at one date.

    `returns` is how many teams made a return at `as_at`; everything else is added up
    across those teams. The 12-month sums use the same teams' returns over the 12 months
    to `as_at`. `start_*` are the sums over the teams that also made a return 12 months
    earlier, for the "start" turnover setting (None when none did)."""

    as_at: datetime.date
    returns: int
    establishment_fte: Decimal = ZERO
    in_post_fte: Decimal = ZERO
    agency_fte: Decimal = ZERO
    agency_covering_vacancies_fte: Decimal = ZERO
    vacancies_fte: Decimal = ZERO
    cases: Decimal = ZERO
    case_holding_fte: Decimal = ZERO
    leavers_fte_12_months: Decimal = ZERO
    sickness_days_12_months: Decimal = ZERO
    start_in_post_fte: Decimal | None = None
    start_leavers_fte_12_months: Decimal | None = None
    part_year_teams: int = 0

    def part_year(self, indicator: str) -> bool:
        """Whether a 12-month indicator rests on fewer than 12 months of some team's
        returns (a team with no return on or before the start of the 12 months)."""
        if indicator == TURNOVER and turnover_denominator() == TURNOVER_START:
            return False  # only teams with a return at the start count
        return indicator in (TURNOVER, ABSENCE) and self.part_year_teams > 0

    @property
    def turnover(self) -> Decimal | None:
        if turnover_denominator() == TURNOVER_START:
            return turnover_rate(self.start_leavers_fte_12_months, self.start_in_post_fte)
        return turnover_rate(self.leavers_fte_12_months, self.in_post_fte)

    @property
    def agency(self) -> Decimal | None:
        return agency_worker_rate(self.agency_fte, self.in_post_fte)

    @property
    def permanent(self) -> Decimal | None:
        return permanent_rate(self.agency_fte, self.in_post_fte)

    @property
    def vacancy(self) -> Decimal | None:
        return vacancy_rate(self.vacancies_fte, self.in_post_fte)

    @property
    def vacancies_covered(self) -> Decimal | None:
        return vacancies_covered_rate(self.agency_covering_vacancies_fte, self.vacancies_fte)

    @property
    def caseload(self) -> Decimal | None:
        return average_caseload(self.cases, self.case_holding_fte)

    @property
    def absence(self) -> Decimal | None:
        return absence_rate(self.sickness_days_12_months, self.in_post_fte)

    def value(self, indicator: str) -> Decimal | None:
        if indicator not in INDICATORS:
            raise ValueError(f"No workforce indicator {indicator!r}")
        return getattr(self, indicator)


def _by_team(returns: Iterable[ReturnLike]) -> dict[int, dict[datetime.date, ReturnLike]]:
    teams: dict[int, dict[datetime.date, ReturnLike]] = defaultdict(dict)
    for workforce_return in returns:
        teams[workforce_return.team_id][workforce_return.as_at] = workforce_return
    return teams


def _figures(teams: dict[int, dict[datetime.date, ReturnLike]], as_at: datetime.date) -> Figures:
    year_start = twelve_months_before(as_at)
    sums = defaultdict(lambda: ZERO)
    start_in_post = start_leavers = None
    count = part_year_teams = 0
    for by_date in teams.values():
        current = by_date.get(as_at)
        if current is None:
            continue  # no return from this team at this date: not in the group's figures
        count += 1
        for field in (
            "establishment_fte",
            "agency_fte",
            "agency_covering_vacancies_fte",
            "vacancies_fte",
            "case_holding_fte",
        ):
            sums[field] += Decimal(getattr(current, field))
        sums["in_post_fte"] += Decimal(current.permanent_fte)
        sums["cases"] += Decimal(current.cases)
        leavers = ZERO
        for day, workforce_return in by_date.items():
            if year_start < day <= as_at:
                leavers += Decimal(workforce_return.leavers_fte)
                sums["sickness_days_12_months"] += Decimal(workforce_return.sickness_days)
        sums["leavers_fte_12_months"] += leavers
        if min(by_date) > year_start:
            part_year_teams += 1
        at_start = by_date.get(year_start)
        if at_start is not None:
            start_in_post = (start_in_post or ZERO) + Decimal(at_start.permanent_fte)
            start_leavers = (start_leavers or ZERO) + leavers
    return Figures(
        as_at=as_at,
        returns=count,
        start_in_post_fte=start_in_post,
        start_leavers_fte_12_months=start_leavers,
        part_year_teams=part_year_teams,
        **sums,
    )


def figures_at(returns: Iterable[ReturnLike], as_at: datetime.date) -> Figures:
    """The figures at `as_at` for the teams whose returns are given (returns of any
    dates: the earlier ones give the 12-month sums)."""
    return _figures(_by_team(returns), as_at)


def series(returns: Iterable[ReturnLike]) -> list[Figures]:
    """The figures at every date at which any of the given returns is dated, oldest first."""
    teams = _by_team(returns)
    dates = sorted({day for by_date in teams.values() for day in by_date})
    return [_figures(teams, day) for day in dates]


def latest_date(returns: Sequence[ReturnLike]) -> datetime.date | None:
    return max((r.as_at for r in returns), default=None)

"""Which reporting periods a plan has: the one place every "previous period", "last six
period ends" and "how long is a period" question is answered, and where a plan's periods
are generated.

Each plan has its own periods (`ReportingPeriod.plan`) at its own cadence (monthly,
quarterly or six-monthly, `Plan.reporting_cadence`), aligned to the UK financial year
(April to March) and generated from the plan's start date to today, past included, so an
old plan can be compared with its previous period as at its own report date. An
administrator may add or change periods by hand: generating again only adds the missing
ones and never touches those.

Pages about many plans use the batch functions (`current_periods`, `previous_periods`,
`list_period_ends`): one query whatever the number of plans. Nothing else reads
`ReportingPeriod` to answer these questions.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.db.models import F, Min, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from improvement.models import Cadence, Plan, ReportingPeriod

# Owners should have updated by this many days after a period ends (as the demo's and
# the first administrators' quarters always had).
DEADLINE_DAYS = 10

MONTHS = {Cadence.MONTHLY: 1, Cadence.QUARTERLY: 3, Cadence.SIX_MONTHLY: 6}

# The UK financial year starts in April.
FINANCIAL_YEAR_START = 4

# The earliest period a workbook may name for a new plan (before any plan here).
EARLIEST_PERIOD = date(1990, 4, 1)


def cadence_months(cadence: str) -> int:
    return MONTHS.get(cadence, 3)


def period_months(plan: Plan) -> int:
    """The length of one of the plan's reporting periods, in months (1, 3 or 6)."""
    return cadence_months(plan.reporting_cadence)


# -- generating a plan's periods ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PeriodDates:
    """One generated period: what `ReportingPeriod` gets when it is created."""

    name: str
    start: date
    end: date
    update_deadline: date


def months_before(day: date, months: int) -> date:
    """The same day `months` earlier (the month's last day where it is shorter)."""
    total = day.year * 12 + day.month - 1 - months
    year, month = divmod(total, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _first_of_month_after(day: date, months: int) -> date:
    total = day.year * 12 + day.month - 1 + months
    year, month = divmod(total, 12)
    return date(year, month + 1, 1)


def _period_start(day: date, months: int) -> date:
    """The first day of the period of `months` months containing `day`, counted from
    April (the financial year)."""
    offset = (day.month - FINANCIAL_YEAR_START) % 12
    back = offset % months
    return _first_of_month_after(date(day.year, day.month, 1), -back)


def _period_name(start: date, end: date, months: int) -> str:
    if months == 1:
        return f"{start:%B %Y}"
    if months == 3:
        first_year = start.year if start.month >= FINANCIAL_YEAR_START else start.year - 1
        quarter = (start.month - FINANCIAL_YEAR_START) % 12 // 3 + 1
        return f"Quarter {quarter} {first_year}/{str(first_year + 1)[2:]}"
    if start.year == end.year:
        return f"{start:%B} to {end:%B %Y}"
    return f"{start:%B %Y} to {end:%B %Y}"


def period_dates(cadence: str, first_day: date, last_day: date) -> list[PeriodDates]:
    """The periods of `cadence` from the one containing `first_day` to the one containing
    `last_day`, oldest first: quarters "Quarter 1 2013/14" (April to June), months "April
    2013", halves "April to September 2013"; updates due `DEADLINE_DAYS` after each end."""
    months = cadence_months(cadence)
    result = []
    start = _period_start(first_day, months)
    while start <= last_day:
        following = _first_of_month_after(start, months)
        end = following - timedelta(days=1)
        result.append(
            PeriodDates(
                name=_period_name(start, end, months),
                start=start,
                end=end,
                update_deadline=end + timedelta(days=DEADLINE_DAYS),
            )
        )
        start = following
    return result


def planned_periods(
    plan: Plan, today: date | None = None, *, cadence: str | None = None, start=None
) -> list[PeriodDates]:
    """The periods `plan` should have: from the one containing its start date (today,
    without one) to the one containing today, or its end date when it ended before."""
    today = today or timezone.localdate()
    first = start if start is not None else plan.start_date
    first = first or today
    last = today
    if plan.end_date and plan.end_date < today:
        last = plan.end_date
    last = max(first, last)
    return period_dates(cadence or plan.reporting_cadence, first, last)


def missing_periods(
    wanted: Iterable[PeriodDates], existing: Iterable[ReportingPeriod]
) -> list[PeriodDates]:
    """Of the periods wanted, those to add: not overlapping a period the plan has, and not
    named like one (a period added or changed by hand is never overruled)."""
    existing = list(existing)
    names = {p.name for p in existing}
    return [
        p
        for p in wanted
        if p.name not in names and not any(e.start <= p.end and e.end >= p.start for e in existing)
    ]


def generate_periods(plan: Plan, today: date | None = None) -> list[ReportingPeriod]:
    """Add the plan's missing periods (`planned_periods` less those it has); returns the
    ones added. Running it again adds nothing."""
    with transaction.atomic():
        # One generation at a time per plan: two at once would both add the same period.
        Plan.objects.select_for_update().filter(pk=plan.pk).values_list("pk").first()
        existing = list(ReportingPeriod.objects.filter(plan=plan))
        new = [
            ReportingPeriod(plan=plan, **_fields(p))
            for p in missing_periods(planned_periods(plan, today), existing)
        ]
        # With their history rows, in a few queries (a monthly plan from 2004 has hundreds).
        return bulk_create_with_history(new, ReportingPeriod) if new else []


def _fields(p: PeriodDates) -> dict:
    return {"name": p.name, "start": p.start, "end": p.end, "update_deadline": p.update_deadline}


@dataclass(frozen=True, slots=True)
class Regenerated:
    added: int
    removed: int
    kept: int  # periods in use (updates or reminders) or changed by hand


def regenerate_periods(
    plan: Plan, *, old_cadence: str, old_start: date | None, today: date | None = None
) -> Regenerated:
    """After the cadence or the start date changed: remove the periods generated for the
    old settings that nothing points at (no update, no reminder sent), then add the
    missing ones. A period in use, or added or changed by hand, is kept."""
    from improvement.models import ReminderLog

    with transaction.atomic():
        old = {
            (p.name, p.start, p.end, p.update_deadline)
            for p in planned_periods(plan, today, cadence=old_cadence, start=old_start)
        }
        periods = list(ReportingPeriod.objects.filter(plan=plan))
        in_use = set(
            ReminderLog.objects.filter(period__plan=plan).values_list("period_id", flat=True)
        ) | set(
            ReportingPeriod.objects.filter(plan=plan, updates__isnull=False).values_list(
                "pk", flat=True
            )
        )
        removable = [
            p
            for p in periods
            if p.pk not in in_use and (p.name, p.start, p.end, p.update_deadline) in old
        ]
        ReportingPeriod.objects.filter(pk__in=[p.pk for p in removable]).delete()
        added = generate_periods(plan, today)
    return Regenerated(added=len(added), removed=len(removable), kept=len(periods) - len(removable))


# -- answering period questions ------------------------------------------------------------


def periods_for(plans: Iterable[Plan] | QuerySet[Plan] | None = None) -> QuerySet[ReportingPeriod]:
    """The reporting periods of some plans (for one "compare with" list), latest first.
    Plans sharing a period (the same name and dates) list it once: its first copy stands
    for all (the comparison uses its end date for every plan)."""
    periods = ReportingPeriod.objects.all()
    if plans is not None:
        periods = periods.filter(plan__in=plans)
    first_of_each = periods.values("name", "start", "end").annotate(first=Min("pk")).values("first")
    return ReportingPeriod.objects.filter(pk__in=first_of_each).order_by("-end", "name")


def plan_periods(plan: Plan) -> QuerySet[ReportingPeriod]:
    """One plan's periods, latest first."""
    return ReportingPeriod.objects.filter(plan=plan).order_by("-end")


def stale_before(plan: Plan, as_at: date) -> date:
    """Evidence dated before this day is stale as at `as_at`: older than the plan's
    staleness window (`Plan.staleness_periods` reporting periods)."""
    return months_before(as_at, period_months(plan) * plan.staleness_periods)


def staleness_words(plan: Plan) -> str:
    """The window in words: "two reporting periods (6 months)"."""
    n = plan.staleness_periods
    months = period_months(plan) * n
    count = _NUMBERS.get(n, str(n))
    return f"{count} reporting period{'s' if n != 1 else ''} ({months} months)"


_NUMBERS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}


def current_period(plan: Plan, day: date) -> ReportingPeriod | None:
    """The plan's period containing `day` (the one updates made that day belong to)."""
    return (
        ReportingPeriod.objects.filter(plan=plan, start__lte=day, end__gte=day)
        .order_by("-start")
        .first()
    )


def current_periods(plans: Iterable[Plan], day: date) -> dict[int, ReportingPeriod | None]:
    """`current_period` for many plans in one query."""
    plans = list(plans)
    result: dict[int, ReportingPeriod | None] = {plan.pk: None for plan in plans}
    for period in ReportingPeriod.objects.filter(
        plan__in=[p.pk for p in plans], start__lte=day, end__gte=day
    ).order_by("start"):
        result[period.plan_id] = period
    return result


def shared_period(periods: Iterable[ReportingPeriod | None]) -> ReportingPeriod | None:
    """The one period all these plans are in (the same name and dates), for a page about
    many plans; None when they differ or none is in one."""
    found = {(p.name, p.start, p.end, p.update_deadline): p for p in periods if p is not None}
    return next(iter(found.values())) if len(found) == 1 else None


def previous_period(plan: Plan, as_at: date) -> ReportingPeriod | None:
    """The plan's latest reporting period that ended before `as_at`."""
    return previous_periods([plan], as_at)[plan.pk]


def previous_period_end(plan: Plan, as_at: date) -> date | None:
    period = previous_period(plan, as_at)
    return period.end if period else None


def previous_periods(plans: Iterable[Plan], as_at: date) -> dict[int, ReportingPeriod | None]:
    """`previous_period` for many plans in one query."""
    latest = _latest(plans, Q(end__lt=as_at), 1)
    return {pk: (found[0] if found else None) for pk, found in latest.items()}


def period_ends(plan: Plan, before: date, count: int) -> list[ReportingPeriod]:
    """The plan's last `count` reporting periods that ended on or before `before`,
    oldest first (fewer when fewer have ended)."""
    return list_period_ends([plan], before, count)[plan.pk]


def list_period_ends(
    plans: Iterable[Plan], before: date, count: int
) -> dict[int, list[ReportingPeriod]]:
    """`period_ends` for many plans in one query."""
    latest = _latest(plans, Q(end__lte=before), count)
    return {pk: list(reversed(found)) for pk, found in latest.items()}


def _latest(plans: Iterable[Plan], ended: Q, count: int) -> dict[int, list[ReportingPeriod]]:
    """Each plan's last `count` periods matching `ended`, latest first: one query (a
    window numbers each plan's periods from the latest)."""
    pks = [p.pk for p in plans]
    result: dict[int, list[ReportingPeriod]] = {pk: [] for pk in pks}
    if not pks or count < 1:
        return result
    rows = (
        ReportingPeriod.objects.filter(ended, plan__in=pks)
        .annotate(row=Window(RowNumber(), partition_by=[F("plan_id")], order_by=[F("end").desc()]))
        .filter(row__lte=count)
        .order_by("plan_id", "-end")
    )
    for period in rows:
        result[period.plan_id].append(period)
    return result

"""Which reporting periods a plan has: the one place every "previous period", "last six
period ends" and "how long is a period" question is answered.

Today reporting periods are global (`ReportingPeriod`, one list for every plan, quarters
in practice), so every plan gets the same answers. When plans get their own cadence and
generated periods, only this module changes: its callers already ask per plan (or per
batch of plans, in a fixed number of queries) and never read `ReportingPeriod` directly.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date

from django.db.models import QuerySet

from improvement.models import Plan, ReportingPeriod

# How long one reporting period is, in months, for the staleness window. Every plan is
# quarterly today (the demo and the seed plans report quarterly).
QUARTER_MONTHS = 3


def periods_for(plans: Iterable[Plan] | None = None) -> QuerySet[ReportingPeriod]:
    """The reporting periods of some plans (for a "compare with" list), latest first."""
    return ReportingPeriod.objects.order_by("-end")


def period_months(plan: Plan) -> int:
    """The length of one of the plan's reporting periods, in months."""
    return QUARTER_MONTHS


def months_before(day: date, months: int) -> date:
    """The same day `months` earlier (the month's last day where it is shorter)."""
    total = day.year * 12 + day.month - 1 - months
    year, month = divmod(total, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


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


def current_period(plan: Plan | None, day: date) -> ReportingPeriod | None:
    """The plan's period containing `day` (the one updates made that day belong to);
    `plan` None: the periods every plan shares today (for a page about many plans)."""
    return ReportingPeriod.current(day)


def current_periods(plans: Iterable[Plan], day: date) -> dict[int, ReportingPeriod | None]:
    """`current_period` for many plans in one query."""
    period = ReportingPeriod.current(day)
    return {plan.pk: period for plan in plans}


def previous_period(plan: Plan | None, as_at: date) -> ReportingPeriod | None:
    """The plan's latest reporting period that ended before `as_at` (`plan` None: as in
    `current_period`)."""
    return ReportingPeriod.objects.filter(end__lt=as_at).order_by("-end").first()


def previous_period_end(plan: Plan | None, as_at: date) -> date | None:
    period = previous_period(plan, as_at)
    return period.end if period else None


def previous_periods(plans: Iterable[Plan], as_at: date) -> dict[int, ReportingPeriod | None]:
    """`previous_period` for many plans in one query."""
    period = previous_period(None, as_at)
    return {plan.pk: period for plan in plans}


def period_ends(plan: Plan, before: date, count: int) -> list[ReportingPeriod]:
    """The plan's last `count` reporting periods that ended on or before `before`,
    oldest first (fewer when fewer have ended)."""
    return list_period_ends([plan], before, count)[plan.pk]


def list_period_ends(
    plans: Iterable[Plan], before: date, count: int
) -> dict[int, list[ReportingPeriod]]:
    """`period_ends` for many plans in one query."""
    latest = list(ReportingPeriod.objects.filter(end__lte=before).order_by("-end")[:count])
    latest.reverse()
    return {plan.pk: latest for plan in plans}

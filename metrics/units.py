"""Units of measure: what a value may be, and how it is written.

14.0%, 50.32 FTE, £41,000, 266 per 10,000, 12.5 days, 1,440 (a count), 0.25 (a ratio).
Values are Decimals; formatting never goes through floats.

What a unit can sensibly hold (`LIMITS`, checked by `value_problem` wherever a value is
entered: the measure admin and its inlines, the data-entry page, the workbook import):

    percentage        0 to 100
    count             0 to 10,000,000, whole (England has about 12 million children; no
                      council counts more of anything in this service)
    FTE               0 to 100,000 (the largest council employs a small fraction of that)
    rate per 10,000   0 to 100,000 (ten events per person: contacts, referrals)
    money             -£10 billion to £10 billion (an overspend or a saving can be
                      negative; the largest council budget is well inside it)
    days              0 to 1,000,000 (durations, and totals such as days lost to sickness
                      across a large workforce)
    ratio             0 to 10,000 (caseloads, staff to managers)

Every limit fits the value fields (16 digits, 4 of them decimal, so up to
999,999,999,999.9999): a test keeps them so. The limits are what keeps a typing slip
(a salary typed as a budget, a percentage as a count) out of every chart, status and
report. `RESOLUTION` is the smallest difference a unit is written to: a chart's axis
never steps by less, so no two of its labels read the same.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db import models


class Unit(models.TextChoices):
    PERCENT = "percent", "Percentage"
    COUNT = "count", "Count"
    FTE = "fte", "FTE (full-time equivalent)"
    RATE_PER_10K = "rate_per_10k", "Rate per 10,000"
    MONEY = "money", "Money (£)"
    DAYS = "days", "Days"
    RATIO = "ratio", "Ratio"
    TEXT = "text", "Text (qualitative)"


#: (lowest, highest) value of each numeric unit; see the module's docstring for why.
LIMITS: dict[str, tuple[Decimal, Decimal]] = {
    Unit.PERCENT: (Decimal(0), Decimal(100)),
    Unit.COUNT: (Decimal(0), Decimal(10_000_000)),
    Unit.FTE: (Decimal(0), Decimal(100_000)),
    Unit.RATE_PER_10K: (Decimal(0), Decimal(100_000)),
    Unit.MONEY: (Decimal(-10_000_000_000), Decimal(10_000_000_000)),
    Unit.DAYS: (Decimal(0), Decimal(1_000_000)),
    Unit.RATIO: (Decimal(0), Decimal(10_000)),
}

NOUNS = {
    Unit.PERCENT: "A percentage",
    Unit.COUNT: "A count",
    Unit.FTE: "An FTE figure",
    Unit.RATE_PER_10K: "A rate per 10,000",
    Unit.MONEY: "A sum of money",
    Unit.DAYS: "A number of days",
    Unit.RATIO: "A ratio",
}

#: The smallest difference `format_value` shows in each unit.
RESOLUTION: dict[str, Decimal] = {
    Unit.PERCENT: Decimal("0.1"),
    Unit.COUNT: Decimal(1),
    Unit.FTE: Decimal("0.01"),
    Unit.RATE_PER_10K: Decimal("0.1"),
    Unit.MONEY: Decimal("0.01"),
    Unit.DAYS: Decimal("0.1"),
    Unit.RATIO: Decimal("0.01"),
}


def _quantize(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _grouped(value: Decimal, places: int) -> str:
    return f"{_quantize(value, places):,.{places}f}"


def _trimmed(value: Decimal, max_places: int) -> str:
    """Up to `max_places` decimals, without trailing zeros: 50.32, 57, 14.5."""
    text = _grouped(value, max_places)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def format_value(value: Decimal | int | None, unit: str) -> str:
    """A value as a person reads it, in its unit."""
    if value is None:
        return "No data"
    value = Decimal(value)
    match unit:
        case Unit.PERCENT:
            return f"{_grouped(value, 1)}%"
        case Unit.FTE:
            return f"{_trimmed(value, 2)} FTE"
        case Unit.MONEY:
            sign = "-" if value < 0 else ""
            places = 0 if value == value.to_integral_value() else 2
            return f"{sign}£{_grouped(abs(value), places)}"
        case Unit.RATE_PER_10K:
            return f"{_trimmed(value, 1)} per 10,000"
        case Unit.DAYS:
            return f"{_trimmed(value, 1)} day{'' if value == 1 else 's'}"
        case Unit.COUNT:
            return _trimmed(value, 0) if value == value.to_integral_value() else _trimmed(value, 1)
        case _:
            return _trimmed(value, 2)


def format_change(delta: Decimal | None, unit: str) -> str:
    """A difference in a unit: "+2.5 percentage points", "-£4,000", "+3"."""
    if delta is None:
        return ""
    sign = "+" if delta > 0 else "-" if delta < 0 else "±"
    magnitude = abs(Decimal(delta))
    if unit == Unit.PERCENT:
        points = _grouped(magnitude, 1)
        return f"{sign}{points} percentage point{'' if points == '1.0' else 's'}"
    return f"{sign}{format_value(magnitude, unit)}"


def value_problem(value: Decimal, unit: str) -> str | None:
    """Why `value` cannot be a value of `unit`, or None when it can."""
    if unit == Unit.TEXT:
        return "This measure takes text, not a number."
    if unit not in LIMITS:
        return "Choose the measure's unit first."
    value = Decimal(value)
    if not value.is_finite():
        return "Enter a number, like 14.5."
    low, high = LIMITS[unit]
    if unit == Unit.MONEY:
        if not low <= value <= high:
            # an overspend or a saving can be negative, but not beyond any council's budget
            return (
                f"A sum of money must be between {format_value(low, unit)} and "
                f"{format_value(high, unit)}."
            )
        return None
    if value < 0:
        return f"{NOUNS[unit]} cannot be negative."
    if value > high:
        return f"{NOUNS[unit]} cannot be more than {high:,}."
    if unit == Unit.COUNT and value != value.to_integral_value():
        return "A count is a whole number."
    return None


def tolerance_problem(tolerance: Decimal, unit: str) -> str | None:
    """Why `tolerance` cannot be an amber tolerance in `unit` (never more than the
    unit's whole range), or None when it can."""
    if unit not in LIMITS:
        return None
    low, high = LIMITS[unit]
    if not Decimal(tolerance).is_finite() or tolerance > high - low:
        return f"The amber tolerance cannot be more than the unit's whole range, {high - low:,}."
    return None

"""Units of measure: what a value may be, and how it is written.

14.0%, 50.32 FTE, £41,000, 266 per 10,000, 12.5 days, 1,440 (a count), 0.25 (a ratio).
Values are Decimals; formatting never goes through floats."""

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
    if unit == Unit.MONEY:
        return None  # an overspend or a saving can be negative
    if value < 0:
        return f"A {Unit(unit).label.lower()} cannot be negative."
    if unit == Unit.PERCENT and value > 100:
        return "A percentage cannot be more than 100."
    if unit == Unit.COUNT and value != value.to_integral_value():
        return "A count is a whole number."
    return None

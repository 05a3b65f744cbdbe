"""Small line charts of an indicator over time, drawn on the server as SVG (the template
`workforce/_line_chart.html`). Each chart carries a title and a description in words, and
the page shows the same values in a table beside it, so nothing depends on seeing the
line or its colour. Dates are spaced by time, not by position, so a missed quarter shows
as a longer step; a date without a value breaks the line rather than bridging it. The y
axis comes from `metrics.charts.nice_ticks` (Decimals, a bounded number of ticks), from
zero unless a value is below it, so odd figures already stored (huge, negative, all the
same) still draw a finite, readable chart."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal, localcontext

from metrics.charts import PRECISION, nice_ticks
from metrics.units import Unit
from workforce import indicators
from workforce.indicators import Figures
from workforce.selectors import Cell

WIDTH, HEIGHT = 360, 200
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 12, 36
PLOT_WIDTH, PLOT_HEIGHT = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM


@dataclass(frozen=True)
class Point:
    x: str
    y: str
    label: str


@dataclass(frozen=True)
class Tick:
    position: str
    label: str
    anchor: str = "middle"


@dataclass(frozen=True)
class Chart:
    id: str
    indicator: str
    label: str
    title: str
    description: str
    lines: list[str]
    points: list[Point]
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    rows: list[tuple[datetime.date, Cell]]
    width: int = WIDTH
    height: int = HEIGHT
    plot_left: int = LEFT
    plot_right: int = WIDTH - RIGHT
    plot_bottom: int = HEIGHT - BOTTOM


def _coordinate(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.1'))}"


#: Indicators are shown to one decimal place (`indicators.display`): no finer gridlines.
RESOLUTION = Decimal("0.1")


def scale(values: list[Decimal]) -> list[Decimal]:
    """The y axis's gridlines: round steps covering zero and every value."""
    low = min([Decimal(0), *values])
    high = max([Decimal(0), *values])
    return nice_ticks(low, high, resolution=RESOLUTION)


def _tick_label(value: Decimal, unit: str) -> str:
    text = f"{value.normalize():,f}"
    return f"{text}%" if unit == Unit.PERCENT else text


def line_chart(history: list[Figures], indicator: str, scope_label: str) -> Chart:
    info = indicators.INDICATORS[indicator]
    values = [(f.as_at, f.value(indicator)) for f in history]
    known = [(day, value) for day, value in values if value is not None]
    gridlines = scale([v for _, v in known])
    bottom, top = gridlines[0], gridlines[-1]

    first = values[0][0] if values else None
    span = (values[-1][0] - first).days if values else 0

    def x(day: datetime.date) -> Decimal:
        if not span:
            return Decimal(LEFT) + Decimal(PLOT_WIDTH) / 2
        return Decimal(LEFT) + Decimal(PLOT_WIDTH) * (day - first).days / span

    def y(value: Decimal) -> Decimal:
        with localcontext() as context:
            context.prec = PRECISION
            return Decimal(TOP + PLOT_HEIGHT) - Decimal(PLOT_HEIGHT) * (value - bottom) / (
                top - bottom
            )

    lines, current, points = [], [], []
    for day, value in values:
        if value is None:
            if current:
                lines.append(" ".join(current))
            current = []
            continue
        shown = indicators.display(value, indicator)
        current.append(f"{_coordinate(x(day))},{_coordinate(y(value))}")
        points.append(Point(_coordinate(x(day)), _coordinate(y(value)), f"{day:%d %B %Y}: {shown}"))
    if current:
        lines.append(" ".join(current))

    x_ticks = []
    if values:
        x_ticks.append(Tick(_coordinate(x(values[0][0])), f"{values[0][0]:%b %Y}", "start"))
        if len(values) > 1:
            x_ticks.append(Tick(_coordinate(x(values[-1][0])), f"{values[-1][0]:%b %Y}", "end"))
    return Chart(
        id=f"chart-{indicator}",
        indicator=indicator,
        label=info.label,
        title=f"{info.label} by return date: {scope_label}",
        description=_describe(values, known, indicator),
        lines=lines,
        points=points,
        y_ticks=[Tick(_coordinate(y(g)), _tick_label(g, info.unit), "end") for g in gridlines],
        x_ticks=x_ticks,
        rows=[
            (
                f.as_at,
                Cell(
                    indicators.display(value, indicator),
                    value is not None and f.part_year(indicator),
                ),
            )
            for f, (_, value) in zip(history, values, strict=True)
        ],
    )


def _describe(values, known, indicator) -> str:
    if not known:
        return "No values yet."
    shown = lambda value: indicators.display(value, indicator)  # noqa: E731
    (first_day, first), (last_day, last) = known[0], known[-1]
    text = (
        f"{len(known)} value{'' if len(known) == 1 else 's'} from {first_day:%d %B %Y} "
        f"to {last_day:%d %B %Y}: {shown(first)} at first, {shown(last)} at the latest."
    )
    if len(known) > 2:
        low_day, low = min(known, key=lambda item: item[1])
        high_day, high = max(known, key=lambda item: item[1])
        text += (
            f" Lowest {shown(low)} ({low_day:%d %B %Y}), "
            f"highest {shown(high)} ({high_day:%d %B %Y})."
        )
    missing = len(values) - len(known)
    if missing:
        text += f" No value at {missing} date{'' if missing == 1 else 's'}."
    return text

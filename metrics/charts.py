"""Charts drawn on the server as SVG, so the same chart goes into a page, a PDF and (as
PNG) a Word document. Readable without colour: the values are a solid line with round
markers, the baseline a dashed line, targets dotted lines with diamond markers, each
labelled in words; every chart has a title and a description, and the page puts the
same numbers in a table beside it.

Axes and coordinates are worked out in Decimals, never floats: a float cannot tell
-999999999999.9999 from -999999999999.9998, and an axis stepping between them by a
float never reached its end. `nice_ticks` makes at most `MAX_TICKS` ticks for any finite
input, never steps by less than the unit's resolution, and never divides by a zero span,
so every chart is finite and readable whatever values the units accept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, localcontext
from xml.sax.saxutils import escape

from django.utils.safestring import SafeString, mark_safe

from metrics.status import UNDATED, Point, TargetRow
from metrics.units import RESOLUTION, format_value
from metrics.wording import target_value_words

#: The most ticks an axis has (count + 2 at most; this bounds the loop whatever the input).
MAX_TICKS = 12
#: Enough digits for any value a field holds (16) divided by any step, with room to spare.
PRECISION = 60
FINEST = Decimal("0.0001")  # the value fields' four decimal places


@dataclass(frozen=True)
class Box:
    width: int = 640
    height: int = 300
    left: int = 70
    right: int = 150
    top: int = 20
    bottom: int = 40

    @property
    def plot_width(self) -> int:
        return self.width - self.left - self.right

    @property
    def plot_height(self) -> int:
        return self.height - self.top - self.bottom


def nice_ticks(
    low: Decimal | float | int,
    high: Decimal | float | int,
    count: int = 5,
    *,
    resolution: Decimal = FINEST,
) -> list[Decimal]:
    """Round tick values covering low..high: steps of 1, 2 or 5 times a power of ten, about
    `count` of them, never finer than `resolution` (so no two labels read the same).
    Identical values get an axis around them (0 to 1 for zero)."""
    low, high = _decimal(low), _decimal(high)
    if not (low.is_finite() and high.is_finite()):
        raise ValueError("An axis needs finite values.")
    count = min(max(int(count), 1), MAX_TICKS - 2)
    resolution = max(Decimal(resolution), FINEST)
    low, high = min(low, high), max(low, high)
    with localcontext() as context:
        context.prec = PRECISION
        if low == high:
            if low == 0:
                high = max(resolution, Decimal(1))
            else:
                # one power of ten either side of the value's own: -5 gives -6 to -4
                pad = max(Decimal(1).scaleb(abs(low).adjusted()), resolution)
                low, high = low - pad, high + pad
        raw = max((high - low) / count, resolution)
        exponent = raw.adjusted()
        mantissa = raw.scaleb(-exponent)
        step = Decimal(next(m for m in (1, 2, 5, 10) if m >= mantissa)).scaleb(exponent)
        first = (low / step).to_integral_value(rounding=ROUND_FLOOR)
        last = (high / step).to_integral_value(rounding=ROUND_CEILING)
        # step >= (high - low) / count, so there are at most count + 1 steps.
        steps = min(max(int(last - first), 1), MAX_TICKS - 1)
        whole = Decimal(1) if step >= 1 else step
        return [((first + i) * step).quantize(whole) for i in range(steps + 1)]


def _decimal(value: Decimal | float | int) -> Decimal:
    return Decimal(str(value)) if isinstance(value, float) else Decimal(value)


def _a(text: str) -> str:
    return escape(text, {'"': "&quot;"})


def line_chart(
    *,
    chart_id: str,
    title: str,
    unit: str,
    points: list[Point],
    baseline: Point | None = None,
    targets: list[TargetRow] = (),
    box: Box = Box(),
) -> SafeString:
    """A line chart of a measure's values with its baseline and targets. A target with no
    date is a line across the whole chart; one with no number (words, or a change with no
    baseline yet) is described, not drawn."""
    description = _describe(points, baseline, targets, unit)
    targets = [t for t in targets if t.value is not None]
    dates = [p.period_end for p in points]
    dates += [t.due_date for t in targets if t.due_date is not None]
    if baseline is not None and baseline.period_end != UNDATED:
        dates.append(baseline.period_end)
    values = [Decimal(p.value) for p in points]
    values += [Decimal(v) for t in targets for v in (t.value, t.value_high) if v is not None]
    if baseline is not None:
        values.append(Decimal(baseline.value))
    if not dates:
        return mark_safe(  # noqa: S308 - built from escaped parts
            f'<p class="govuk-body" id="{_a(chart_id)}">No values to chart yet.</p>'
        )
    first, last = min(dates), max(dates)
    span = max((last - first).days, 1)
    # From zero unless a value is below it, so a bar of values is not read as a fall.
    ticks = nice_ticks(
        min(min(values), Decimal(0)), max(values), resolution=RESOLUTION.get(unit, FINEST)
    )
    low, high = ticks[0], ticks[-1]

    def x(day: date) -> float:
        return box.left + (day - first).days / span * box.plot_width

    def y(value: Decimal) -> float:
        with localcontext() as context:
            context.prec = PRECISION
            share = (Decimal(value) - low) / (high - low)
        return box.top + (1 - float(share)) * box.plot_height

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {box.width} {box.height}" '
        f'width="{box.width}" height="{box.height}" role="img" class="app-chart" '
        f'aria-labelledby="{_a(chart_id)}-title {_a(chart_id)}-desc" font-family="sans-serif" '
        f'font-size="12">',
        f'<title id="{_a(chart_id)}-title">{_a(title)}</title>',
        f'<desc id="{_a(chart_id)}-desc">{_a(description)}</desc>',
        '<rect x="0" y="0" width="100%" height="100%" fill="#ffffff"/>',
    ]
    for tick in ticks:
        ty = y(tick)
        label = format_value(tick, unit)
        parts.append(
            f'<line x1="{box.left}" x2="{box.left + box.plot_width}" y1="{ty:.1f}" '
            f'y2="{ty:.1f}" stroke="#b1b4b6" stroke-width="1"/>'
            f'<text x="{box.left - 6}" y="{ty + 4:.1f}" text-anchor="end" fill="#0b0c0c">'
            f"{_a(label)}</text>"
        )
    for day in sorted({first, last}):
        parts.append(
            f'<text x="{x(day):.1f}" y="{box.height - 12}" text-anchor="middle" '
            f'fill="#0b0c0c">{day:%b %Y}</text>'
        )
    right = box.left + box.plot_width
    if baseline is not None:
        by = y(baseline.value)
        parts.append(
            f'<line x1="{box.left}" x2="{right}" y1="{by:.1f}" y2="{by:.1f}" stroke="#505a5f" '
            f'stroke-width="2" stroke-dasharray="8 4"/>'
            f'<text x="{right + 6}" y="{by + 4:.1f}" fill="#0b0c0c">Baseline '
            f"{_a(format_value(baseline.value, unit))}</text>"
        )
    for target in targets:
        for value in filter(lambda v: v is not None, (target.value, target.value_high)):
            word = "Milestone" if target.kind == "interim" else "Target"
            ty = y(value)
            # No date: the aim at every date, a line across the chart with no marker.
            tx = x(target.due_date) if target.due_date is not None else right
            marker = (
                f'<path d="M{tx:.1f},{ty - 6:.1f} l6,6 l-6,6 l-6,-6 z" fill="#ffffff" '
                f'stroke="#0b0c0c" stroke-width="2"/>'
                if target.due_date is not None
                else ""
            )
            parts.append(
                f'<line x1="{box.left}" x2="{tx:.1f}" y1="{ty:.1f}" y2="{ty:.1f}" '
                f'stroke="#0b0c0c" stroke-width="1.5" stroke-dasharray="2 3"/>{marker}'
                f'<text x="{right + 6}" y="{ty + 4:.1f}" fill="#0b0c0c">{word} '
                f"{_a(format_value(value, unit))}</text>"
            )
    if points:
        path = " ".join(
            f"{'M' if i == 0 else 'L'}{x(p.period_end):.1f},{y(p.value):.1f}"
            for i, p in enumerate(points)
        )
        parts.append(f'<path d="{path}" fill="none" stroke="#1d70b8" stroke-width="3"/>')
        for p in points:
            parts.append(
                f'<circle cx="{x(p.period_end):.1f}" cy="{y(p.value):.1f}" r="4" fill="#1d70b8" '
                f'stroke="#0b0c0c" stroke-width="1"/>'
            )
        latest = points[-1]
        # Label the latest value on the side of its point that has room.
        anchor = "end" if x(latest.period_end) > box.left + box.plot_width / 2 else "start"
        parts.append(
            f'<text x="{x(latest.period_end) + (4 if anchor == "start" else 0):.1f}" '
            f'y="{y(latest.value) - 10:.1f}" '
            f'text-anchor="{anchor}" font-weight="bold" fill="#0b0c0c">'
            f"{_a(format_value(latest.value, unit))}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def sparkline(points: list[Point], *, width: int = 100, height: int = 24) -> SafeString:
    """A tiny trend line for a table row; decorative, the row says the numbers in words."""
    if len(points) < 2:
        return mark_safe("")
    values = [Decimal(p.value) for p in points]
    low, high = min(values), max(values)
    spread = (high - low) or Decimal(1)
    step = (width - 4) / (len(points) - 1)

    def y(v: Decimal) -> float:
        with localcontext() as context:
            context.prec = PRECISION
            share = (v - low) / spread
        return 2 + (1 - float(share)) * (height - 4)

    path = " ".join(
        f"{'M' if i == 0 else 'L'}{2 + i * step:.1f},{y(v):.1f}" for i, v in enumerate(values)
    )
    return mark_safe(  # noqa: S308 - numbers only
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-hidden="true" focusable="false">'
        f'<path d="{path}" fill="none" stroke="#0b0c0c" stroke-width="1.5"/></svg>'
    )


def _describe(points, baseline, targets, unit) -> str:
    parts = []
    if points:
        first, last = points[0], points[-1]
        parts.append(
            f"{len(points)} value{'s' if len(points) != 1 else ''} from {first.period_end:%B %Y} "
            f"({format_value(first.value, unit)}) to {last.period_end:%B %Y} "
            f"({format_value(last.value, unit)})."
        )
    else:
        parts.append("No values yet.")
    if baseline is not None:
        parts.append(f"Baseline {format_value(baseline.value, unit)}.")
    for target in targets:
        word = "Milestone" if target.kind == "interim" else "Target"
        due = f"by {target.due_date:%B %Y}" if target.due_date else "(no date)"
        parts.append(f"{word} {target_value_words(target, unit)} {due}.")
    return " ".join(parts)

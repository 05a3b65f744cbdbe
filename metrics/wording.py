"""Targets and figures as councils write them: reading a target's words, and writing a
target, a figure's date and a direction back in words.

A target is one of three kinds (`read_target`):

    a number      "80", "14%", "£41,000", "50.32 FTE"; in a ratio measure "7:10" (0.7,
                  shown as 7:10); in a percentage measure "100% of staff" (100) and
                  "all staff" or "every child" (100: "all" of a percentage is all of it;
                  only where the words hold no other figure, so "80% good and no more
                  than 5% inadequate" is not read as 80)
    a change      from the measure's baseline: "10% increase", "reduce by 60%", "halve",
                  "double", "+5 percentage points", "increase by 5" (an amount in the
                  unit; in a percentage measure say "percentage points" or "%", as "5"
                  could be either); it becomes a number once there is a baseline
    text          anything in quotes, "'a robust system in place'": shown, never judged

A reported figure is a number, or in a ratio measure a ratio as written ("7:10",
`read_figure`): its value is 0.7 and it is shown as 7:10 (`figure_words`).

Anything else is refused with the forms it could take, never guessed. The words are
kept (`written`) and shown wherever the target is; the number (or the change) is what
`metrics.status` judges a value by.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from metrics.units import Unit, format_value

NUMBER, CHANGE, TEXT = "number", "change", "text"
# How a change is applied to the baseline (`Target.change_by`).
PERCENT, FACTOR, AMOUNT = "percent", "factor", "amount"
_PLACES = Decimal("0.0001")  # the precision values are stored in

NOT_UNDERSTOOD_FIX = "write a number, a change like “10% increase” or “halve”, or text in quotes"


class TargetNotUnderstood(ValueError):
    """The words are not a target this app can read; the message says what to write."""


@dataclass(frozen=True)
class TargetWords:
    """A target read from its words: a number (`value`), a change from the baseline
    (`change_by`, `change`) or text; `written` is the wording to keep ("" for a bare
    number, which needs none)."""

    kind: str
    written: str = ""
    value: Decimal | None = None
    change_by: str = ""
    change: Decimal | None = None


def _squash(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


_QUOTES = {'"': '"', "'": "'", "“": "”", "‘": "’"}
_NUMBER = r"(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?"
_UNIT_WORDS = {
    Unit.FTE: r"(?:fte|full[- ]time equivalents?)",
    Unit.DAYS: r"days?",
    Unit.RATE_PER_10K: r"(?:per 10,?000)",
}
_UP = r"(?:increase|increased|rise|raise|raised|improve|improvement|up)"
_DOWN = r"(?:decrease|decreased|reduce|reduced|reduction|cut|fall|lower|lowered|down)"
_FACTORS = {
    "halve": Decimal("0.5"),
    "halved": Decimal("0.5"),
    "double": Decimal(2),
    "doubled": Decimal(2),
    "treble": Decimal(3),
    "trebled": Decimal(3),
    "triple": Decimal(3),
    "tripled": Decimal(3),
}
_ALL = re.compile(r"(?:all|every|everyone|everybody)\b", re.IGNORECASE)
# Words of movement: "10% more" is a change, not a level, and is not read as 10%.
_MOVES = re.compile(
    r"\b(?:more|less|fewer|increase\w*|decrease\w*|rise|fall|higher|lower|up|down|"
    r"reduc\w*|improve\w*|cut|grow\w*|double\w*|halve\w*|by)\b",
    re.IGNORECASE,
)
_BOUND = re.compile(
    r"(?:at least|minimum(?: of)?|no (?:more|fewer|less) than|at most|maximum(?: of)?|"
    r"up to|under|below|over|above)\s+(?P<n>(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)\b",
    re.IGNORECASE,
)


def _number(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def _bare_number(text: str, unit: str) -> Decimal | None:
    """The number in "80", "14%", "£41,000", "-£4,000", "50.32 FTE", or None."""
    words = _UNIT_WORDS.get(unit)
    pattern = rf"(?P<sign>[-+−]?)\s*(?P<pound>£?)\s*(?P<n>{_NUMBER})\s*(?P<pc>%?)" + (
        rf"(?:\s*{words})?" if words else ""
    )
    match = re.fullmatch(pattern, text, re.IGNORECASE)
    if not match:
        return None
    if match["pound"] and unit != Unit.MONEY:
        raise TargetNotUnderstood(
            f"Target “{text}” is a sum of money, but the measure's unit is "
            f"{_unit_label(unit)}: change the unit, or "
            f"{NOT_UNDERSTOOD_FIX}."
        )
    if match["pc"] and unit != Unit.PERCENT:
        raise TargetNotUnderstood(
            f"Target “{text}” is a percentage, but the measure's unit is "
            f"{_unit_label(unit)}: change the unit to "
            f"Percentage, or {NOT_UNDERSTOOD_FIX}."
        )
    value = _number(match["n"])
    return -value if match["sign"] in ("-", "−") else value


_SIZE = r"(?P<n>(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)"
_BY = r"(?P<what>%|percentage points?|points?|pp)?"
_CHANGES = (
    # "10% increase", "10 % reduction", "5 percentage point increase"
    re.compile(rf"{_SIZE}\s*{_BY}\s+(?P<way>{_UP}|{_DOWN})"),
    # "increase by 10%", "reduction of 10%", "reduce by 5 percentage points"
    re.compile(rf"(?P<way>{_UP}|{_DOWN})\s+(?:by|of)\s+{_SIZE}\s*{_BY}"),
    # "+5 percentage points", "-2 pp"
    re.compile(rf"(?P<way>[-+−])\s*{_SIZE}\s*(?P<what>percentage points?|points?|pp)"),
)


def _change(text: str, unit: str) -> TargetWords | None:
    lowered = text.casefold()
    for prefix in ("a ", "an ", "to "):
        lowered = lowered.removeprefix(prefix)
    if lowered in _FACTORS:
        return TargetWords(CHANGE, text, change_by=FACTOR, change=_FACTORS[lowered])
    match = next((m for p in _CHANGES if (m := p.fullmatch(lowered))), None)
    if match is None:
        return None
    size, by, way = _number(match["n"]), match["what"], match["way"]
    down = way in ("-", "−") or bool(re.fullmatch(_DOWN, way))
    signed = -size if down else size
    if by == "%":
        if down and size > 100:
            raise TargetNotUnderstood(
                f"Target “{text}”: nothing can fall by more than 100%. "
                f"Check the figure, or {NOT_UNDERSTOOD_FIX}."
            )
        return TargetWords(CHANGE, text, change_by=PERCENT, change=signed)
    if by:  # percentage points
        if unit != Unit.PERCENT:
            raise TargetNotUnderstood(
                f"Target “{text}” is in percentage points, but the measure's unit is "
                f"{_unit_label(unit)}: write the change in its unit (“increase by 5”), or "
                "as a percentage (“10% increase”)."
            )
        return TargetWords(CHANGE, text, change_by=AMOUNT, change=signed)
    if unit == Unit.PERCENT:
        raise TargetNotUnderstood(
            f"Target “{text}” could mean {size} percentage points or {size}% of the "
            f"baseline: write “{'-' if down else '+'}{size} percentage points” or "
            f"“{size}% {'decrease' if down else 'increase'}”."
        )
    return TargetWords(CHANGE, text, change_by=AMOUNT, change=signed)


def _unit_label(unit: str) -> str:
    return Unit(unit).label if unit in Unit.values else unit


def is_ratio(text: str) -> bool:
    """Whether the words are a ratio: "7:10", "1 : 18"."""
    return bool(re.fullmatch(rf"{_NUMBER}\s*:\s*{_NUMBER}", _squash(text)))


def ratio_value(text: str) -> Decimal:
    """7:10 as 0.7, to the precision values are stored in; ValueError for "7:0"."""
    left, right = (_number(part.strip()) for part in _squash(text).split(":"))
    if right == 0:
        raise ValueError("a ratio cannot be to 0")
    return (left / right).quantize(_PLACES)


class FigureNotUnderstood(ValueError):
    """A reported figure's words that are not a figure of its measure's unit."""


def read_figure(text: str, unit: str) -> tuple[Decimal, str]:
    """A reported figure written in words, for a measure in `unit`: (its value, the
    words to show in its place). Only a ratio is read ("7:10" in a Ratio measure, shown
    as 7:10); a plain number needs no words. Raises `FigureNotUnderstood`."""
    text = _squash(text)
    if is_ratio(text):
        if unit != Unit.RATIO:
            raise FigureNotUnderstood(
                f"“{text}” is a ratio, but the measure's unit is {_unit_label(unit)}: "
                "change the unit to Ratio, or write the figure as a number."
            )
        try:
            return ratio_value(text), text
        except ValueError:
            raise FigureNotUnderstood(f"“{text}”: a ratio cannot be to 0.") from None
    what = "a number or a ratio (7:10)" if unit == Unit.RATIO else "a number"
    raise FigureNotUnderstood(f"“{text}” is not {what}.")


def figure_words(point, unit: str) -> str:
    """A figure as shown: as written where it was written (7:10), else in its unit.
    `point` is a `DataPoint` or a `metrics.status.Point`."""
    written = getattr(point, "written", "") or ""
    return written or format_value(point.value, unit)


def read_target(text: str, unit: str) -> TargetWords:
    """A target from its words, for a measure in `unit`; raises `TargetNotUnderstood`."""
    text = _squash(text)
    if not text:
        raise TargetNotUnderstood(f"The target is empty: {NOT_UNDERSTOOD_FIX}.")
    if len(text) >= 2 and _QUOTES.get(text[0]) == text[-1]:
        inner = _squash(text[1:-1])
        if not inner:
            raise TargetNotUnderstood(f"The target in quotes is empty: {NOT_UNDERSTOOD_FIX}.")
        return TargetWords(TEXT, inner)
    if unit == Unit.TEXT:
        return TargetWords(TEXT, text)
    number = _bare_number(text, unit)
    if number is not None:
        return TargetWords(NUMBER, "", value=number)
    if is_ratio(text):
        if unit != Unit.RATIO:
            raise TargetNotUnderstood(
                f"Target “{text}” is a ratio, but the measure's unit is "
                f"{_unit_label(unit)}: change the unit to "
                f"Ratio, or {NOT_UNDERSTOOD_FIX}."
            )
        try:
            return TargetWords(NUMBER, text, value=ratio_value(text))
        except ValueError:
            raise TargetNotUnderstood(f"Target “{text}”: a ratio cannot be to 0.") from None
    change = _change(text, unit)
    if change is not None:
        return change
    figures = re.findall(r"\d[\d,]*(?:\.\d+)?", text)
    if unit == Unit.PERCENT:
        # "100% of staff", "Sustainable 80% permanent social worker staff": the one
        # percentage in the words; "all staff": 100.
        if (
            len(figures) == 1
            and not _MOVES.search(text)
            and (m := re.search(rf"(?<![\d.,]){_SIZE}\s*%", text))
        ):
            return TargetWords(NUMBER, text, value=_number(m["n"]))
        if _ALL.match(text) and not figures:
            return TargetWords(NUMBER, text, value=Decimal(100))
    elif len(figures) == 1 and (m := _BOUND.match(text)):
        # "Minimum 4 per year", "no more than 14 children": the one figure, a bound.
        return TargetWords(NUMBER, text, value=_number(m["n"]))
    raise TargetNotUnderstood(f"Target “{text}” is not understood: {NOT_UNDERSTOOD_FIX}.")


def words_out(*, value, value_high, written, change_by) -> str | int | float | Decimal:
    """A target as the workbook writes it back, so that `read_target` reads the same
    target: its words where it has them (text in quotes), else the number."""
    if change_by or (written and value is not None):
        return written
    if written:
        return f"“{written}”"
    return value


# -- writing a target, a figure's date and a direction in words ------------------------


def target_value_words(target, unit: str) -> str:
    """A target's aim without its date: "80.0%", "14 to 16", "7:10", "all staff
    (100.0%)", "15.4% (10% increase)", "10% increase (no baseline yet)", "all staff"
    (text). `target` is a `metrics.status.TargetRow` or a `Target`."""
    written = getattr(target, "written", "") or ""
    change_by = getattr(target, "change_by", "") or ""
    value = _resolved(target)
    if change_by:
        if value is None:
            return f"{written} (no baseline yet)"
        return f"{format_value(value, unit)} ({written})"
    if value is None:
        return written
    shown = format_value(value, unit)
    if target.value_high is not None:
        shown += f" to {format_value(target.value_high, unit)}"
    if written:
        if unit == Unit.RATIO or re.search(r"\d", written):
            return written
        return f"{written} ({shown})"
    return shown


def _resolved(target) -> Decimal | None:
    """A `TargetRow`'s value is already worked out from the baseline; a `Target`'s is
    worked out here from its measure's."""
    if hasattr(target, "resolved_value"):
        return target.resolved_value()
    return target.value


def due_words(due: date | None, *, short: bool = False) -> str:
    if due is None:
        return "no date"
    return f"by {due:%b %Y}" if short else f"by {due:%-d %B %Y}"


def target_words(target, unit: str, *, short: bool = False) -> str:
    """ "80.0% by 31 March 2017", "halve (no baseline yet), no date", "all staff"."""
    aim = target_value_words(target, unit)
    if target.due_date is None:
        return f"{aim} (no date)"
    return f"{aim} {due_words(target.due_date, short=short)}"


def figure_date_words(day: date, reported: bool, *, short: bool = False) -> str:
    """When a figure is from: its period end, or the report it was given in."""
    shown = f"{day:%-d %b %Y}" if short else f"{day:%-d %B %Y}"
    return f"reported {shown}" if reported else shown

"""Reading one cell of a plan workbook, and writing one back.

Each `read_*` takes what openpyxl or the csv module gave (text, a number, a datetime, a
boolean or None) and returns the value for the model, or raises `CellProblem` saying
what is wrong and how to fix it. Nothing here guesses: a date that could be read
day-first or month-first is refused, and a short "09/03" is a month and year only in a
column whose heading says so.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from improvement.reports.safe import FORMULA_STARTS
from improvement.reports.safe import cell as safe_cell
from improvement.status import Status, status_match_key

# The most characters a spreadsheet cell holds (Excel's limit, and so the plan
# workbook's): longer text is refused on import and stops an export, never cut.
CELL_LIMIT = 32_767


def fits_a_cell(text: str) -> None:
    """Refuse text that would not fit a cell once exported (with its apostrophe)."""
    length = len(escape(text))
    if length > CELL_LIMIT:
        raise CellProblem(
            f"The text is {length:,} characters long; a spreadsheet cell holds at most "
            f"{CELL_LIMIT:,}, so the tracker could not export it whole.",
            "Shorten it, or split it into several entries.",
        )


class CellProblem(Exception):
    def __init__(self, message: str, fix: str = ""):
        self.message, self.fix = message, fix
        super().__init__(message)


class FigureText(str):
    """A figure's cell holding words, not a number ("7:10"): what they mean depends on
    the measure's unit, so the Data sheet's planner decides (`measures.MeasureSheets`)."""


def read_figure_cell(value: object) -> Decimal | FigureText | None:
    """A Data sheet Value: a number, or the words as written (`FigureText`)."""
    try:
        return read_number(value)
    except CellProblem:
        if isinstance(value, str) and not isinstance(value, PercentCell):
            return FigureText(" ".join(read_text(value).split()))
        raise


class PercentCell(float):
    """A number from a cell formatted as a percentage: Excel shows 14% and holds 0.14."""


MONTHS = {
    name: number
    for number in range(1, 13)
    for name in {
        calendar.month_name[number].casefold(),
        calendar.month_abbr[number].casefold(),
    }
}
MONTHS["sept"] = 9

DATE_FIX = "Write the date as 31/03/2013 or 2013-03-31, or enter it as an Excel date."


def _end_of_month(year: int, month: int) -> date:
    try:
        return date(year, month, calendar.monthrange(year, month)[1])
    except ValueError:
        raise CellProblem(f"{month:02d}/{year:04d} is not a real month.", DATE_FIX) from None


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:  # only in month/year columns: "09/03" is 2003
        year += 2000 if year < 70 else 1900
    return year


def _day(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise CellProblem(f"“{text}” is not a real date.", DATE_FIX) from None


def read_date(value: object, *, month_year: bool = False) -> date | None:
    """A date from a real date or from text: 31/03/2013, 2013-03-31, 31 March 2013,
    March 2014 and 03/2014 (the end of that month); in a month/year column also 09/03."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool | int | float | Decimal):
        raise CellProblem(
            f"{value} is a number, not a date.",
            "Format the cell as a date, or write the date as 31/03/2013 or 2013-03-31.",
        )
    text = " ".join(str(value).split())
    if not text:
        return None
    if match := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text):
        year, month, day = (int(g) for g in match.groups())
        return _day(year, month, day, text)
    if match := re.fullmatch(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})", text):
        day, month, year = (int(g) for g in match.groups())
        if day <= 12 and month <= 12 and day != month:
            raise CellProblem(
                f"“{text}” could be {day} {calendar.month_name[month]} or "
                f"{month} {calendar.month_name[day]} {year}.",
                f"Write it as {year}-{month:02d}-{day:02d} (year, month, day), or enter it "
                "as an Excel date.",
            )
        return _day(year, month, day, text)
    if match := re.fullmatch(r"(\d{1,2}) ([A-Za-z]+)\.?,? (\d{4})", text):
        day, name, year = match.groups()
        if name.casefold() in MONTHS:
            return _day(int(year), MONTHS[name.casefold()], int(day), text)
    if match := re.fullmatch(r"([A-Za-z]+)\.?,? (\d{4})", text):
        name, year = match.groups()
        if name.casefold() in MONTHS:
            return _end_of_month(int(year), MONTHS[name.casefold()])
    if match := re.fullmatch(r"(\d{1,2})/(\d{4})", text):
        month, year = int(match[1]), int(match[2])
        if 1 <= month <= 12:
            return _end_of_month(year, month)
    if match := re.fullmatch(r"(\d{1,2})/(\d{2})", text):
        first, second = int(match[1]), match[2]
        if not month_year:
            raise CellProblem(
                f"“{text}” could be a day and month or a month and year.",
                "Write the full date (30/09/2003 or 2003-09-30). A column of month/year "
                'dates can be headed "Due month", and then 09/03 means September 2003.',
            )
        if not 1 <= first <= 12:
            raise CellProblem(
                f"“{text}”: {first} is not a month.", "Write it as 09/03 or 2003-09-30."
            )
        return _end_of_month(_year(second), first)
    raise CellProblem(f"“{text}” is not a date.", DATE_FIX)


def read_number(value: object) -> Decimal | None:
    """A figure as a Decimal (never through a float's digits: 50.32 stays 50.32)."""
    if value is None:
        return None
    if isinstance(value, PercentCell):
        raise CellProblem(
            f"The cell is formatted as a percentage, so it holds {float(value)} rather than "
            f"{float(value) * 100:g}.",
            "Type the number of per cent (14 for 14%) in a cell formatted as a number.",
        )
    if isinstance(value, bool):
        raise CellProblem(f"{value} is not a number.", "Type the number.")
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value))
    if isinstance(value, date):
        raise CellProblem(
            f"{value:%d/%m/%Y} is a date, not a number.", "Type the number in a number cell."
        )
    text = str(value).strip()
    if not text:
        return None
    plain = text.removeprefix("£").removesuffix("%").strip()
    if re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?", plain):
        plain = plain.replace(",", "")
    try:
        number = Decimal(plain)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise CellProblem(
            f"“{text}” is not a number.", "Type the figure alone: 14 for 14%, 41000 for £41,000."
        )
    return number


def read_whole(value: object) -> int | None:
    number = read_number(value)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise CellProblem(f"{number} is not a whole number.", "Type a whole number.")
    return int(number)


YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0"}


def read_yes_no(value: object) -> bool | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    text = str(value).strip().casefold()
    if text in YES:
        return True
    if text in NO:
        return False
    raise CellProblem(f"“{value}” is not Yes or No.", "Write Yes or No.")


def read_text(value: object) -> str:
    """Text as written: line endings made plain, surrounding space dropped, and the
    apostrophe our exports put before = + - @ taken off again."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").strip()
    return unescape(text)


BULLET = "•"


def read_lines(value: object) -> list[str]:
    """One item per line; or, where the first line starts with a bullet (•), one item per
    bullet, so that an item can run over several lines."""
    lines = [line.strip() for line in read_text(value).split("\n")]
    if not lines[0].startswith(BULLET):
        return [line for line in lines if line]
    items: list[list[str]] = []
    for line in lines:
        if line.startswith(BULLET):
            items.append([line[len(BULLET) :].strip()])
        else:
            items[-1].append(line)
    return [text for text in ("\n".join(item).strip() for item in items) if text]


def lines_out(items: list[str]) -> str:
    """The inverse of `read_lines`: one item a line, or bullets where an item has lines
    of its own (or starts with a bullet)."""
    if any("\n" in item or item.startswith(BULLET) for item in items):
        return "\n".join(f"{BULLET} {item}" for item in items)
    return "\n".join(items)


def read_list(value: object) -> list[str]:
    """References or user names separated by commas (or semicolons, or lines)."""
    return [part.strip() for part in re.split(r"[,;\n]", read_text(value)) if part.strip()]


def _key(text: str) -> str:
    return status_match_key(text)


def read_choice(value: object, choices: tuple[tuple[str, str], ...]) -> str | None:
    """The stored value of a choice, given by its label ("Service review") or value."""
    text = read_text(value)
    if not text:
        return None
    wanted = _key(text)
    for stored, label in choices:
        if wanted in (_key(stored), _key(label)):
            return stored
    for stored, label in choices:  # "Final" for "Final target", "Higher" for "Higher is ..."
        if _key(label).split()[0] == wanted or _key(label).startswith(wanted + " ("):
            return stored
    words = ", ".join(label for _, label in choices)
    raise CellProblem(f"“{text}” is not one of the choices.", f"Write one of: {words}.")


class StatusCell(str):
    """A status read from a cell: the stored value ("complete"), carrying the plan's
    label it was written in ("Achieved"; "" for a standard word the plan does not use as
    a label), so an update keeps the council's own word."""

    label: str = ""

    def __new__(cls, status: str, label: str = ""):
        cell = super().__new__(cls, status)
        cell.label = label
        return cell


def status_words(labels) -> dict[str, tuple[str, str]]:
    """Every word that names a status in a plan, matched case- and space-insensitively:
    its own labels (which win, the first of them where two collide), then the standard
    words and the stored values. `labels`: (label, status) pairs in key order, or a
    mapping of status to its one label. Each word gives (status, the label as the key
    writes it, or "" for a standard word)."""
    pairs = (
        [(label, status) for status, label in labels.items()]
        if isinstance(labels, dict)
        else list(labels)
    )
    words: dict[str, tuple[str, str]] = {}
    for label, status in pairs:
        if label:
            words.setdefault(status_match_key(label), (str(status), " ".join(label.split())))
    for status in Status:
        words.setdefault(status_match_key(status.value), (status.value, ""))
        words.setdefault(status_match_key(status.label), (status.value, ""))
    return words


def own_labels(words: dict[str, tuple[str, str]]) -> list[str]:
    """The plan's own labels among `words`, in key order."""
    return [label for _, label in words.values() if label]


class UnknownStatus(CellProblem):
    """A status the plan's key does not have: the dry run offers to add it (`label`)."""

    def __init__(self, message: str, fix: str, label: str):
        super().__init__(message, fix)
        self.label = label


def read_status(value: object, words: dict[str, tuple[str, str]], labels=None) -> str:
    """The stored status for a status written in a cell (a `StatusCell` carrying the
    plan's label it was written in), matched to the plan's key case- and
    space-insensitively; "" for a blank cell; `UnknownStatus` for a word the key lacks."""
    text = " ".join(read_text(value).split())
    if not text:
        return ""
    found = words.get(status_match_key(text))
    if found is None:
        own = own_labels(words)
        listed = ", ".join(own) if own else "none of its own"
        standard = ", ".join(Status.labels)
        raise UnknownStatus(
            f"“{text}” is not a status this plan defines. Its labels: {listed}.",
            f"Use one of its labels or the standard words ({standard}); or add “{text}” "
            "to the plan's key: a row on the Status key sheet with the standard status "
            "it means.",
            text,
        )
    status, label = found
    return StatusCell(status, label)


# -- writing ---------------------------------------------------------------------------


def escape(text: str) -> str:
    """Text made safe to open in Excel (improvement.reports.safe), and reversible: an
    apostrophe our reader would take off is doubled."""
    if text.startswith("'") and text[1:].startswith((*FORMULA_STARTS, "'")):
        return "'" + text
    return safe_cell(text)


def unescape(text: str) -> str:
    if text.startswith("'") and text[1:].startswith((*FORMULA_STARTS, "'")):
        return text[1:]
    return text


def number_out(value: Decimal | None) -> int | float | None:
    """A Decimal as a spreadsheet number: whole numbers as whole numbers."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def number_text(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = format(value.normalize(), "f")
    return text


def show(value: object) -> str:
    """A value as the dry run describes it: "31/03/2004", "(blank)", “a short text…”."""
    if value is None or value == "" or value == [] or value == set():
        return "(blank)"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, Decimal):
        return number_text(value)
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value) if isinstance(value, set | frozenset) else value
        return "; ".join(show(v) for v in items)
    text = " ".join(str(value).split())
    if len(text) > 60:
        text = text[:57].rstrip() + "…"
    return f"“{text}”"

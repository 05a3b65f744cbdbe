"""Cells that are safe to open in Excel or LibreOffice.

A spreadsheet program treats a cell beginning with = + - @ (or a tab or carriage return
before one) as a formula, so text such as "=HYPERLINK(...)" typed into a narrative would
run when a clerk opens the export. Such text gets a leading apostrophe (shown by Excel as
plain text). The full-width forms of those signs count too: some spreadsheet programs
read "＝1+1" as a formula. Numbers and dates are left alone: they are values, not text.
"""

from datetime import date, datetime
from decimal import Decimal

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def cell(value):
    """A value made safe to put in a CSV or spreadsheet cell."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float | Decimal | date | datetime):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def row(values) -> list:
    return [cell(v) for v in values]

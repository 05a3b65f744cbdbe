"""CSV for the API: one row per item, nested fields flattened into dotted columns
("action_status_counts.complete"), lists joined with "; ", and every text cell made
formula-safe by `improvement.reports.safe` (a title "=HYPERLINK(...)" arrives as
"'=HYPERLINK(...)"). Values the serializer writes as Decimal strings go back to Decimals
first, so a negative number ("-4.5") stays a number instead of gaining an apostrophe.

The lists stream their CSV themselves (`views.AsAtViewSet.csv_response`, the whole
filtered list, not one page); `CSVRenderer` writes a single item (a plan's detail) and
error responses, and lets `?format=csv` and `Accept: text/csv` be negotiated at all.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from rest_framework import renderers, serializers

from improvement.reports.safe import row as safe_row

CSV_TYPE = "text/csv; charset=utf-8"
# Excel reads a UTF-8 file as UTF-8 (£, curly quotes) only when it starts with a BOM.
BOM = "\ufeff"


@dataclass(frozen=True)
class Column:
    heading: str
    path: tuple[str, ...]
    decimal: bool = False


def columns_of(serializer: serializers.Serializer, prefix: tuple[str, ...] = ()) -> list[Column]:
    """The flattened columns of an item serializer, in its field order."""
    columns = []
    for name, field in serializer.fields.items():
        path = (*prefix, name)
        if isinstance(field, serializers.Serializer):
            columns += columns_of(field, path)
        else:
            columns.append(
                Column(".".join(path), path, decimal=isinstance(field, serializers.DecimalField))
            )
    return columns


def _value(data, column: Column):
    for key in column.path:
        data = data.get(key) if isinstance(data, dict) else None
    if isinstance(data, bool):
        return "true" if data else "false"
    if isinstance(data, list | tuple):
        return "; ".join(str(item) for item in data)
    if column.decimal and data not in (None, ""):
        return Decimal(data)
    return data


def csv_line(values: Iterable) -> str:
    """One CSV line, every cell formula-safe."""
    buffer = io.StringIO()
    csv.writer(buffer).writerow(safe_row(values))
    return buffer.getvalue()


def csv_rows(columns: list[Column], items: Iterable[dict]) -> Iterable[str]:
    for item in items:
        yield csv_line(_value(item, column) for column in columns)


def _columns_of_data(data: dict, prefix: tuple[str, ...] = ()) -> list[Column]:
    """Columns read off the data itself, for responses no serializer describes (errors)."""
    columns = []
    for key, value in data.items():
        path = (*prefix, str(key))
        if isinstance(value, dict):
            columns += _columns_of_data(value, path)
        else:
            columns.append(Column(".".join(path), path))
    return columns


class CSVRenderer(renderers.BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        renderer_context = renderer_context or {}
        view = renderer_context.get("view")
        response = renderer_context.get("response")
        if data is None:
            return b""
        if isinstance(data, dict) and "results" in data:
            items = data["results"]
        elif isinstance(data, list):
            items = data
        else:
            items = [data]
        failed = response is not None and response.status_code >= 400
        if not failed and view is not None and hasattr(view, "get_serializer"):
            columns = columns_of(view.get_serializer())
        else:
            columns = _columns_of_data(items[0]) if items and isinstance(items[0], dict) else []
        lines = [csv_line(column.heading for column in columns), *csv_rows(columns, items)]
        return (BOM + "".join(lines)).encode("utf-8")

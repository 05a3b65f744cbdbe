"""Paging for the list pages (actions, measures): whatever a query string says, a normal
page. `?per_page=` is clamped to MIN_PER_PAGE..MAX_PER_PAGE rows (a negative or zero size
gives the smallest, a huge one the largest, so no request makes one page of every row),
and `?page=` to 1..the last page; a value that is not a whole number (text, a NUL byte,
"1e9") is ignored and the default used."""

from __future__ import annotations

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator

MIN_PER_PAGE = 10
MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 50


def rows_per_page(value: object, default: int = DEFAULT_PER_PAGE) -> int:
    """A page size within MIN_PER_PAGE..MAX_PER_PAGE."""
    number = _whole(value)
    return min(max(default if number is None else number, MIN_PER_PAGE), MAX_PER_PAGE)


def page_number(value: object) -> int:
    """A page number of at least 1 (past the last page is the paginator's to clamp)."""
    number = _whole(value)
    return 1 if number is None else max(number, 1)


def _whole(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    try:
        return int(str(value).strip()) if value is not None else None
    except ValueError:
        return None


class BoundedPaging:
    """A django-tables2 Table whose paging (through `RequestConfig`) is always in range:
    the page size clamped, the page number at least 1 and at most the last page."""

    def paginate(self, paginator_class=Paginator, per_page=None, page=1, *args, **kwargs):
        self.paginator = paginator_class(self.rows, rows_per_page(per_page), *args, **kwargs)
        try:
            self.page = self.paginator.page(page_number(page))
        except (EmptyPage, PageNotAnInteger):
            self.page = self.paginator.page(self.paginator.num_pages)
        return self

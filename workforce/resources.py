"""Workforce returns in and out of CSV files (django-import-export), for the admin's
Import and Export buttons and `manage.py import_workforce_returns`.

Columns: `service_area` and `team` (names, as in the admin), `as_at` (the return date,
2025-09-30 or 30/09/2025), then one column per figure, named as the model's fields. A
row for a team and date that already has a return updates it; an unchanged row is left
alone. A blank figure is 0.

An import is all or nothing: one bad row and nothing is saved, and every problem is
reported against its row and column. Figures must be plain numbers: a cell starting with
=, +, -, @ (a spreadsheet formula) is refused as not a number, never worked out; a
negative number is refused too. An exported cell that starts with one of those
characters (or a tab or carriage return) is written with a leading apostrophe, so a
spreadsheet shows it as text instead of running it.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import models
from import_export import fields, resources, widgets
from import_export.tmp_storages import BaseStorage

from workforce.models import Team, WorkforceReturn
from workforce.services import Refreshed, indicator_measures_refresh

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"^-?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?$")

FIGURE_COLUMNS = [
    "establishment_fte",
    "permanent_fte",
    "agency_fte",
    "agency_covering_vacancies_fte",
    "vacancies_fte",
    "starters_fte",
    "starters_headcount",
    "leavers_fte",
    "leavers_headcount",
    "leavers_under_two_years",
    "sickness_days",
    "cases",
    "case_holding_fte",
    "newly_qualified",
    "students",
]
COLUMNS = ["service_area", "team", "as_at", *FIGURE_COLUMNS]
REQUIRED_COLUMNS = [c for c in COLUMNS if c != "service_area"]


def safe_cell(value):
    """A cell a spreadsheet will show as text, never run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _unescaped(text: str) -> str:
    """A name written out by `safe_cell` reads back as itself."""
    if text.startswith("'") and text[1:].startswith(FORMULA_START):
        return text[1:]
    return text


class FigureWidget(widgets.Widget):
    """A figure: a plain, non-negative number with at most `places` decimal places
    (0: a whole number). Anything else is refused with a message saying why."""

    def __init__(self, places: int = 2, **kwargs):
        self.places = places
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        if value is None:
            return None
        if isinstance(value, bool):
            raise ValueError(f"{value!r} is not a number.")
        text = str(value).strip() if not isinstance(value, int | Decimal) else str(value)
        if not text:
            return None
        if not PLAIN_NUMBER.match(text) or text in ("-", ".", "-."):
            if text.startswith(FORMULA_START):
                raise ValueError(
                    f"{text!r} is not a number: a cell starting with {text[0]!r} is not "
                    "worked out as a formula here. Enter the figure itself."
                )
            raise ValueError(f"{text!r} is not a number.")
        try:
            number = Decimal(text.replace(",", ""))
        except InvalidOperation as exc:  # the pattern above should make this unreachable
            raise ValueError(f"{text!r} is not a number.") from exc
        if number < 0:
            raise ValueError(f"{text} is negative: a figure cannot be less than 0.")
        if self.places == 0:
            if number != number.to_integral_value():
                raise ValueError(f"{text} is not a whole number: count people, not FTE.")
            return int(number)
        if -number.as_tuple().exponent > self.places:
            raise ValueError(f"{text} has more than {self.places} decimal places.")
        return number

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class ReturnDateWidget(widgets.Widget):
    """The return date as 2025-09-30 or 30/09/2025 (never the American month first)."""

    FORMATS = ("%Y-%m-%d", "%d/%m/%Y")

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime.date):
            return value
        text = str(value or "").strip()
        if not text:
            raise ValueError("Enter the return date, e.g. 2025-09-30 or 30/09/2025.")
        for date_format in self.FORMATS:
            try:
                return datetime.datetime.strptime(text, date_format).date()
            except ValueError:
                continue
        raise ValueError(f"{text!r} is not a date: write it as 2025-09-30 or 30/09/2025.")

    def render(self, value, obj=None, **kwargs):
        return value.isoformat() if value else ""


class TeamWidget(widgets.Widget):
    """A team by its name and (needed only where two service areas have a team of the
    same name) its service area's name, from the `service_area` column. Teams are read
    once per import, not once per row; unknown teams are refused, never created."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.reset()

    def reset(self) -> None:
        self._teams = None

    def _index(self):
        if self._teams is None:
            self._teams = list(Team.objects.select_related("service_area"))
        return self._teams

    def clean(self, value, row=None, **kwargs):
        name = _unescaped(str(value or "").strip())
        area = _unescaped(str((row or {}).get("service_area") or "").strip())
        if not name:
            raise ValueError("Enter the team's name.")
        named = [t for t in self._index() if t.name.casefold() == name.casefold()]
        if area:
            in_area = [t for t in named if t.service_area.name.casefold() == area.casefold()]
            if in_area:
                return in_area[0]
            if named:
                elsewhere = ", ".join(sorted({t.service_area.name for t in named}))
                raise ValueError(f"{area!r} has no team called {name!r} (it is in {elsewhere}).")
            raise ValueError(
                f"There is no team called {name!r} in {area!r}: add it in the admin first."
            )
        if len(named) == 1:
            return named[0]
        if named:
            raise ValueError(
                f"More than one service area has a team called {name!r}: give the service area too."
            )
        raise ValueError(f"There is no team called {name!r}: add it in the admin first.")

    def render(self, value, obj=None, **kwargs):
        return value.name if value else ""


class WorkforceReturnResource(resources.ModelResource):
    service_area = fields.Field(
        attribute="team__service_area__name", column_name="service_area", readonly=True
    )
    team = fields.Field(attribute="team", column_name="team", widget=TeamWidget())

    class Meta:
        model = WorkforceReturn
        fields = COLUMNS
        import_order = COLUMNS
        export_order = COLUMNS
        import_id_fields = ["team", "as_at"]
        clean_model_instances = True  # the model's own checks: negative FTE, constraints
        use_transactions = True
        skip_unchanged = True  # re-importing the same file changes (and records) nothing
        report_skipped = True

    @classmethod
    def widget_from_django_field(cls, f, default=widgets.Widget):
        if isinstance(f, models.DecimalField):
            return lambda **kwargs: FigureWidget(places=f.decimal_places, **kwargs)
        if isinstance(f, models.PositiveIntegerField):
            return lambda **kwargs: FigureWidget(places=0, **kwargs)
        if isinstance(f, models.DateField):
            return ReturnDateWidget
        return super().widget_from_django_field(f, default)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._rows_by_key: dict = {}
        self._team_ids: set[int] = set()
        self.refreshed = Refreshed()

    def get_queryset(self):
        return WorkforceReturn.objects.select_related("team__service_area").order_by(
            "team__service_area__name", "team__name", "as_at"
        )

    # -- import ----------------------------------------------------------------------

    def header_problems(self, headers) -> list[str]:
        if not headers:
            return ["The file is empty: it needs a row of column headings, then the returns."]
        problems = []
        missing = [c for c in REQUIRED_COLUMNS if c not in headers]
        unknown = [h for h in headers if h not in COLUMNS]
        if missing:
            problems.append(f"Columns missing: {', '.join(missing)}.")
        if unknown:
            problems.append(
                f"Columns not recognised: {', '.join(unknown)} "
                f"(the columns are: {', '.join(COLUMNS)})."
            )
        return problems

    def import_data(self, dataset, dry_run=False, raise_errors=False, **kwargs):
        # All or nothing, whoever calls: one transaction, rolled back for any bad row.
        kwargs["use_transactions"] = True
        kwargs["rollback_on_validation_errors"] = True
        if dataset.headers:
            dataset.headers = [str(h or "").strip().lower() for h in dataset.headers]
        problems = self.header_problems(dataset.headers)
        if problems:
            result = self.get_result_class()()
            result.diff_headers = self.get_diff_headers()
            result.total_rows = len(dataset)
            for problem in problems:
                result.append_base_error(self.get_error_result_class()(ValueError(problem)))
            return result
        self.fields["team"].widget.reset()
        self._rows_by_key = {}
        self._team_ids = set()
        result = super().import_data(dataset, dry_run=dry_run, raise_errors=raise_errors, **kwargs)
        result.refreshed = self.refreshed
        return result

    def get_instance(self, instance_loader, row):
        try:
            return super().get_instance(instance_loader, row)
        except (ValueError, ValidationError):
            return None  # the row's own checks report the bad team or date

    def import_instance(self, instance, row, **kwargs):
        errors: dict = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
            for name in errors:
                if name in FIGURE_COLUMNS or name == "as_at":
                    # Not a number (or date) yet: the model's checks across fields skip it,
                    # rather than compare the old value and report a second, false problem.
                    setattr(instance, name, None)
        if instance.team_id and isinstance(instance.as_at, datetime.date):
            number = kwargs.get("row_number")
            first = self._rows_by_key.setdefault((instance.team_id, instance.as_at), number)
            if first != number:
                errors.setdefault("as_at", []).append(
                    ValidationError(f"Row {first} is already this team's return for this date.")
                )
        if errors:
            raise ValidationError(errors)

    def before_save_instance(self, instance, row, **kwargs):
        user = kwargs.get("user")
        if user is not None and getattr(user, "is_authenticated", False):
            instance.entered_by = user

    def after_save_instance(self, instance, row, **kwargs):
        self._team_ids.add(instance.team_id)

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        if kwargs.get("dry_run") or result.has_errors() or result.has_validation_errors():
            return
        if self._team_ids:
            self.refreshed = indicator_measures_refresh(team_ids=self._team_ids)

    # -- export ----------------------------------------------------------------------

    def export_field(self, field, instance, **kwargs):
        return safe_cell(super().export_field(field, instance, **kwargs))


class SignedFileStorage(BaseStorage):
    """Keeps an uploaded file between the admin's preview and its confirmation inside the
    confirmation form itself: compressed and signed with SECRET_KEY (so it cannot be
    altered), valid for an hour. No temporary file or cache, so the confirmation may
    reach a different app server from the preview."""

    SALT = "workforce.import-file"
    MAX_AGE = 60 * 60

    def save(self, data) -> None:
        import base64
        import zlib

        from django.core import signing

        if isinstance(data, str):
            data = data.encode(self.encoding or "utf-8")
        packed = base64.urlsafe_b64encode(zlib.compress(data)).decode("ascii")
        self.name = signing.TimestampSigner(salt=self.SALT).sign(packed)

    def read(self):
        import base64
        import zlib

        from django.core import signing

        packed = signing.TimestampSigner(salt=self.SALT).unsign(self.name, max_age=self.MAX_AGE)
        data = zlib.decompress(base64.urlsafe_b64decode(packed))
        if "b" in (self.read_mode or ""):
            return data
        return data.decode(self.encoding or "utf-8-sig")

    def remove(self) -> None:
        pass  # nothing was stored anywhere

"""The measures table: each row a measure with its latest value, target, status in
words and colour, trend and a small trend line."""

import django_tables2 as tables
from django.utils.html import format_html
from django_tables2.data import TableData

from improvement.paging import BoundedPaging
from improvement.status import SEVERITY
from metrics.charts import sparkline
from metrics.templatetags.measures import measure_status
from metrics.units import format_change
from metrics.wording import due_words, figure_date_words, figure_words, target_value_words

ARROWS = {"better": "↑", "worse": "↓", "same": "→", "up": "↑", "down": "↓"}


class MeasureTable(BoundedPaging, tables.Table):
    name = tables.Column(accessor="measure__name", verbose_name="Measure")
    plan = tables.Column(accessor="measure__plan__title", verbose_name="Plan")
    latest = tables.Column(
        accessor="assessment", empty_values=(), verbose_name="Latest", orderable=False
    )
    target = tables.Column(
        accessor="assessment", empty_values=(), verbose_name="Target in force", orderable=False
    )
    status = tables.Column(accessor="assessment", empty_values=(), verbose_name="Status")
    trend = tables.Column(
        accessor="assessment", empty_values=(), verbose_name="Trend", orderable=False
    )

    class Meta:
        template_name = "tables/govuk_table.html"
        attrs = {"class": "app-measures"}
        empty_text = "No measures match."
        orderable = True

    def __init__(self, *args, labels_for, query_string="", **kwargs):
        super().__init__(*args, **kwargs)
        self.labels_for = labels_for
        self.query_string = query_string

    def render_name(self, record):
        measure = record.measure
        return format_html(
            '<a class="govuk-link" href="{}{}">{}</a>',
            measure.get_absolute_url(),
            self.query_string,
            measure.name,
        )

    def render_latest(self, record):
        latest = record.assessment.latest
        if record.measure.is_text:
            return f"{len(record.texts)} finding{'s' if len(record.texts) != 1 else ''}"
        if latest is None:
            return "No data"
        return format_html(
            '{}<br><span class="govuk-body-s">{}</span>',
            figure_words(latest, record.measure.unit),
            figure_date_words(latest.period_end, latest.reported, short=True),
        )

    def render_target(self, record):
        target = record.assessment.target
        if target is None:
            return "None set"
        return format_html(
            '{}<br><span class="govuk-body-s">{}</span>',
            target_value_words(target, record.measure.unit),
            due_words(target.due_date, short=True),
        )

    def render_status(self, record):
        return measure_status(record, self.labels_for(record.measure.plan))

    def order_status(self, queryset, is_descending):
        ranked = sorted(
            queryset,
            key=lambda s: SEVERITY.get(s.status, -1) if s.status else -1,
            reverse=is_descending,
        )
        return ranked, True

    def render_trend(self, record):
        trend = record.assessment.since_previous
        line = sparkline(record.points[-12:])
        if trend is None:
            return format_html("{}", line) if line else "–"
        return format_html(
            '<span aria-hidden="true">{}</span> {} ({})<br>{}',
            ARROWS[trend.direction],
            trend.direction.capitalize(),
            format_change(trend.change, record.measure.unit),
            line,
        )


class PagedStates(TableData):
    """The measures list's rows when nothing asks for every measure's status (no status
    filter, not sorted by status): the measures are counted, sorted and paged in the
    database, and only the page's measures are assessed (`assess(queryset, as_at)`)."""

    ORDER = {"name": "name", "plan": "plan__title"}

    def __init__(self, queryset, as_at, assess):
        super().__init__(queryset)
        self.as_at = as_at
        self.assess = assess
        self._length = None

    def __len__(self):
        if self._length is None:
            self._length = self.data.count()
        return self._length

    def __getitem__(self, key):
        if isinstance(key, slice):
            return self.assess(self.data[key], self.as_at)
        return self.assess(self.data[key : key + 1], self.as_at)[0]

    def __iter__(self):
        return iter(self.assess(self.data, self.as_at))

    def order_by(self, aliases):
        fields = []
        for alias in aliases:
            bare = alias.lstrip("-")
            field = self.ORDER.get(bare)
            if field:
                fields.append(("-" if alias.startswith("-") else "") + field)
        if fields:
            self.data = self.data.order_by(*fields, "pk")

    @classmethod
    def can_page_first(cls, sort: str | None, status_wanted: bool) -> bool:
        """Paging first works unless the rows must be assessed to be filtered or sorted."""
        return not status_wanted and (sort or "").lstrip("-") in ("", *cls.ORDER)

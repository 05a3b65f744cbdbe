"""The filterable, sortable list of actions across the plans a person may read, as at a
date, and its export: a django-filter FilterSet over actions annotated with their status
in SQL (`history.with_status_as_at`), so filtering, sorting and paging happen in the
database and the page's query count does not grow with the data."""

from __future__ import annotations

from collections import defaultdict

import django_filters
import django_tables2 as tables
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.dateformat import format as date_format
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from improvement.dashboard_form import OwnerChoiceField
from improvement.date_input import date_filter
from improvement.filter_summary import applied_filters, clear_query
from improvement.history import with_status_as_at
from improvement.models import Action, Objective, Plan, ProgressUpdate, Section
from improvement.paging import BoundedPaging
from improvement.periods import current_periods, stale_before
from improvement.status import Status, status_word
from improvement.templatetags.tracker import status_tag

STATUS_CHOICES = [*Status.choices, ("none", "No status")]


# The drop-downs that list only the chosen plan's items (ActionFilter.form).
LISTED_FOR_THE_PLAN = ("section", "objective", "owner")


def _whole(value) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


class PlanItemChoiceField(forms.ModelChoiceField):
    """A section or objective named with its plan, "1 Recruit social workers — Workforce
    strategy": several plans have an objective 1, and a link may choose one of any plan."""

    def label_from_instance(self, item) -> str:
        return f"{Truncator(str(item)).chars(70)} — {item.plan.title}"


class PlanItemFilter(django_filters.ModelChoiceFilter):
    field_class = PlanItemChoiceField


class OwnerFilter(django_filters.ModelChoiceFilter):
    field_class = OwnerChoiceField  # people by name, not username


class ActionFilter(django_filters.FilterSet):
    organisation = django_filters.ChoiceFilter(
        field_name="objective__plan__organisation", label="Organisation",
        empty_label="All organisations",
    )  # fmt: skip
    plan = django_filters.ModelChoiceFilter(
        field_name="objective__plan", queryset=Plan.objects.none(), label="Plan",
        empty_label="All plans",
    )  # fmt: skip
    section = PlanItemFilter(
        field_name="objective__section", queryset=Section.objects.none(), label="Section",
        empty_label="Any section",
    )  # fmt: skip
    objective = PlanItemFilter(
        queryset=Objective.objects.none(), label="Objective", empty_label="Any objective"
    )
    owner = OwnerFilter(
        queryset=get_user_model().objects.none(), label="Owner", empty_label="Anyone"
    )
    status = django_filters.ChoiceFilter(
        choices=STATUS_CHOICES, method="filter_status", label="Status", empty_label="Any status"
    )
    overdue = django_filters.ChoiceFilter(
        choices=[("yes", "Overdue"), ("no", "Not overdue")],
        method="filter_overdue",
        label="Overdue",
        empty_label="Either",
    )
    rated = django_filters.ChoiceFilter(
        choices=[("yes", "Rated"), ("no", "Not rated")], method="filter_rated",
        label="Rated", empty_label="Either",
    )  # fmt: skip
    stale = django_filters.ChoiceFilter(
        choices=[("yes", "Stale"), ("no", "Not stale")], method="filter_stale",
        label="Stale", empty_label="Either",
    )  # fmt: skip
    not_updated = django_filters.ChoiceFilter(
        choices=[("yes", "No update this period")], method="filter_not_updated",
        label="This period", empty_label="Updated or not",
    )  # fmt: skip
    # Dates typed as day, month and year (the GOV.UK date input).
    due_after = date_filter(
        "Due from", "The “due from” date", field_name="due_date", lookup_expr="gte"
    )
    due_before = date_filter(
        "Due by", "The “due by” date", field_name="due_date", lookup_expr="lte"
    )
    updated_since = date_filter(
        "Updated since", "The “updated since” date", method="filter_updated_since"
    )
    q = django_filters.CharFilter(method="filter_text", label="Reference or title contains")

    class Meta:
        model = Action
        fields = []

    def __init__(self, *args, user, as_at, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.as_at = user, as_at
        plans = Plan.objects.visible_to(user)
        self.filters["plan"].queryset = plans
        # The organisation and plan drop-downs from one query.
        self.filters["organisation"].extra["choices"] = [
            (o, o) for o in sorted({p.organisation for p in self._plans_listed()})
        ]
        self.filters["section"].queryset = Section.objects.filter(plan__in=plans).select_related(
            "plan"
        )
        self.filters["objective"].queryset = Objective.objects.filter(
            plan__in=plans
        ).select_related("plan")
        self.filters["owner"].queryset = (
            get_user_model().objects.filter(owned_actions__objective__plan__in=plans).distinct()
        )

    @property
    def form(self):
        """The filters' form, with the section, objective and owner drop-downs listing only
        the chosen plan's (a council has hundreds): choose a plan and press Show, and they
        fill. Any visible one is still accepted from a link (`?objective=12`, `?owner=3`)
        and then listed as chosen."""
        if not hasattr(self, "_form"):
            form = super().form
            plan_id = _whole(self.data.get("plan")) if self.data else None
            for name in LISTED_FOR_THE_PLAN:
                field = form.fields[name]
                # Listed, not validated: the field still accepts any of its queryset.
                field._choices = field.widget.choices = self._listed(name, field, plan_id)
            plans = form.fields["plan"]
            plans._choices = plans.widget.choices = [
                ("", plans.empty_label),
                *((p.pk, plans.label_from_instance(p)) for p in self._plans_listed()),
            ]
        return self._form

    def _plans_listed(self) -> list[Plan]:
        if not hasattr(self, "_plans"):
            self._plans = list(self.filters["plan"].queryset.only("pk", "title", "organisation"))
        return self._plans

    @property
    def applied(self) -> list[tuple[str, str]]:
        """The filters in force, in words, for the line above the results."""
        return applied_filters(self.form)

    @property
    def clear_query(self) -> str:
        return clear_query(self.data)

    def _listed(self, name: str, field, plan_id: int | None) -> list:
        queryset = field.queryset
        if plan_id is not None:
            queryset = queryset.filter(
                **{
                    "section": {"plan_id": plan_id},
                    "objective": {"plan_id": plan_id},
                    "owner": {"owned_actions__objective__plan_id": plan_id},
                }[name]
            ).distinct()
        else:
            chosen = _whole(self.data.get(name)) if self.data else None
            queryset = queryset.filter(pk=chosen) if chosen is not None else queryset.none()
        label = (
            field.empty_label
            if plan_id is not None
            else f"{field.empty_label} (choose a plan to list)"
        )
        return [("", label), *((o.pk, field.label_from_instance(o)) for o in queryset)]

    def filter_status(self, queryset, name, value):
        return queryset.filter(current_status="" if value == "none" else value)

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(is_overdue=value == "yes")

    def filter_rated(self, queryset, name, value):
        rated = ~Q(current_status="")
        return queryset.filter(rated if value == "yes" else ~rated)

    def filter_stale(self, queryset, name, value):
        """Not complete, and the latest update dated before its plan's staleness cut-off
        (the rule of `rollup.is_stale`, in SQL; one condition per distinct cut-off)."""
        plans_by_cutoff: dict = defaultdict(list)
        for plan in Plan.objects.visible_to(self.user).only("pk", "staleness_periods"):
            plans_by_cutoff[stale_before(plan, self.as_at)].append(plan.pk)
        stale = Q(pk__in=[])
        for cutoff, plan_ids in plans_by_cutoff.items():
            stale |= Q(objective__plan_id__in=plan_ids, last_update_on__lt=cutoff)
        stale &= ~Q(current_status=Status.COMPLETE.value)
        return queryset.filter(stale if value == "yes" else ~stale)

    def filter_not_updated(self, queryset, name, value):
        """Not complete, and nothing reported (counted, or waiting for sign-off) since its
        plan's current period started (`dashboard.not_yet_updated`, in SQL)."""
        plans = list(Plan.objects.visible_to(self.user).only("pk"))
        # One condition per distinct period start (plans reporting alike share one).
        plans_by_start: dict = defaultdict(list)
        for plan_id, period in current_periods(plans, self.as_at).items():
            if period is not None:
                plans_by_start[period.start].append(plan_id)
        quiet = Q(pk__in=[])
        for start, plan_ids in plans_by_start.items():
            waiting = ProgressUpdate.objects.filter(
                action=OuterRef("pk"),
                needs_sign_off=True,
                sign_off__isnull=True,
                as_at__gte=start,
            )
            # Spelt out for NULL (never reported on): a negated lookup on an annotation
            # would leave those out.
            quiet |= (
                Q(objective__plan_id__in=plan_ids)
                & (Q(last_update_on__isnull=True) | Q(last_update_on__lt=start))
                & ~Exists(waiting)
            )
        return queryset.filter(quiet & ~Q(current_status=Status.COMPLETE.value))

    def filter_updated_since(self, queryset, name, value):
        return queryset.filter(last_update_on__gte=value)

    def filter_text(self, queryset, name, value):
        return queryset.filter(Q(reference__icontains=value) | Q(title__icontains=value))


def actions_as_at(user, as_at) -> QuerySet[Action]:
    """Every action the user may read, annotated with its status as at `as_at`."""
    actions = Action.objects.filter(objective__plan__in=Plan.objects.visible_to(user))
    return (
        with_status_as_at(actions, as_at)
        .select_related("objective__plan", "owner")
        # Only the columns the table, its export and its flags read: the rows are wide
        # (plans' descriptions, users' passwords) and the page reads a few of them.
        .only(*LISTED_COLUMNS)
        .prefetch_related("objective__plan__status_key")
    )


LISTED_COLUMNS = (
    "reference", "sort_key", "title", "responsible", "due_date", "objective_id", "owner_id",
    "objective__reference", "objective__sort_key", "objective__plan_id",
    "objective__plan__title", "objective__plan__slug",
    "owner__username", "owner__first_name", "owner__last_name",
)  # fmt: skip


def not_yet_updated_ids(rows: list[Action], as_at) -> set[int]:
    """Of the rows shown, those not complete with nothing reported in their plan's current
    period (an update waiting for sign-off counts as reported). Two queries."""
    if not rows:
        return set()
    plans = {a.objective.plan_id: a.objective.plan for a in rows}
    period_of = current_periods(plans.values(), as_at)
    starts = [p.start for p in period_of.values() if p is not None]
    if not starts:
        return set()
    latest: dict[int, object] = {}
    for action_id, on in ProgressUpdate.objects.filter(
        action__in=[a.pk for a in rows], as_at__gte=min(starts)
    ).values_list("action_id", "as_at"):
        latest[action_id] = max(on, latest.get(action_id, on))
    result = set()
    for a in rows:
        period = period_of.get(a.objective.plan_id)
        if period is None or a.current_status == Status.COMPLETE:
            continue
        if a.pk not in latest or latest[a.pk] < period.start:
            result.add(a.pk)
    return result


def export_rows(actions) -> tuple[list[str], list[list]]:
    """The headings and rows of an export: the same columns as the page, in its order."""
    return [heading for heading, _ in COLUMNS], [
        [value(action) for _, value in COLUMNS] for action in actions
    ]


COLUMNS = [
    # (heading, accessor of the exported text)
    ("Plan", lambda a: a.objective.plan.title),
    ("Objective", lambda a: a.objective.reference),
    ("Ref", lambda a: a.reference),
    ("Action", lambda a: a.title),
    ("Owner", lambda a: _owner(a)),
    ("Due", lambda a: a.due_date),
    ("Status", lambda a: _status_words(a)),
    ("Overdue", lambda a: "Overdue" if a.is_overdue else ""),
    ("Last update", lambda a: a.last_update_on),
]


def _owner(action) -> str:
    names = [action.owner.get_full_name() or action.owner.get_username()] if action.owner else []
    if action.responsible:
        names.append(action.responsible)
    return "; ".join(names)


def _status_words(action) -> str:
    return status_word(action.current_status, action.objective.plan.labels())


_NO_VALUE = "\u2014"  # an empty date cell (django-tables2's own default)
_NONE = "\u2013"  # no owner, not overdue
_PK = 2_147_483_000  # a stand-in id: one reverse() for every row's link


class _Column:
    """A bound column as the table's template reads it for each cell, its cell attributes
    worked out once per page instead of once per cell (django-tables2 builds them anew on
    every access)."""

    def __init__(self, bound):
        self._bound = bound
        self.attrs = bound.attrs

    def __getattr__(self, name):
        return getattr(self._bound, name)


class RenderedRow:
    """One row of the page: its record (the annotated action) and its cells' HTML."""

    def __init__(self, record, cells: list):
        self.record = record
        self._cells = cells

    def items(self) -> list:
        return self._cells


# The table's own order (plan, objective, action), after whatever it is sorted by.
THEN = ("objective__plan__title", "objective__sort_key", "sort_key", "id")


class ActionTable(BoundedPaging, tables.Table):
    """Columns, sorting and paging by django-tables2; the page's cells built here in one
    pass over its rows (`paginated_rows`): its per-cell machinery (accessors, signature
    inspection, a template per date cell) cost more than the query behind the page."""

    # Each sort ends in the table's own order, so rows that tie keep one order and a row
    # is on one page only.
    plan = tables.Column(
        accessor="objective__plan__title", verbose_name="Plan",
        order_by=("objective__plan__title", *THEN),
    )  # fmt: skip
    objective = tables.Column(
        accessor="objective__sort_key", verbose_name="Objective",
        order_by=("objective__sort_key", *THEN),
    )  # fmt: skip
    reference = tables.Column(verbose_name="Ref", order_by=("sort_key", *THEN))
    title = tables.Column(verbose_name="Action", order_by=("title", *THEN))
    owner = tables.Column(
        empty_values=(), verbose_name="Owner", order_by=("owner__last_name", *THEN)
    )
    due_date = tables.DateColumn(format="j M Y", verbose_name="Due", order_by=("due_date", *THEN))
    status = tables.Column(empty_values=(), verbose_name="Status", order_by=("status_rank", *THEN))
    overdue = tables.Column(empty_values=(), verbose_name="Overdue", order_by=("is_overdue", *THEN))
    last_update_on = tables.DateColumn(
        format="j M Y", verbose_name="Last update", order_by=("last_update_on", *THEN)
    )

    class Meta:
        template_name = "tables/action_table.html"
        attrs = {"class": "app-table--wide"}  # nine columns: stacked up to 960 px
        empty_text = "No actions match."
        sequence = [
            "plan", "objective", "reference", "title", "owner", "due_date", "status", "overdue",
            "last_update_on",
        ]  # fmt: skip

    def __init__(self, *args, query_string="", not_yet_updated=frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        self.query_string = query_string
        self.not_yet_updated = not_yet_updated
        self._rendered: list[RenderedRow] | None = None

    @property
    def paginated_rows(self) -> list[RenderedRow]:
        if self._rendered is None:
            columns = [_Column(column) for column in self.columns]
            link = reverse("action-detail", kwargs={"pk": _PK})
            overdue_flag = render_to_string("includes/overdue_flag.html")
            labels: dict[int, dict] = {}
            rows = []
            for row in super().paginated_rows:
                record = row.record
                plan = record.objective.plan
                if plan.pk not in labels:
                    labels[plan.pk] = plan.labels()
                cells = self._cells(record, link, labels[plan.pk], overdue_flag)
                rows.append(RenderedRow(record, [(c, cells[c.name]) for c in columns]))
            self._rendered = rows
        return self._rendered

    def body_html(self) -> SafeString:
        """The page's rows as govuk_table.html draws them: the first cell heads the row, and
        each cell carries its column's name for the stacked layout on a narrow screen."""
        rows = self.paginated_rows
        if not rows:
            return format_html(
                '<tr class="govuk-table__row" role="row"><td role="cell" '
                'class="govuk-table__cell app-cell--full" colspan="{}">{}</td></tr>',
                len(self.columns),
                self.empty_text,
            )
        parts = []
        labels = [
            format_html('<span class="app-cell-label" aria-hidden="true">{}</span>', c.header)
            for c, _cell in rows[0].items()
        ]
        for row in rows:
            parts.append('<tr class="govuk-table__row" role="row">')
            for i, (column, cell) in enumerate(row.items()):
                extra = column.attrs["td"].get("class")
                extra = f" {conditional_escape(extra)}" if extra else ""
                if i == 0:
                    parts.append(
                        '<th scope="row" role="rowheader" class="govuk-table__header '
                        f'govuk-!-font-weight-regular{extra}">{labels[i]}{cell}</th>'
                    )
                else:
                    parts.append(
                        f'<td role="cell" class="govuk-table__cell{extra}">{labels[i]}{cell}</td>'
                    )
            parts.append("</tr>\n")
        return mark_safe("".join(parts))  # noqa: S308 - every cell escaped in _cells

    def _cells(self, record, link: str, labels: dict, overdue_flag: str) -> dict[str, str]:
        status = status_tag(record.current_status, labels)
        if record.pk in self.not_yet_updated:
            status = format_html('{}<br><span class="govuk-body-s">Not yet updated</span>', status)
        return {
            "plan": conditional_escape(record.objective.plan.title),
            "objective": conditional_escape(record.objective.reference),
            "reference": conditional_escape(record.reference),
            "title": format_html(
                '<a class="govuk-link" href="{}{}">{}</a>',
                link.replace(str(_PK), str(record.pk)),
                self.query_string,
                record.title,
            ),
            "owner": conditional_escape(_owner(record) or _NONE),
            "due_date": _date(record.due_date),
            "status": status,
            "overdue": mark_safe(overdue_flag) if record.is_overdue else _NONE,  # noqa: S308 - our template
            "last_update_on": _date(record.last_update_on),
        }


def _date(value) -> str:
    return date_format(value, "j M Y") if value else _NO_VALUE

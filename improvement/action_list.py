"""The filterable, sortable list of actions across the plans a person may read, as at a
date, and its export: a django-filter FilterSet over actions annotated with their status
in SQL (`history.with_status_as_at`), so filtering, sorting and paging happen in the
database and the page's query count does not grow with the data."""

from __future__ import annotations

from collections import defaultdict

import django_filters
import django_tables2 as tables
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.template.loader import render_to_string
from django.utils.html import format_html

from improvement.date_input import date_filter
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


class ActionFilter(django_filters.FilterSet):
    organisation = django_filters.ChoiceFilter(
        field_name="objective__plan__organisation", label="Organisation",
        empty_label="All organisations",
    )  # fmt: skip
    plan = django_filters.ModelChoiceFilter(
        field_name="objective__plan", queryset=Plan.objects.none(), label="Plan",
        empty_label="All plans",
    )  # fmt: skip
    section = django_filters.ModelChoiceFilter(
        field_name="objective__section", queryset=Section.objects.none(), label="Section",
        empty_label="Any section",
    )  # fmt: skip
    objective = django_filters.ModelChoiceFilter(
        queryset=Objective.objects.none(), label="Objective", empty_label="Any objective"
    )
    owner = django_filters.ModelChoiceFilter(
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
        self.filters["organisation"].extra["choices"] = [
            (o, o)
            for o in plans.order_by("organisation")
            .values_list("organisation", flat=True)
            .distinct()
        ]
        self.filters["plan"].queryset = plans
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
        return self._form

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
        .select_related("objective__plan", "objective__section", "owner")
        .prefetch_related("objective__plan__status_key")
    )


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


class ActionTable(BoundedPaging, tables.Table):
    plan = tables.Column(accessor="objective__plan__title", verbose_name="Plan")
    objective = tables.Column(accessor="objective__sort_key", verbose_name="Objective")
    reference = tables.Column(verbose_name="Ref", order_by=("sort_key",))
    title = tables.Column(verbose_name="Action")
    owner = tables.Column(empty_values=(), verbose_name="Owner", order_by=("owner__last_name",))
    due_date = tables.DateColumn(format="j M Y", verbose_name="Due")
    status = tables.Column(empty_values=(), verbose_name="Status", order_by=("status_rank",))
    overdue = tables.Column(empty_values=(), verbose_name="Overdue", order_by=("is_overdue",))
    last_update_on = tables.DateColumn(format="j M Y", verbose_name="Last update")

    class Meta:
        template_name = "tables/govuk_table.html"
        empty_text = "No actions match."
        sequence = [
            "plan", "objective", "reference", "title", "owner", "due_date", "status", "overdue",
            "last_update_on",
        ]  # fmt: skip

    def __init__(self, *args, query_string="", not_yet_updated=frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        self.query_string = query_string
        self.not_yet_updated = not_yet_updated

    def render_objective(self, record):
        return record.objective.reference

    def render_title(self, record):
        return format_html(
            '<a class="govuk-link" href="{}{}">{}</a>',
            record.get_absolute_url(),
            self.query_string,
            record.title,
        )

    def render_owner(self, record):
        return _owner(record) or "–"

    def render_status(self, record):
        plan = record.objective.plan
        badge = status_tag(record.current_status, plan.labels())
        if record.pk in self.not_yet_updated:
            return format_html('{}<br><span class="govuk-body-s">Not yet updated</span>', badge)
        return badge

    def render_overdue(self, record):
        if record.is_overdue:
            return render_to_string("includes/overdue_flag.html")
        return "–"

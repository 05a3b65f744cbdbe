"""The measures list and a measure's page (chart, data, targets, links, data entry)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods
from django_tables2 import RequestConfig

from improvement.forms import AsAtForm
from improvement.models import Plan
from improvement.permissions import can_enter_measure_data, get_visible_or_404
from metrics.charts import line_chart
from metrics.filters import MeasureFilter, StatusForm
from metrics.forms import DataPointForm
from metrics.models import DataPoint, Measure
from metrics.selectors import measure_states
from metrics.status import UNDATED, Point
from metrics.tables import MeasureTable, PagedStates


def _labels_for_plans():
    cache = {}

    def labels(plan: Plan):
        if plan.pk not in cache:
            cache[plan.pk] = plan.labels()
        return cache[plan.pk]

    return labels


@require_GET
def measure_list(request: HttpRequest) -> HttpResponse:
    as_at_form = AsAtForm(request.GET)
    measures = Measure.objects.filter(plan__in=Plan.objects.visible_to(request.user))
    filters = MeasureFilter(request.GET or None, queryset=measures, user=request.user)
    status_form = StatusForm(request.GET or None)
    queryset = filters.qs.prefetch_related("plan__status_key")
    if PagedStates.can_page_first(request.GET.get("sort"), status_form.filters):
        # Only the page's measures are assessed.
        rows = PagedStates(queryset, as_at_form.as_at_date, measure_states)
    else:
        # Filtered or sorted by status: every measure must be assessed to know its place.
        rows = [s for s in measure_states(queryset, as_at_form.as_at_date) if status_form.keep(s)]
    table = MeasureTable(rows, labels_for=_labels_for_plans(), query_string=as_at_form.query_string)
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    return render(
        request,
        "metrics/measure_list.html",
        {"filters": filters, "status_form": status_form, "form": as_at_form, "table": table},
    )


@require_http_methods(["GET", "POST"])
def measure_detail(request: HttpRequest, pk: int) -> HttpResponse:
    measure = get_visible_or_404(
        request.user,
        Measure.objects.select_related(
            "plan", "owner", "indicator_team", "indicator_service_area"
        ).prefetch_related("plan__status_key", "objectives", "actions__objective"),
        pk=pk,
    )
    may_enter = can_enter_measure_data(request.user, measure)
    entry_form = None
    if request.method == "POST":
        if not may_enter:
            # The rule itself, not has_perm: a superuser passes every has_perm, and a
            # measure fed by the workforce returns takes no typed value from anyone.
            raise PermissionDenied
        entry_form = DataPointForm(request.POST, measure=measure)
        if entry_form.is_valid():
            try:
                with transaction.atomic():
                    DataPoint.objects.create(
                        measure=measure,
                        period_end=entry_form.cleaned_data["period_end"],
                        dated=entry_form.cleaned_data["dated"] or DataPoint.Dated.PERIOD,
                        value=entry_form.cleaned_data.get("value"),
                        text=entry_form.cleaned_data.get("text", ""),
                        note=entry_form.cleaned_data["note"],
                        entered_by=request.user,
                    )
            except IntegrityError:
                entry_form.add_error("period_end", "There is already a value for that date.")
            else:
                messages.success(request, "The value is saved.")
                return redirect(measure.get_absolute_url())
    elif may_enter:
        entry_form = DataPointForm(measure=measure)

    form = AsAtForm(request.GET)
    state = measure_states(Measure.objects.filter(pk=measure.pk), form.as_at_date)[0]
    baseline = (
        Point(measure.baseline_date or UNDATED, measure.baseline_value)
        if measure.baseline_value is not None
        else None
    )
    shown_targets = [t for t in state.targets if t.id not in {r.replaces_id for r in state.targets}]
    return render(
        request,
        "metrics/measure_detail.html",
        {
            "measure": measure,
            "plan": measure.plan,
            "labels": measure.plan.labels(),
            "state": state,
            "form": form,
            "chart": line_chart(
                chart_id=f"measure-{measure.pk}-chart",
                title=f"{measure.name}: values over time",
                unit=measure.unit,
                points=state.points,
                baseline=baseline,
                targets=[
                    t for t in shown_targets if t.set_on is None or t.set_on <= form.as_at_date
                ],
            ),
            "data_points": measure.data_points.filter(period_end__lte=form.as_at_date)
            .select_related("entered_by")
            .order_by("-period_end"),
            "targets": measure.targets.select_related("replaces", "replaced_by").order_by(
                F("due_date").asc(nulls_last=True), "set_on"
            ),
            # Each target's number as the status worked it out (a change from the baseline
            # included), by id, for the targets table.
            "target_rows": {t.id: t for t in state.targets},
            "entry_form": entry_form,
            "may_enter": may_enter,
        },
        status=400 if entry_form is not None and entry_form.errors else 200,
    )

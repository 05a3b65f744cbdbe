"""The API's endpoints: lists (and single items) of plans, objectives, actions, measures
and data points, each with its status as at a date, for the holder of a token.

Every list starts from the plans the token's owner may read (`Plan.objects.visible_to`),
so the API shows exactly what the pages show them; anything else is 404. The statuses
come from the batch functions in `improvement.history` and `metrics.selectors`, run on
one page (or, for CSV, one chunk) of ids at a time: a fixed number of queries per page,
however big the plans are. Actions are filtered on their status in SQL
(`history.with_status_as_at`), so ?status= and ?overdue= page correctly.

`?format=csv` (or `Accept: text/csv`) streams the whole filtered list, not one page.
"""

from __future__ import annotations

from datetime import date
from functools import cached_property

from django.db.models import Prefetch, QuerySet
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from improvement.api.renderers import BOM, CSV_TYPE, CSVRenderer, columns_of, csv_line, csv_rows
from improvement.api.serializers import (
    ActionQuery,
    ActionSerializer,
    AsAtQuery,
    DataPointQuery,
    DataPointSerializer,
    MeasureSerializer,
    ObjectiveSerializer,
    PlanFilterQuery,
    PlanSerializer,
)
from improvement.history import objective_states_as_at, plan_states_as_at, with_status_as_at
from improvement.models import Action, Objective, Plan
from metrics.models import DataPoint, Measure
from metrics.selectors import measure_states

# Ids per batch when streaming CSV: each batch is one run of the status functions.
CSV_CHUNK = 500

LIST_FORMAT = OpenApiParameter(
    "format",
    str,
    enum=["json", "csv"],
    description="csv: the whole filtered list (every page) as CSV, one row per item.",
)
ONE_FORMAT = OpenApiParameter(
    "format", str, enum=["json", "csv"], description="csv: the item as one CSV row."
)


class AsAtViewSet(viewsets.GenericViewSet):
    """A read-only list of one kind of item, and (where it has one) a single item.

    Subclasses say which items the readable plans hold (`items`), how the list's
    query parameters narrow them (`filtered`), and what to serialize for some ids
    (`rows`, from the batch status functions) and how to tell a row's id (`row_id`).
    """

    http_method_names = ["get", "head"]
    renderer_classes = [JSONRenderer, CSVRenderer]
    query_serializer_class = AsAtQuery
    model: type
    csv_name: str
    plan_path: str | None = None  # the lookup from an item to its plan, for ?plan=

    # -- the request's query parameters -------------------------------------------------

    @cached_property
    def query(self) -> dict:
        """The validated query parameters; a bad one is a 400 saying what is wrong."""
        if getattr(self, "swagger_fake_view", False):
            return {}
        params = self.query_serializer_class(data=self.request.query_params.dict())
        params.is_valid(raise_exception=True)
        return params.validated_data

    @cached_property
    def as_at(self) -> date:
        # Read once: a CSV still streaming at midnight keeps the date it started with.
        return self.query.get("as_at") or timezone.localdate()

    def get_serializer_context(self) -> dict:
        return {**super().get_serializer_context(), "as_at": self.as_at}

    # -- what is listed -----------------------------------------------------------------

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):  # drawing the OpenAPI schema
            return self.model.objects.none()
        return self.items(Plan.objects.visible_to(self.request.user))

    def items(self, plans: QuerySet[Plan]) -> QuerySet:
        raise NotImplementedError

    def filtered(self, queryset: QuerySet) -> QuerySet:
        slug = self.query.get("plan")
        if slug and self.plan_path:
            plan = Plan.objects.visible_to(self.request.user).filter(slug=slug).first()
            if plan is None:
                # The same answer for a plan that is hidden and one that does not exist.
                raise ValidationError({"plan": [f"There is no plan “{slug}” that you can read."]})
            queryset = queryset.filter(**{self.plan_path: plan})
        return queryset

    def rows(self, ids: list[int]) -> list:
        raise NotImplementedError

    def row_id(self, row) -> int:
        return row.pk

    def rows_in_order(self, ids: list[int]) -> list:
        by_id = {self.row_id(row): row for row in self.rows(ids)}
        # An item deleted since its id was read (while a CSV streams) is left out.
        return [by_id[pk] for pk in ids if pk in by_id]

    # -- the handlers -------------------------------------------------------------------

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        # What someone may read is not for a shared cache, nor a copy left on disk.
        add_never_cache_headers(response)
        return response

    def list(self, request, *args, **kwargs):
        queryset = self.filtered(self.get_queryset())
        if request.accepted_renderer.format == "csv":
            return self.csv_response(queryset)
        ids = self.paginate_queryset(queryset.values_list("pk", flat=True))
        serializer = self.get_serializer(self.rows_in_order(list(ids)), many=True)
        return self.get_paginated_response(serializer.data)

    def retrieve(self, request, *args, **kwargs):
        item = self.get_object()
        return Response(self.get_serializer(self.rows_in_order([item.pk])[0]).data)

    def csv_response(self, queryset: QuerySet) -> StreamingHttpResponse:
        """The whole list as CSV, written in chunks as it is sent, so a large list
        neither waits for every status nor sits in memory."""
        # The ids are read now, in order: the file holds the list as it was asked for,
        # even if something is added while it streams.
        ids = list(queryset.values_list("pk", flat=True))
        columns = columns_of(self.get_serializer())

        def lines():
            yield BOM + csv_line(column.heading for column in columns)
            for start in range(0, len(ids), CSV_CHUNK):
                rows = self.rows_in_order(ids[start : start + CSV_CHUNK])
                yield from csv_rows(columns, self.get_serializer(rows, many=True).data)

        response = StreamingHttpResponse(lines(), content_type=CSV_TYPE)
        filename = f"{self.csv_name}-{self.as_at:%Y-%m-%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


def _documented(query, summary: str, detail: str | None = None, description: str = ""):
    """The OpenAPI description of a list (and its detail) with their query parameters."""
    views = {
        "list": extend_schema(
            summary=summary, description=description, parameters=[query, LIST_FORMAT]
        )
    }
    if detail:
        views["retrieve"] = extend_schema(
            summary=detail,
            description="404 when there is none that you can read.",
            parameters=[AsAtQuery, ONE_FORMAT],
        )
    return extend_schema_view(**views)


@_documented(
    AsAtQuery,
    "Plans with their status as at a date",
    "A plan as at a date",
    "Every plan you can read, by title.",
)
class PlanViewSet(AsAtViewSet):
    model = Plan
    serializer_class = PlanSerializer
    lookup_field = "slug"
    csv_name = "plans"

    def items(self, plans):
        return plans.order_by("title", "id")

    def rows(self, ids):
        return plan_states_as_at(Plan.objects.filter(pk__in=ids), self.as_at)

    def row_id(self, state) -> int:
        return state.plan.pk


@_documented(
    PlanFilterQuery,
    "Objectives with their rolled-up and assessed status as at a date",
    "An objective as at a date",
    "By plan title, then reference (1.2 before 1.10).",
)
class ObjectiveViewSet(AsAtViewSet):
    model = Objective
    serializer_class = ObjectiveSerializer
    query_serializer_class = PlanFilterQuery
    plan_path = "plan"
    csv_name = "objectives"

    def items(self, plans):
        return Objective.objects.filter(plan__in=plans).order_by(
            "plan__title", "plan_id", "sort_key", "id"
        )

    def rows(self, ids):
        return objective_states_as_at(Objective.objects.filter(pk__in=ids), self.as_at)

    def row_id(self, state) -> int:
        return state.objective.pk


@_documented(
    ActionQuery,
    "Actions with their status as at a date",
    "An action as at a date",
    "By plan title, objective reference, then action reference.",
)
class ActionViewSet(AsAtViewSet):
    model = Action
    serializer_class = ActionSerializer
    query_serializer_class = ActionQuery
    plan_path = "objective__plan"
    csv_name = "actions"

    def items(self, plans):
        actions = Action.objects.filter(objective__plan__in=plans)
        return with_status_as_at(actions, self.as_at).order_by(
            "objective__plan__title",
            "objective__plan_id",
            "objective__sort_key",
            "objective_id",
            "sort_key",
            "id",
        )

    def filtered(self, queryset):
        queryset = super().filtered(queryset)
        if "objective" in self.query:
            queryset = queryset.filter(objective_id=self.query["objective"])
        status = self.query.get("status")
        if status:
            queryset = queryset.filter(current_status="" if status == "none" else status)
        if self.query.get("overdue") is not None:
            queryset = queryset.filter(is_overdue=self.query["overdue"])
        return queryset

    def rows(self, ids):
        return (
            with_status_as_at(Action.objects.filter(pk__in=ids), self.as_at)
            .select_related("objective__plan", "owner")
            .prefetch_related("objective__plan__status_key")
        )


@_documented(
    PlanFilterQuery,
    "Measures with their status as at a date",
    "A measure as at a date",
    "By plan title, then reference and name.",
)
class MeasureViewSet(AsAtViewSet):
    model = Measure
    serializer_class = MeasureSerializer
    query_serializer_class = PlanFilterQuery
    plan_path = "plan"
    csv_name = "measures"

    def items(self, plans):
        return Measure.objects.filter(plan__in=plans).order_by(
            "plan__title", "plan_id", "reference", "name", "id"
        )

    def rows(self, ids):
        measures = Measure.objects.filter(pk__in=ids).prefetch_related(
            "plan__status_key",
            Prefetch("objectives", queryset=Objective.objects.only("id").order_by("id")),
            Prefetch("actions", queryset=Action.objects.only("id").order_by("id")),
        )
        return measure_states(measures, self.as_at)

    def row_id(self, state) -> int:
        return state.measure.pk


class _DataPoints(AsAtViewSet):
    """Values by period end; as at a date means the values for periods ending by then,
    the same ones a measure's status is judged on."""

    model = DataPoint
    serializer_class = DataPointSerializer
    csv_name = "data-points"

    def items(self, plans):
        return DataPoint.objects.filter(
            measure__plan__in=plans, period_end__lte=self.as_at
        ).order_by(
            "measure__plan__title",
            "measure__plan_id",
            "measure__reference",
            "measure__name",
            "measure_id",
            "period_end",
            "id",
        )

    def rows(self, ids):
        return DataPoint.objects.filter(pk__in=ids).select_related("measure__plan")


@_documented(
    DataPointQuery,
    "Measures' data points up to a date",
    description="The values for periods ending on or before the as-at date (those a "
    "measure's status is judged on), by plan, measure and period end.",
)
class DataPointViewSet(_DataPoints):
    query_serializer_class = DataPointQuery
    plan_path = "measure__plan"

    def filtered(self, queryset):
        queryset = super().filtered(queryset)
        if "measure" in self.query:
            queryset = queryset.filter(measure_id=self.query["measure"])
        return queryset


@_documented(
    AsAtQuery,
    "One measure's data points up to a date",
    description="404 when there is no such measure that you can read.",
)
class MeasureDataPointViewSet(_DataPoints):
    def items(self, plans):
        measure = get_object_or_404(Measure.objects.filter(plan__in=plans), pk=self.kwargs["pk"])
        return super().items(plans).filter(measure=measure)

"""The action table: filter, sort, page, and export exactly what is shown."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET
from django_tables2 import RequestConfig

from improvement import state_cache
from improvement.action_list import (
    ActionFilter,
    ActionTable,
    actions_as_at,
    export_rows,
    not_yet_updated_ids,
)
from improvement.forms import AsAtForm
from improvement.models import Plan
from improvement.reports.spreadsheet import CSV_TYPE, XLSX_TYPE, to_csv, to_xlsx


def _table(request: HttpRequest, as_at, query_string: str) -> tuple[ActionFilter, ActionTable]:
    filters = ActionFilter(
        request.GET or None,
        queryset=actions_as_at(request.user, as_at),
        user=request.user,
        as_at=as_at,
    )
    table = ActionTable(filters.qs, query_string=query_string)
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    return filters, table


@require_GET
def action_list(request: HttpRequest) -> HttpResponse:
    form = AsAtForm(request.GET)
    as_at = form.as_at_date

    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        filters, table = _table(request, as_at, form.query_string)
        if filters.is_valid():
            return _export(table, as_at, export)

    def render_parts() -> dict[str, str]:
        filters, table = _table(request, as_at, form.query_string)
        rows = list(table.page.object_list) if table.page else []
        table.not_yet_updated = not_yet_updated_ids([row.record for row in rows], as_at)
        query = request.GET.copy()
        query.pop("page", None)
        context = {
            "filters": filters,
            "form": form,
            "table": table,
            "export_query": query.urlencode(),
            "count": table.paginator.count if table.page else 0,
        }
        body = render_to_string("improvement/_action_list_body.html", context, request)
        return {"body": body, "error": "1" if (filters.errors or form.errors) else ""}

    # The page is worked out from the plans the user may read, as at a day (its statuses,
    # overdue and "not updated" flags), for the query as typed (a refused filter shows its
    # message): cached under those plans' versions, the user's rights, the day and the
    # query, so a repeat view reads no action and renders nothing, and a write to any of
    # the plans (or a person's new name) shows at once.
    visible = list(Plan.objects.visible_to(request.user).values_list("pk", flat=True))
    page = state_cache.page_key("actions", as_at, visible, request.GET)
    parts = state_cache.page_parts(request.user, visible, page, render_parts)
    context = {
        "form": form,
        "has_errors": bool(parts["error"]),
        # Our own template's output, escaped when it was rendered.
        "body_html": mark_safe(parts["body"]),  # noqa: S308
    }
    return render(request, "improvement/action_list.html", context)


def _export(table: ActionTable, as_at, export: str) -> HttpResponse:
    """The rows in the table's order (its sorting applied), all pages."""
    headings, rows = export_rows(table.data.data)
    stamp = f"{as_at:%Y-%m-%d}"
    if export == "csv":
        response = HttpResponse(to_csv(headings, rows), content_type=CSV_TYPE)
    else:
        response = HttpResponse(
            to_xlsx([(f"Actions as at {stamp}", headings, rows)]), content_type=XLSX_TYPE
        )
    response["Content-Disposition"] = f'attachment; filename="actions-{stamp}.{export}"'
    return response

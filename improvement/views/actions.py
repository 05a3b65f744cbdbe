"""The action table: filter, sort, page, and export exactly what is shown."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django_tables2 import RequestConfig

from improvement.action_list import (
    ActionFilter,
    ActionTable,
    actions_as_at,
    export_rows,
    not_yet_updated_ids,
)
from improvement.forms import AsAtForm
from improvement.reports.spreadsheet import CSV_TYPE, XLSX_TYPE, to_csv, to_xlsx


@require_GET
def action_list(request: HttpRequest) -> HttpResponse:
    form = AsAtForm(request.GET)
    as_at = form.as_at_date
    filters = ActionFilter(
        request.GET or None,
        queryset=actions_as_at(request.user, as_at),
        user=request.user,
        as_at=as_at,
    )
    table = ActionTable(filters.qs, query_string=form.query_string)
    RequestConfig(request, paginate={"per_page": 50}).configure(table)

    export = request.GET.get("export")
    if export in ("csv", "xlsx") and filters.is_valid():
        # The rows in the table's order (its sorting applied), all pages.
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

    rows = list(table.page.object_list) if table.page else []
    table.not_yet_updated = not_yet_updated_ids([row.record for row in rows], as_at)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "improvement/action_list.html",
        {
            "filters": filters,
            "form": form,
            "table": table,
            "export_query": query.urlencode(),
            "count": table.paginator.count if table.page else 0,
        },
    )

"""The workforce page: the indicators for every team, service area and the whole service
at the latest return date, and over time for one of them (chosen with a GET form), as
tables and small charts. Anyone who holds a role may read it; it is a fixed number of
queries whatever the number of teams and returns."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from improvement.permissions import user_roles
from workforce import indicators
from workforce.charts import line_chart
from workforce.forms import ScopeForm
from workforce.selectors import PAGE_INDICATORS, workforce


@require_GET
def workforce_page(request: HttpRequest) -> HttpResponse:
    if not user_roles(request.user):
        raise PermissionDenied  # signed in, but not given a role in the service yet
    data = workforce()
    form = ScopeForm(
        request.GET if "scope" in request.GET else None,
        teams=data.teams,
        service_areas=data.service_areas,
    )
    scope = form.chosen
    scope_label = data.scope_label(scope)
    history = data.series(scope)
    history_rows = data.history_rows(history)
    return render(
        request,
        "workforce/workforce.html",
        {
            "data": data,
            "form": form,
            "scope": scope,
            "scope_label": scope_label,
            "history": history_rows,
            "latest_part_year": any(r.part_year for r in data.team_rows + data.group_rows),
            "history_part_year": any(r.part_year for r in history_rows),
            "columns": [indicators.INDICATORS[code] for code in PAGE_INDICATORS],
            "all_indicators": list(indicators.INDICATORS.values()),
            "charts": [line_chart(history, code, scope_label) for code in PAGE_INDICATORS],
            "turnover_from_start": indicators.turnover_denominator() == indicators.TURNOVER_START,
        },
    )

"""The director's dashboard."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from improvement.dashboard import build_dashboard
from improvement.forms import DashboardForm
from improvement.status import DISPLAY_ORDER


@require_GET
def dashboard_page(request: HttpRequest) -> HttpResponse:
    form = DashboardForm(request.GET)
    board = build_dashboard(request.user, form.as_at_date, form.compare_period())
    return render(
        request,
        "improvement/dashboard.html",
        {"form": form, "board": board, "statuses": DISPLAY_ORDER},
    )

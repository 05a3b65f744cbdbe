"""The director's dashboard."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from improvement.dashboard import dashboard_page as build_page
from improvement.dashboard_form import DashboardForm
from improvement.status import DISPLAY_ORDER


@require_GET
def dashboard_page(request: HttpRequest) -> HttpResponse:
    form = DashboardForm(request.GET, user=request.user)
    board = build_page(
        request.user,
        form.as_at_date,
        form.value("compare"),
        since=form.since_date,
        organisation=form.value("organisation"),
        plan=form.value("plan"),
        owner=form.value("owner"),
        status=form.value("status"),
    )
    return render(
        request,
        "improvement/dashboard.html",
        {"form": form, "board": board, "statuses": DISPLAY_ORDER},
    )

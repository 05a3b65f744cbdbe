"""The director's dashboard."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from improvement import state_cache
from improvement.dashboard import dashboard_page as build_page
from improvement.dashboard import dashboard_plans
from improvement.dashboard_form import DashboardForm
from improvement.models import Plan
from improvement.status import DISPLAY_ORDER


@require_GET
def dashboard_page(request: HttpRequest) -> HttpResponse:
    form = DashboardForm(request.GET, user=request.user)
    filters = {
        "organisation": form.value("organisation"),
        "plan": form.value("plan"),
        "owner": form.value("owner"),
    }
    # The body is worked out from the plans the user may read (the filters' choices list
    # their people and periods) and the plans the filters keep (the rows): cached under
    # all their versions, the user's rights, the query as typed (a mistyped date shows its
    # message) and the as-at date (today's, when none is given).
    visible = list(Plan.objects.visible_to(request.user).values_list("pk", flat=True))
    shown = (
        list(dashboard_plans(request.user, **filters).values_list("pk", flat=True))
        if any(filters.values())
        else visible
    )
    page = state_cache.page_key("dashboard", form.as_at_date, shown, request.GET)

    def render_body() -> str:
        board = build_page(
            request.user,
            form.as_at_date,
            form.value("compare"),
            since=form.since_date,
            status=form.value("status"),
            **filters,
        )
        context = {"form": form, "board": board, "statuses": DISPLAY_ORDER}
        return render_to_string("improvement/_dashboard_body.html", context, request)

    body = state_cache.page_body(request.user, visible, page, render_body)
    # Our own template's output, escaped when it was rendered.
    context = {"form": form, "body_html": mark_safe(body)}  # noqa: S308
    return render(request, "improvement/dashboard.html", context)

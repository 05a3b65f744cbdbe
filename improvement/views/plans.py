"""The list of plans and a plan's page, as at a date."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from improvement import state_cache
from improvement.dashboard import DIRECTIONS, mark_not_yet_updated
from improvement.forms import AsAtForm
from improvement.history import changes_between
from improvement.models import Plan
from improvement.paging import page_number
from improvement.periods import current_period, staleness_words
from improvement.permissions import get_visible_or_404

PLANS_PER_PAGE = 25


@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    form = AsAtForm(request.GET)
    # Page first, then the states of the page's plans only (through the shared cache).
    page = Paginator(Plan.objects.visible_to(request.user), PLANS_PER_PAGE).get_page(
        page_number(request.GET.get("page"))
    )
    states = state_cache.plan_states_as_at(
        Plan.objects.filter(pk__in=[p.pk for p in page.object_list]),
        form.as_at_date,
        summary=True,
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "improvement/plan_list.html",
        {"form": form, "states": states, "page": page, "query": query.urlencode()},
    )


@require_GET
def plan_detail(request: HttpRequest, slug: str) -> HttpResponse:
    plan = get_visible_or_404(request.user, Plan.objects.prefetch_related("status_key"), slug=slug)
    form = AsAtForm(request.GET, with_since=True)
    state = state_cache.plan_state_as_at(plan, form.as_at_date)
    mark_not_yet_updated(state.actions, form.as_at_date, plan)
    changes = None
    # ?moved=worse (from the dashboard's counts): only the changes in that direction.
    moved = request.GET.get("moved")
    moved = moved if moved in DIRECTIONS else None
    if form.since_date:
        changes = changes_between(state_cache.plan_state_as_at(plan, form.since_date), state)
        if moved:
            changes = [c for c in changes if c.direction == moved]
    context = {
        "form": form,
        "plan": plan,
        "state": state,
        "changes": changes,
        "moved": moved,
        "labels": plan.labels(),
        "staleness_words": staleness_words(plan),
        "period": current_period(plan, form.as_at_date),
    }
    # The objectives and actions, the bulk of the page, rendered once per plan version,
    # date and rights (its links carry the as-at date of the query string).
    objectives_html = state_cache.plan_fragment(
        request.user,
        plan,
        f"{form.as_at_date:%Y-%m-%d}|{form.query_string}",
        lambda: render_to_string("improvement/_plan_objectives.html", context, request),
    )
    # Our own template's output, escaped when it was rendered.
    context["objectives_html"] = mark_safe(objectives_html)  # noqa: S308
    return render(request, "improvement/plan_detail.html", context)

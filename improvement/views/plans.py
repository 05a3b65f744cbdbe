"""The list of plans and a plan's page, as at a date."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.functional import SimpleLazyObject, cached_property
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
    user = request.user

    def render_body() -> str:
        # Page first, then the states of the page's plans only (through the shared cache).
        page = Paginator(Plan.objects.visible_to(user), PLANS_PER_PAGE).get_page(
            page_number(request.GET.get("page"))
        )
        states = state_cache.plan_states_as_at(
            Plan.objects.filter(pk__in=[p.pk for p in page.object_list]),
            form.as_at_date,
            summary=True,
        )
        query = request.GET.copy()
        query.pop("page", None)
        context = {"form": form, "states": states, "page": page, "query": query.urlencode()}
        return render_to_string("improvement/_plan_list_body.html", context, request)

    # Cached like the dashboard: under the versions of every plan the user may read (a new
    # plan, or a write to any, shows at once), their rights, the day and the query as
    # typed; a repeat view unpickles no state and renders nothing.
    visible = list(Plan.objects.visible_to(user).values_list("pk", flat=True))
    key = state_cache.page_key(
        "plans", form.as_at_date, visible, request.GET, "staff" if user.is_staff else ""
    )
    body = state_cache.page_body(user, visible, key, render_body)
    # Our own template's output, escaped when it was rendered.
    context = {"form": form, "body_html": mark_safe(body)}  # noqa: S308
    return render(request, "improvement/plan_list.html", context)


class _PlanPage:
    """What a plan's page shows as at a date, worked out only when it is asked for: the
    page's body is cached whole, so a repeat view reads neither the plan's state nor its
    changes (the state of a 500-action plan is 500 actions with their updates to unpickle).
    """

    def __init__(self, plan: Plan, form: AsAtForm, moved: str | None):
        self.plan, self.form, self.moved = plan, form, moved

    @cached_property
    def state(self):
        state = state_cache.plan_state_as_at(self.plan, self.form.as_at_date)
        mark_not_yet_updated(state.actions, self.form.as_at_date, self.plan)
        return state

    @cached_property
    def changes(self):
        if not self.form.since_date:
            return None
        before = state_cache.plan_state_as_at(self.plan, self.form.since_date)
        changes = changes_between(before, self.state)
        if self.moved:
            changes = [c for c in changes if c.direction == self.moved]
        return changes

    def context(self) -> dict:
        return {
            "form": self.form,
            "plan": self.plan,
            "state": self.state,
            "changes": self.changes,
            "moved": self.moved,
            "labels": self.plan.labels(),
            "staleness_words": staleness_words(self.plan),
            "period": current_period(self.plan, self.form.as_at_date),
        }


@require_GET
def plan_detail(request: HttpRequest, slug: str) -> HttpResponse:
    plan = get_visible_or_404(request.user, Plan.objects.all(), slug=slug)
    form = AsAtForm(request.GET, with_since=True)
    # ?moved=worse (from the dashboard's counts): only the changes in that direction.
    moved = request.GET.get("moved")
    moved = moved if moved in DIRECTIONS else None
    page = _PlanPage(plan, form, moved)
    # The body, rendered once per plan version, dates, query (as typed: a mistyped date
    # shows its message) and rights; its links carry the query's as-at date.
    key = "|".join(
        [
            f"{form.as_at_date:%Y-%m-%d}",
            f"{form.since_date:%Y-%m-%d}" if form.since_date else "",
            moved or "",
            urlencode(sorted(request.GET.lists()), doseq=True),
        ]
    )
    html = state_cache.plan_fragment(
        request.user,
        plan,
        key,
        lambda: render_to_string("improvement/_plan_page.html", page.context(), request),
    )
    context = {
        "plan": plan,
        "form": form,
        # Our own template's output, escaped when it was rendered.
        "content_html": mark_safe(html),  # noqa: S308
        # Worked out only if read (the page itself reads the cached body).
        "state": SimpleLazyObject(lambda: page.state),
        "changes": SimpleLazyObject(lambda: page.changes),
    }
    return render(request, "improvement/plan_detail.html", context)

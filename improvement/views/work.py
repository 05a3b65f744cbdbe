"""An objective's page and an action's page, as at a date, with their history."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from improvement.forms import AsAtForm
from improvement.history import action_state_as_at, objective_state_as_at
from improvement.models import Action, Objective, ProgressUpdate


def _updates(as_at, **subject):
    """The updates on one thing up to `as_at`, newest first, with their areas."""
    return (
        ProgressUpdate.objects.filter(**subject, as_at__lte=as_at)
        .select_related("author", "period")
        .prefetch_related("areas_for_development")
        .order_by("-as_at", "-recorded_at", "-id")
    )


@require_GET
def objective_detail(request: HttpRequest, pk: int) -> HttpResponse:
    objective = get_object_or_404(
        Objective.objects.select_related("plan", "section").prefetch_related("plan__status_key"),
        pk=pk,
    )
    form = AsAtForm(request.GET)
    state = objective_state_as_at(objective, form.as_at_date)
    return render(
        request,
        "improvement/objective_detail.html",
        {
            "form": form,
            "plan": objective.plan,
            "objective": objective,
            "state": state,
            "labels": objective.plan.labels(),
            "updates": _updates(form.as_at_date, objective=objective),
        },
    )


@require_GET
def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_object_or_404(
        Action.objects.select_related(
            "objective__plan", "objective__section", "owner"
        ).prefetch_related("objective__plan__status_key", "milestones"),
        pk=pk,
    )
    form = AsAtForm(request.GET)
    return render(
        request,
        "improvement/action_detail.html",
        {
            "form": form,
            "plan": action.objective.plan,
            "objective": action.objective,
            "action": action,
            "state": action_state_as_at(action, form.as_at_date),
            "labels": action.objective.plan.labels(),
            "milestones": action.milestones.all(),
            "updates": _updates(form.as_at_date, action=action),
        },
    )

"""An objective's page and an action's page, as at a date, with their history."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from improvement.dashboard import mark_not_yet_updated
from improvement.forms import AsAtForm
from improvement.history import action_state_as_at, objective_state_as_at
from improvement.models import Action, Objective, ProgressUpdate
from improvement.permissions import can_assess_objective, can_update_action, get_visible_or_404
from improvement.timeline import action_timeline


def updates_up_to(as_at, **subject):
    """The updates on one thing up to `as_at`, newest first, with all they carry."""
    return (
        ProgressUpdate.objects.filter(**subject, as_at__lte=as_at)
        .select_related("author", "period", "sign_off__decided_by")
        .prefetch_related("areas_for_development", "files")
        .order_by("-as_at", "-recorded_at", "-id")
    )


@require_GET
def objective_detail(request: HttpRequest, pk: int) -> HttpResponse:
    objective = get_visible_or_404(
        request.user,
        Objective.objects.select_related("plan", "section", "owner").prefetch_related(
            "plan__status_key"
        ),
        pk=pk,
    )
    form = AsAtForm(request.GET)
    state = objective_state_as_at(objective, form.as_at_date)
    mark_not_yet_updated(state.actions, form.as_at_date, objective.plan)
    return render(
        request,
        "improvement/objective_detail.html",
        {
            "form": form,
            "plan": objective.plan,
            "objective": objective,
            "state": state,
            "labels": objective.plan.labels(),
            "updates": updates_up_to(form.as_at_date, objective=objective),
            "can_assess": can_assess_objective(request.user, objective),
        },
    )


@require_GET
def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_visible_or_404(
        request.user,
        Action.objects.select_related(
            "objective__plan", "objective__section", "owner"
        ).prefetch_related("objective__plan__status_key", "milestones", "delegates"),
        pk=pk,
    )
    form = AsAtForm(request.GET)
    updates = updates_up_to(form.as_at_date, action=action)
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
            "timeline": action_timeline(action, form.as_at_date, updates),
            "can_update": can_update_action(request.user, action),
        },
    )

"""Who may do what, object by object: the `rules` predicates every view checks, and the
queryset filters that apply the same rules to lists.

Roles are Django groups (see `improvement.roles`); links are real users on the objects
(a plan's editors, an action's owner and delegates, an objective's owner).

read a plan     administrators, viewers and clerks: every plan. Anyone else with a role
                or an action to look after: every plan that is not restricted, plus the
                plans they edit or own actions in. Nobody else: nothing.
export a plan   whoever may read it.
update an action    administrators, the plan's editors, the action's owner and delegates.
assess an objective administrators, the plan's editors, the objective's owner.
sign off an update  administrators and the plan's editors, never the update's author.
change a plan   administrators (any plan), plan editors (the plans they are named on),
                in the admin.
enter a measure's data  administrators, the measure's owner, the plan's editors; never
                by hand for a measure fed by the workforce returns.
"""

from __future__ import annotations

import rules
from django.db.models import Q, QuerySet

from improvement import roles


def _active(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def user_roles(user) -> frozenset[str]:
    """The role names a user holds, read once per user object."""
    if not _active(user):
        return frozenset()
    cached = getattr(user, "_tracker_roles", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            cached |= {roles.ADMINISTRATOR}
        user._tracker_roles = cached
    return cached


def is_administrator(user) -> bool:
    return roles.ADMINISTRATOR in user_roles(user)


def reads_everything(user) -> bool:
    return bool(user_roles(user) & {roles.ADMINISTRATOR, roles.VIEWER, roles.CLERK})


def visible_plans(user, plans: QuerySet | None = None) -> QuerySet:
    from improvement.models import Plan

    plans = Plan.objects.all() if plans is None else plans
    if reads_everything(user):
        return plans
    if not _active(user):
        return plans.none()
    own = (
        Q(editors=user)
        | Q(objectives__actions__owner=user)
        | Q(objectives__actions__delegates=user)
        | Q(objectives__owner=user)
    )
    mine = Plan.objects.filter(own).values("pk")
    if user_roles(user):
        return plans.filter(Q(restricted=False) | Q(pk__in=mine))
    # No role: only what they have been given to look after.
    return plans.filter(pk__in=mine)


def updatable_actions(user, actions: QuerySet | None = None) -> QuerySet:
    """Actions `user` may record progress on."""
    from improvement.models import Action

    actions = Action.objects.all() if actions is None else actions
    if is_administrator(user):
        return actions
    if not _active(user):
        return actions.none()
    return actions.filter(
        Q(owner=user) | Q(delegates=user) | Q(objective__plan__editors=user)
    ).distinct()


def _plan_of(obj):
    """The plan an object belongs to: a plan, objective, action, update or evidence file."""
    from improvement.models import Action, EvidenceFile, Objective, Plan, ProgressUpdate

    if isinstance(obj, Plan):
        return obj
    if isinstance(obj, Objective):
        return obj.plan
    if isinstance(obj, Action):
        return obj.objective.plan
    if isinstance(obj, ProgressUpdate):
        return obj.plan
    if isinstance(obj, EvidenceFile):
        return obj.update.plan
    if hasattr(obj, "plan_id") and hasattr(obj, "unit"):  # a metrics.Measure
        return obj.plan
    raise TypeError(f"No plan for {type(obj).__name__}")


def _is_editor(user, plan) -> bool:
    return plan.editors.filter(pk=user.pk).exists()


@rules.predicate
def can_view(user, obj) -> bool:
    if obj is None or not _active(user):
        return False
    plan = _plan_of(obj)
    if reads_everything(user):
        return True
    return visible_plans(user).filter(pk=plan.pk).exists()


@rules.predicate
def can_update_action(user, action) -> bool:
    if action is None or not _active(user):
        return False
    if is_administrator(user):
        return True
    if action.owner_id == user.pk or action.delegates.filter(pk=user.pk).exists():
        return True
    return _is_editor(user, action.objective.plan)


@rules.predicate
def can_assess_objective(user, objective) -> bool:
    if objective is None or not _active(user):
        return False
    if is_administrator(user) or objective.owner_id == user.pk:
        return True
    return _is_editor(user, objective.plan)


@rules.predicate
def can_sign_off(user, update) -> bool:
    if update is None or not _active(user):
        return False
    if update.author_id == user.pk and not is_administrator(user):
        return False  # nobody approves their own update
    return is_administrator(user) or _is_editor(user, update.plan)


@rules.predicate
def can_edit_plan(user, plan) -> bool:
    if plan is None or not _active(user):
        return False
    if is_administrator(user):
        return True
    return roles.PLAN_EDITOR in user_roles(user) and _is_editor(user, plan)


@rules.predicate
def can_enter_measure_data(user, measure) -> bool:
    if measure is None or not _active(user) or measure.indicator:
        return False
    if is_administrator(user) or measure.owner_id == user.pk:
        return True
    return _is_editor(user, measure.plan)


rules.add_perm("improvement.view_plan_pages", can_view)
rules.add_perm("metrics.enter_data", can_enter_measure_data)
rules.add_perm("improvement.export_plan", can_view)
rules.add_perm("improvement.update_action", can_update_action)
rules.add_perm("improvement.assess_objective", can_assess_objective)
rules.add_perm("improvement.sign_off_update", can_sign_off)
rules.add_perm("improvement.edit_plan", can_edit_plan)


def get_visible_or_404(user, queryset: QuerySet, **lookup):
    """The object, if `user` may read it; 404 otherwise, so outsiders learn nothing."""
    from django.http import Http404

    obj = queryset.filter(**lookup).first()
    if obj is None or not can_view(user, obj):
        raise Http404("Not found")
    return obj


def require(user, perm: str, obj) -> None:
    """403 for someone who may read `obj` but not do this to it."""
    from django.core.exceptions import PermissionDenied

    if not user.has_perm(perm, obj):
        raise PermissionDenied

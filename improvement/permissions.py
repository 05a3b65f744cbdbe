"""Who may do what, object by object: the `rules` predicates every view checks, and the
queryset filters that apply the same rules to lists. Everything that decides a power
asks this module.

Roles are Django groups (see `improvement.roles`); links are real users on the objects
(a plan's editors, an action's owner and delegates, an objective's or a measure's
owner). A link gives a power only together with the role that goes with it: being
named on a plan's editors counts only for someone holding the Plan editor role, owning
or being a delegate for an action only for someone holding the Action owner role. So
taking a role away takes its powers away, whatever lists the person is still on, and a
Viewer put on a plan's editors is still only a reader.

read a plan     administrators, viewers and clerks: every plan. Plan editors and action
                owners: every plan that is not restricted, plus (editors) the plans they
                edit and (owners) the plans their actions or objectives are in. Nobody
                else: nothing.
export a plan   whoever may read it.
update an action    administrators; plan editors of its plan; action owners who own it or
                    are a delegate for it.
assess an objective administrators; plan editors of its plan; action owners who own it.
sign off an update  administrators; plan editors of its plan, never for their own update.
change a plan   administrators (any plan); plan editors (the plans they edit), in the
                admin.
enter a measure's data  administrators; plan editors of its plan; action owners who own
                the measure; never by hand for a measure fed by the workforce returns.
"""

from __future__ import annotations

from functools import reduce
from operator import or_

import rules
from django.db.models import Q, QuerySet

from improvement import roles


def _active(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def user_roles(user) -> frozenset[str]:
    """The roles a user holds (other groups are not roles), read once per user object."""
    if not _active(user):
        return frozenset()
    cached = getattr(user, "_tracker_roles", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True)) & set(roles.ROLE_PERMISSIONS)
        if user.is_superuser:
            names.add(roles.ADMINISTRATOR)
        cached = user._tracker_roles = frozenset(names)
    return cached


def is_administrator(user) -> bool:
    return roles.ADMINISTRATOR in user_roles(user)


def is_plan_editor(user) -> bool:
    """Holds the Plan editor role (which plans they edit is `editable_plans`)."""
    return roles.PLAN_EDITOR in user_roles(user)


def is_action_owner(user) -> bool:
    """Holds the Action owner role (which actions they look after is `looked_after_actions`)."""
    return roles.ACTION_OWNER in user_roles(user)


def reads_everything(user) -> bool:
    return bool(user_roles(user) & {roles.ADMINISTRATOR, roles.VIEWER, roles.CLERK})


def _any(conditions: list[Q]) -> Q | None:
    return reduce(or_, conditions) if conditions else None


# -- the relations, each counted only with its role -------------------------------------


def _editor_links(user, to_plan: str = "") -> list[Q]:
    """`editors` of the plan reached through `to_plan`, for a holder of the Plan editor role."""
    return [Q(**{f"{to_plan}editors": user})] if is_plan_editor(user) else []


def _owner_links(
    user, *, to_action: str | None, to_objective: str | None, delegates: bool = True
) -> list[Q]:
    """Owning (or being a delegate for) the action, or owning the objective, reached through
    the given paths, for a holder of the Action owner role."""
    if not is_action_owner(user):
        return []
    links = []
    if to_action is not None:
        links.append(Q(**{f"{to_action}owner": user}))
        if delegates:
            links.append(Q(**{f"{to_action}delegates": user}))
    if to_objective is not None:
        links.append(Q(**{f"{to_objective}owner": user}))
    return links


# -- lists ------------------------------------------------------------------------------


def visible_plans(user, plans: QuerySet | None = None) -> QuerySet:
    """The plans `user` may read."""
    from improvement.models import Plan

    plans = Plan.objects.all() if plans is None else plans
    if reads_everything(user):
        return plans
    if not user_roles(user):
        return plans.none()
    own = _any(
        _editor_links(user)
        + _owner_links(user, to_action="objectives__actions__", to_objective="objectives__")
    )
    readable = Q(restricted=False)
    if own is not None:
        readable |= Q(pk__in=Plan.objects.filter(own).values("pk"))
    return plans.filter(readable)


def editable_plans(user, plans: QuerySet | None = None) -> QuerySet:
    """The plans `user` edits (in the admin) and signs updates off in: every plan for an
    administrator, the plans they are an editor of for a plan editor, none for anyone else."""
    from improvement.models import Plan

    plans = Plan.objects.all() if plans is None else plans
    if is_administrator(user):
        return plans
    links = _any(_editor_links(user))
    if links is None:
        return plans.none()
    return plans.filter(pk__in=Plan.objects.filter(links).values("pk"))


def updatable_actions(user, actions: QuerySet | None = None) -> QuerySet:
    """Actions `user` may record progress on."""
    from improvement.models import Action

    actions = Action.objects.all() if actions is None else actions
    if is_administrator(user):
        return actions
    links = _any(
        _editor_links(user, "objective__plan__")
        + _owner_links(user, to_action="", to_objective=None)
    )
    if links is None:
        return actions.none()
    return actions.filter(pk__in=Action.objects.filter(links).values("pk"))


def looked_after_actions(user, *, include_delegated: bool = True) -> QuerySet:
    """The actions `user` owns (or is a delegate for) and may record progress on: their
    "my actions", and what their reminders are about."""
    from improvement.models import Action

    if not _active(user):
        return Action.objects.none()
    links = Q(owner=user) | Q(delegates=user) if include_delegated else Q(owner=user)
    linked = Action.objects.filter(pk__in=Action.objects.filter(links).values("pk"))
    return updatable_actions(user, linked)


def decidable_updates(user, updates: QuerySet | None = None) -> QuerySet:
    """Updates `user` may sign off (or return): any for an administrator; for a plan
    editor, those in the plans they edit that someone else wrote."""
    from improvement.models import ProgressUpdate

    updates = ProgressUpdate.objects.all() if updates is None else updates
    if is_administrator(user):
        return updates
    plans = editable_plans(user)
    return updates.filter(
        Q(action__objective__plan__in=plans) | Q(objective__plan__in=plans)
    ).exclude(author=user)


def signs_off_anything(user) -> bool:
    """Whether the sign-off page is for `user` at all."""
    return is_administrator(user) or editable_plans(user).exists()


# -- single objects ---------------------------------------------------------------------


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


def edits_plan(user, plan) -> bool:
    """An administrator, or a plan editor named on `plan`'s editors."""
    if plan is None or not _active(user):
        return False
    if is_administrator(user):
        return True
    return is_plan_editor(user) and plan.editors.filter(pk=user.pk).exists()


def _owns(user, owner_id) -> bool:
    return owner_id is not None and owner_id == user.pk and is_action_owner(user)


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
    if _owns(user, action.owner_id):
        return True
    if is_action_owner(user) and action.delegates.filter(pk=user.pk).exists():
        return True
    return edits_plan(user, action.objective.plan)


@rules.predicate
def can_assess_objective(user, objective) -> bool:
    if objective is None or not _active(user):
        return False
    return _owns(user, objective.owner_id) or edits_plan(user, objective.plan)


@rules.predicate
def can_sign_off(user, update) -> bool:
    if update is None or not _active(user):
        return False
    if update.author_id == user.pk and not is_administrator(user):
        return False  # nobody approves their own update
    return edits_plan(user, update.plan)


def may_sign_off_in(user, plan) -> bool:
    """Whether `user` signs off updates in `plan` (so their own need no sign-off there)."""
    return edits_plan(user, plan)


@rules.predicate
def can_edit_plan(user, plan) -> bool:
    return edits_plan(user, plan)


@rules.predicate
def can_enter_measure_data(user, measure) -> bool:
    if measure is None or not _active(user) or measure.indicator:
        return False
    return _owns(user, measure.owner_id) or edits_plan(user, measure.plan)


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

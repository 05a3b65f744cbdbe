"""Plan state versions: which plans a write touches, and moving their version on in the
writer's own transaction.

Every write that can change what is shown of a plan (its structure, key, settings,
periods, updates, sign-off decisions, evidence, measures, targets, values, and the
workforce returns that feed its measures) moves the plan's `PlanStateVersion.number` on,
so anything worked out from a plan (its states as at a date, its dashboard rows) can be
cached under `(plan, number)` and is never served after a write, including a correction
dated in the past.

Single saves and deletes are caught by model signals (`connect`, called from the app's
`ready()`): the form, the sign-off decision, the admin and the loaders all save through
`save()`. Bulk writers (`bulk_create`, `bulk_update`, `queryset.update()`) send no signals
and call `bump()` themselves (the workbook import does, in its transaction).

Why this is safe without locks: the number is moved on inside the writer's transaction,
so no reader sees the new data under the old number. A reader reads the numbers first and
the data second; under READ COMMITTED the data it reads is at least as new as the numbers,
so what it caches under a number is never older than that number says.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from improvement.models import (
    Action,
    EvidenceFile,
    Milestone,
    Objective,
    Plan,
    PlanStateVersion,
    ProgressUpdate,
    ReportingPeriod,
    Section,
    SignOff,
    StatusKeyEntry,
)


def bump(plan_ids: Iterable[int | None]) -> None:
    """Move the version of these plans on by one (a plan with no version row gets one)."""
    ids = sorted({pk for pk in plan_ids if pk is not None})
    if not ids:
        return
    table = connection.ops.quote_name(PlanStateVersion._meta.db_table)
    values = ", ".join(["(%s, 1)"] * len(ids))
    # One upsert, so two first writes to a plan at once cannot both create the row.
    with connection.cursor() as cursor:
        cursor.execute(
            # The table name is the model's; every value is a placeholder.
            f"INSERT INTO {table} (plan_id, number) VALUES {values} "  # noqa: S608
            f"ON CONFLICT (plan_id) DO UPDATE SET number = {table}.number + 1",
            ids,
        )


def bump_all() -> None:
    """Every plan (a change to something shared, such as a global reporting period)."""
    bump(Plan.objects.values_list("pk", flat=True))


def versions(plan_ids: Iterable[int]) -> dict[int, int]:
    """The current version of each plan, in one query (0 for a plan never written since
    versions began)."""
    ids = list(plan_ids)
    found = dict(PlanStateVersion.objects.filter(plan_id__in=ids).values_list("plan_id", "number"))
    return {pk: found.get(pk, 0) for pk in ids}


# -- which plan a saved object belongs to -------------------------------------------------


def _plan_of_objective(objective_id) -> list[int]:
    return list(Objective.objects.filter(pk=objective_id).values_list("plan_id", flat=True))


def _plan_of_action(action_id) -> list[int]:
    return list(Action.objects.filter(pk=action_id).values_list("objective__plan_id", flat=True))


def _plan_of_update(update: ProgressUpdate) -> list[int]:
    if update.action_id:
        return _plan_of_action(update.action_id)
    return _plan_of_objective(update.objective_id)


def _plan_of_update_id(update_id) -> list[int]:
    row = ProgressUpdate.objects.filter(pk=update_id).values("action_id", "objective_id").first()
    if row is None:
        return []
    if row["action_id"]:
        return _plan_of_action(row["action_id"])
    return _plan_of_objective(row["objective_id"])


def _plans_fed_by_workforce() -> list[int]:
    from metrics.models import Measure

    return list(Measure.objects.exclude(indicator="").values_list("plan_id", flat=True).distinct())


def plans_touched_by(instance) -> list[int]:
    """The plans whose shown state a write of `instance` can change."""
    from metrics.models import DataPoint, Measure, Target

    if isinstance(instance, Plan):
        return [instance.pk]
    if isinstance(instance, (Section, StatusKeyEntry, Objective, Measure)):
        return [instance.plan_id]
    if isinstance(instance, ReportingPeriod):
        plan_id = getattr(instance, "plan_id", None)
        return [plan_id] if plan_id else list(Plan.objects.values_list("pk", flat=True))
    if isinstance(instance, Action):
        return _plan_of_objective(instance.objective_id)
    if isinstance(instance, Milestone):
        return _plan_of_action(instance.action_id)
    if isinstance(instance, ProgressUpdate):
        return _plan_of_update(instance)
    if isinstance(instance, (SignOff, EvidenceFile)):
        return _plan_of_update_id(instance.update_id)
    if isinstance(instance, (Target, DataPoint)):
        return list(
            Measure.objects.filter(pk=instance.measure_id).values_list("plan_id", flat=True)
        )
    # A workforce return, team or service area: the plans with measures fed by returns.
    return _plans_fed_by_workforce()


# What can be moved from one plan to another: the plan it was in changes too.
MOVABLE = (Objective, Action, Milestone)


def _before_saving(sender, instance, **kwargs) -> None:
    if instance.pk is not None and not kwargs.get("raw"):
        stored = type(instance)._default_manager.filter(pk=instance.pk).first()
        instance._plans_before = plans_touched_by(stored) if stored else []


def _written(sender, instance, **kwargs) -> None:
    if kwargs.get("raw"):  # loading a fixture: nothing cached can exist for it yet
        return
    if isinstance(instance, Plan) and kwargs.get("created"):
        PlanStateVersion.objects.get_or_create(plan=instance)
        return
    bump(plans_touched_by(instance) + getattr(instance, "_plans_before", []))


def _deleted(sender, instance, **kwargs) -> None:
    origin = kwargs.get("origin")
    if (
        isinstance(instance, Plan)
        or isinstance(origin, Plan)
        or (getattr(origin, "model", None) is Plan)
    ):
        return  # the plan is going, and its version row with it
    # In a cascade the parent may be gone already; then so is the plan, or it was bumped.
    bump(plans_touched_by(instance))


def _relations_changed(sender, instance, action, **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        bump(plans_touched_by(instance))


# What of a person is shown in plans' pages (as owner, author, editor, in the filters'
# drop-downs): a change to it moves every plan on. Signing in (which saves `last_login`)
# and other changes to the account do not, or every sign-in would empty the cache.
SHOWN_OF_A_PERSON = ("username", "first_name", "last_name")


def _person_before_saving(sender, instance, **kwargs) -> None:
    if instance.pk is None or kwargs.get("raw"):
        return
    fields = kwargs.get("update_fields")
    if fields is not None and not set(fields) & set(SHOWN_OF_A_PERSON):
        return  # e.g. the sign-in saving last_login: nothing to read
    stored = type(instance)._default_manager.filter(pk=instance.pk).values(*SHOWN_OF_A_PERSON)
    before = stored.first()
    instance._shown_changed = before is not None and any(
        before[name] != getattr(instance, name) for name in SHOWN_OF_A_PERSON
    )


def _person_written(sender, instance, **kwargs) -> None:
    if getattr(instance, "_shown_changed", False):
        instance._shown_changed = False
        bump_all()


WATCHED = [
    Plan,
    Section,
    StatusKeyEntry,
    ReportingPeriod,
    Objective,
    Action,
    Milestone,
    ProgressUpdate,
    SignOff,
    EvidenceFile,
    "metrics.Measure",
    "metrics.Target",
    "metrics.DataPoint",
    "workforce.WorkforceReturn",
    "workforce.Team",
    "workforce.ServiceArea",
]


def connect() -> None:
    """Watch every model whose writes change what is shown of a plan."""
    from django.apps import apps
    from django.contrib.auth import get_user_model

    person = get_user_model()
    pre_save.connect(_person_before_saving, sender=person, dispatch_uid="plan-version-person")
    post_save.connect(_person_written, sender=person, dispatch_uid="plan-version-person-save")

    for model in WATCHED:
        if isinstance(model, str):
            model = apps.get_model(model)
        uid = f"plan-version-{model._meta.label_lower}"
        if model in MOVABLE or model._meta.label == "metrics.Measure":
            pre_save.connect(_before_saving, sender=model, dispatch_uid=f"{uid}-before")
        post_save.connect(_written, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"{uid}-delete")
        for field in model._meta.many_to_many:
            m2m_changed.connect(
                _relations_changed,
                sender=field.remote_field.through,
                dispatch_uid=f"{uid}-{field.name}",
            )

"""Saving a confirmed import in bulk, with its history.

The planner hands over every object to create or change (`Writes.save`) and every
many-to-many relation to set (`Writes.relate`); `Writes.apply` saves them model by model,
in the order they were first handed over (the order the sheets depend on each other), with
a fixed number of statements per model whatever the number of rows: `bulk_create` and
`bulk_update` in batches, and django-simple-history's bulk helpers for the history, in the
importing person's name. Saving 12,000 objects one `save()` at a time took longer than
gunicorn's 30-second timeout (bench/import_size.py); this takes a few seconds.

Bulk writes skip `save()`, so what the models' `save()` does is done here too: an
objective's and an action's `sort_key` from their reference. A changed object's changed
fields are found by comparing it with what was read (`remember`), so that only those
fields are written. Where a model has a version field for optimistic locking (`version`,
or django-concurrency's), a changed object's version is moved on, so a form drawn before
the import is refused as out of date rather than silently undoing it. The plan itself is
one object, saved with `save()` (its `updated_at`, its editors in its history).

Nothing here sends signals: simple-history's many-to-many records (an action's delegates,
a measure's objectives and actions) are written here, one set per history record, as its
`save()` would.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from itertools import islice

from django.db import models
from simple_history.utils import (
    bulk_create_with_history,
    bulk_update_with_history,
    get_history_manager_for_model,
)

from improvement.models import Plan
from improvement.references import natural_key

REASON = "Imported from a plan workbook"
BATCH = 1000  # rows a statement: large enough to be few, small enough to stay cheap
IN_BATCH = 5000  # ids in one IN (...) list


def remember(instance: models.Model) -> models.Model:
    """Note a stored object's field values as read, to find later what changed."""
    instance._import_read = {
        f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields
    }
    return instance


def changed_fields(instance: models.Model) -> list[str]:
    """The fields of a stored object that differ from what was read."""
    read = getattr(instance, "_import_read", None)
    names = []
    for field in instance._meta.concrete_fields:
        if field.primary_key:
            continue
        value = getattr(instance, field.attname)
        if field.is_relation and field.is_cached(instance):
            # Set to an object that was new when it was set: its id has come since.
            related = field.get_cached_value(instance)
            value = None if related is None else related.pk
            if value is None and related is not None:
                names.append(field.name)  # still to be saved: Django will refuse it
                continue
        if read is None or value != read.get(field.attname):
            names.append(field.name)
    return names


def version_field(model: type[models.Model]) -> models.Field | None:
    """The model's optimistic-locking version field, if it has one."""
    for field in model._meta.concrete_fields:
        if field.name == "version" or type(field).__name__.endswith("VersionField"):
            return field
    return None


def _prepare(instance: models.Model) -> None:
    """What the model's `save()` does before writing (bulk writes skip it)."""
    if hasattr(instance, "sort_key") and hasattr(instance, "reference"):
        instance.sort_key = natural_key(instance.reference)


class Writes:
    """Everything a confirmed import saves, gathered to be saved in bulk."""

    def __init__(self, reason: str = REASON) -> None:
        self.reason = reason
        self.order: list[type[models.Model]] = []
        self.created: dict[type, dict[int, models.Model]] = defaultdict(dict)
        self.changed: dict[type, dict[int, models.Model]] = defaultdict(dict)
        self.relations: dict[type, dict[tuple[int, str], tuple]] = defaultdict(dict)

    def __bool__(self) -> bool:
        return bool(self.order)

    def save(self, instance: models.Model) -> None:
        model = type(instance)
        if model not in self.order:
            self.order.append(model)
        target = self.created if instance.pk is None else self.changed
        target[model][id(instance)] = instance

    def relate(self, instance: models.Model, relation: str, objects: list) -> None:
        """Set a many-to-many relation once `instance` is saved."""
        self.relations[type(instance)][(id(instance), relation)] = (instance, relation, objects)

    def new(self, model: type[models.Model]) -> list[models.Model]:
        return list(self.created[model].values())

    def apply(self, *, user, before: Callable[[type], None] | None = None) -> None:
        """Save everything, model by model. The caller holds the transaction."""
        for model in self.order:
            if before:
                before(model)
            created = list(self.created[model].values())
            changed = list(self.changed[model].values())
            if model is Plan:
                for plan in [*created, *changed]:
                    plan._history_user = user
                    plan._change_reason = self.reason
                    plan.save()
                continue
            if not hasattr(model, "history"):
                # A model with no history of its own (a saved column mapping): saved as is.
                for generation in _generations(created):
                    model._default_manager.bulk_create(generation, batch_size=BATCH)
                fields = self._changed_fields(model, changed)
                if changed and fields:
                    model._default_manager.bulk_update(changed, fields, batch_size=BATCH)
                self._set_relations(model)
                continue
            history_m2m = list(getattr(model.history.model, "_history_m2m_fields", []))
            for generation in _generations(created):
                for instance in generation:
                    _prepare(instance)
                if history_m2m:
                    model._default_manager.bulk_create(generation, batch_size=BATCH)
                else:
                    bulk_create_with_history(
                        generation,
                        model,
                        batch_size=BATCH,
                        default_user=user,
                        default_change_reason=self.reason,
                    )
            fields = self._changed_fields(model, changed)
            if changed and not history_m2m:
                bulk_update_with_history(
                    changed,
                    model,
                    fields,
                    batch_size=BATCH,
                    default_user=user,
                    default_change_reason=self.reason,
                )
            elif changed and fields:
                model._default_manager.bulk_update(changed, fields, batch_size=BATCH)
            self._set_relations(model)
            if history_m2m:
                self._history_with_relations(model, history_m2m, created, changed, user)

    def _changed_fields(self, model, changed: list) -> list[str]:
        """The union of what changed (each object's other fields keep what was read)."""
        names: dict[str, None] = {}
        for instance in changed:
            _prepare(instance)
            for name in changed_fields(instance):
                names[name] = None
        version = version_field(model)
        if version is not None and changed:
            for instance in changed:
                setattr(instance, version.attname, (getattr(instance, version.attname) or 0) + 1)
            names[version.name] = None
        return list(names)

    def _set_relations(self, model) -> None:
        by_relation: dict[str, list[tuple]] = defaultdict(list)
        for instance, relation, objects in self.relations[model].values():
            by_relation[relation].append((instance, objects))
        for relation, pairs in by_relation.items():
            field = model._meta.get_field(relation)
            through = field.remote_field.through
            source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
            stored = [instance.pk for instance, _ in pairs if not _is_new(self, instance)]
            for ids in batched(stored, IN_BATCH):
                through._default_manager.filter(**{f"{source}_id__in": ids}).delete()
            through._default_manager.bulk_create(
                [
                    through(**{f"{source}_id": instance.pk, f"{target}_id": other.pk})
                    for instance, objects in pairs
                    for other in objects
                ],
                batch_size=BATCH,
            )

    def _history_with_relations(self, model, m2m_fields, created, changed, user) -> None:
        """History records for a model whose many-to-many relations are in its history:
        each record with its relations as they now are, as simple-history's `save()`
        handler writes them."""
        manager = get_history_manager_for_model(model)
        records = [
            *(
                manager.bulk_history_create(
                    created, batch_size=BATCH, default_user=user, default_change_reason=self.reason
                )
                or []
            ),
            *(
                manager.bulk_history_create(
                    changed,
                    batch_size=BATCH,
                    update=True,
                    default_user=user,
                    default_change_reason=self.reason,
                )
                or []
            ),
        ]
        if not records:
            return  # history is switched off
        instances = [*created, *changed]
        for field in m2m_fields:
            through = field.remote_field.through
            source = field.m2m_field_name()
            names = [f.attname for f in through._meta.fields]  # ids: no query a row
            rows_of: dict[int, list] = defaultdict(list)
            for ids in batched([i.pk for i in instances], IN_BATCH):
                for row in through._default_manager.filter(**{f"{source}_id__in": ids}):
                    rows_of[getattr(row, f"{source}_id")].append(row)
            history_model = getattr(model.history.model, field.name).model
            history_model._default_manager.bulk_create(
                [
                    history_model(history=record, **{name: getattr(row, name) for name in names})
                    for record, instance in zip(records, instances, strict=True)
                    for row in rows_of[instance.pk]
                ],
                batch_size=BATCH,
            )


def batched(items: list, size: int) -> Iterator[list]:
    """`items` in lists of at most `size` (itertools.batched is Python 3.12)."""
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _is_new(writes: Writes, instance) -> bool:
    return id(instance) in writes.created[type(instance)]


def _unsaved_of_same_model(instance) -> Iterable[models.Model]:
    for field in instance._meta.concrete_fields:
        if (
            field.is_relation
            and field.related_model is type(instance)
            and field.is_cached(instance)
        ):
            related = field.get_cached_value(instance)
            if related is not None and related.pk is None:
                yield related


def _generations(objects: list) -> Iterator[list]:
    """New objects in the order they can be inserted: one that refers to another new
    object of its own model (a revised target to the one it replaces) after it. The
    number of generations is the longest such chain, not the number of objects."""
    pending = objects
    while pending:
        waiting = {id(o) for o in pending}
        ready = [o for o in pending if not any(id(r) in waiting for r in _unsaved_of_same_model(o))]
        if not ready:
            raise ValueError("Objects refer to each other in a circle.")
        yield ready  # saved (and given their ids) before the next generation is worked out
        done = {id(o) for o in ready}
        pending = [o for o in pending if id(o) not in done]

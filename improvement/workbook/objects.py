"""Small helpers for the model objects an import builds before anything is saved:
checking a model's check constraints in Python (no query per row) and comparing objects
that may not be saved yet."""

from __future__ import annotations

import operator

from django.db import models
from django.db.models import CheckConstraint, F, Q


class _CannotTell(Exception):
    pass


_COMPARE = {
    "exact": operator.eq,
    "gte": operator.ge,
    "lte": operator.le,
    "gt": operator.gt,
    "lt": operator.lt,
    "in": lambda value, choices: value in choices,
}


def _value_of(instance: models.Model, name: str):
    field_ = instance._meta.get_field(name)
    if field_.is_relation and field_.is_cached(instance):
        return field_.get_cached_value(instance)  # maybe an object not saved yet
    return getattr(instance, field_.attname)


def _evaluate(node, instance) -> bool | None:
    """A Q condition on one instance, with SQL's three values (None: unknown)."""
    if isinstance(node, Q):
        results = [_evaluate(child, instance) for child in node.children]
        if node.connector == Q.AND:
            value = False if False in results else None if None in results else True
        else:
            value = True if True in results else None if None in results else False
        return value if value is None or not node.negated else not value
    lookup, expected = node
    name, _, op = lookup.partition("__")
    actual = _value_of(instance, name)
    if isinstance(expected, F):
        expected = _value_of(instance, expected.name)
    elif hasattr(expected, "resolve_expression"):
        raise _CannotTell
    if op == "isnull":
        return (actual is None) == bool(expected)
    if (op or "exact") not in _COMPARE:
        raise _CannotTell
    if actual is None or expected is None:
        return None
    return _COMPARE[op or "exact"](actual, expected)


def holds(constraint: CheckConstraint, instance: models.Model) -> bool:
    """Whether a check constraint holds; like the database, "unknown" passes. A condition
    this cannot read is left to the database, which checks it when the import is saved."""
    try:
        return _evaluate(constraint.condition, instance) is not False
    except _CannotTell:
        return True


def model_field(instance, name: str):
    try:
        return instance._meta.get_field(name)
    except Exception:  # noqa: BLE001 - not a field of this model
        return None


def same(a, b) -> bool:
    if a is None or b is None:
        return a is b
    if a.pk and b.pk:
        return a.pk == b.pk
    return a is b


def same_objects(old: list, new: list) -> bool:
    return (
        len(old) == len(new)
        and all(o.pk is not None for o in new)
        and ({o.pk for o in old} == {o.pk for o in new})
    )

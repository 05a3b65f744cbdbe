"""A version number on the things people edit in the admin (plans, sections,
objectives, actions, milestones, measures), so a change made on an out-of-date page is
refused instead of silently undoing someone else's newer one.

`version` starts at 1 and every `save()` of a stored row makes it one more than the
version stored at that moment (read under a row lock), so it only ever goes up and each
django-simple-history record carries the version it saved. A writer that knows which
version its change was based on says so with `expect_version(n)`; `save()` then refuses
(`StaleEdit`, nothing written) if the stored version is no longer `n`. The admin's forms
do that for every object and inline row (`improvement.admin.VersionedForm`).

Bulk writers (`bulk_update`, `queryset.update()`) bypass `save()`: they must set
`version` to the stored version plus one on every row they change (and, to refuse
concurrent changes, update only rows still at the version they read, e.g.
`filter(pk=..., version=read)`), and write the history rows themselves
(simple-history's `bulk_update_with_history` copies `version` across).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db import models, router, transaction
from django.utils.text import Truncator, capfirst


class StaleEdit(Exception):
    """The row was saved by someone else after the change being saved was based on it."""

    def __init__(self, instance, *, expected: int, stored: int):
        self.instance, self.expected, self.stored = instance, expected, stored
        super().__init__(
            f"{type(instance).__name__} {instance.pk} is at version {stored}, not {expected}"
        )


class Versioned(models.Model):
    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="One more at every save: an edit based on an older version is refused.",
    )

    class Meta:
        abstract = True

    def expect_version(self, version: int | None) -> None:
        """Refuse the next `save()` unless the stored row is still at `version`."""
        self._expected_version = version

    def stored_version(self, *, lock: bool = False, using: str | None = None) -> int | None:
        """The version in the database now (None if the row is gone); `lock` holds the
        row (PostgreSQL) until the surrounding transaction ends."""
        rows = type(self)._base_manager.using(using or router.db_for_read(type(self)))
        rows = rows.filter(pk=self.pk).order_by()
        if lock:
            rows = rows.select_for_update()
        return rows.values_list("version", flat=True).first()

    def save(self, *args, **kwargs):
        expected = self.__dict__.pop("_expected_version", None)
        if self._state.adding or self.pk is None:
            return super().save(*args, **kwargs)
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using, savepoint=False):
            stored = self.stored_version(lock=True, using=using)
            stale = expected is not None and stored is not None and stored != expected
            if not stale:
                if stored is not None:
                    self.version = stored + 1
                    if kwargs.get("update_fields") is not None:
                        kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
                super().save(*args, **kwargs)
        if stale:
            # Raised outside the block, which wrote nothing: the caller's transaction
            # stays usable.
            raise StaleEdit(self, expected=expected, stored=stored)


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class ChangesSince:
    """What was saved after `version`: who saved it, when last, and each field's change
    (from the version's history record to the row now)."""

    savers: list[str]
    saved_at: datetime | None
    changes: list[FieldChange]


def _person(user) -> str:
    if user is None:
        return "someone (not signed in, e.g. an import)"
    return user.get_full_name() or user.get_username()


def _shown(field, value) -> str:
    if value is None or value == "":
        return "(none)"
    if field.is_relation:
        related = field.related_model._base_manager.filter(pk=value).first()
        return str(related) if related is not None else f"(deleted {value})"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return f"{value:%-d %b %Y}"
    return Truncator(str(value)).chars(200)


def _people(model, pks) -> str:
    names = sorted(str(o) for o in model._base_manager.filter(pk__in=pks)) or ["(none)"]
    return ", ".join(names)


def changes_since(obj: Versioned, version: int) -> ChangesSince:
    """The changes saved to `obj` since `version`, from django-simple-history."""
    model = type(obj)
    records = model.history.filter(id=obj.pk)
    then = records.filter(version=version).order_by("-history_date", "-history_id").first()
    later = list(
        records.filter(version__gt=version)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    savers = list(dict.fromkeys(_person(r.history_user) for r in later))
    now = model._base_manager.filter(pk=obj.pk).first()
    changes = []
    if then is not None and now is not None:
        for field in model._meta.concrete_fields:
            if field.primary_key or not field.editable or not hasattr(then, field.attname):
                continue
            before, after = getattr(then, field.attname), getattr(now, field.attname)
            if before != after:
                label = capfirst(field.verbose_name)
                changes.append(FieldChange(label, _shown(field, before), _shown(field, after)))
        for field in model._meta.many_to_many:
            tracked = getattr(then, field.name, None)
            if tracked is None or not hasattr(tracked, "all"):
                continue
            target = f"{field.m2m_reverse_field_name()}_id"
            before = {getattr(row, target) for row in tracked.all()}
            after = set(getattr(now, field.name).values_list("pk", flat=True))
            if before != after:
                people = field.related_model
                changes.append(
                    FieldChange(
                        capfirst(field.verbose_name),
                        _people(people, before),
                        _people(people, after),
                    )
                )
    return ChangesSince(
        savers=savers, saved_at=later[-1].history_date if later else None, changes=changes
    )

"""The sign-off queue: the updates a person may approve or return, each with what they
need to judge it (the update before it on the same action or objective), and how many
are waiting, for the count in the navigation.

Who may decide is `improvement.permissions.decidable_updates` (administrators; plan
editors in the plans they edit, never their own update). Both reads are a fixed number
of queries however many updates, actions and plans there are; the count is one query
and a cache read (`waiting_count`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from config.release import code_release
from improvement.models import ProgressUpdate
from improvement.permissions import (
    decidable_updates,
    editable_plans,
    is_administrator,
    is_plan_editor,
    user_roles,
    visible_plans,
)

_NEWEST_FIRST = ("-as_at", "-recorded_at", "-id")


def waiting_updates(user) -> QuerySet[ProgressUpdate]:
    """Updates waiting for sign-off that `user` may decide."""
    waiting = decidable_updates(
        user, ProgressUpdate.objects.filter(needs_sign_off=True, sign_off__isnull=True)
    )
    if is_administrator(user):
        return waiting
    plans = visible_plans(user)
    return waiting.filter(Q(action__objective__plan__in=plans) | Q(objective__plan__in=plans))


def waiting_count(user) -> int | None:
    """How many updates wait for `user`'s decision; None for someone who signs nothing
    off (no sign-off page for them).

    It is in every page's header, and counting means reading every update that ever
    needed sign-off (tens of milliseconds at council scale, growing with the history), so
    it is kept in the shared cache under the versions of the plans the person decides in
    (`improvement.plan_versions`): an update, a decision, or a change to who edits a plan
    moves one of them on in the writer's transaction, so the count is never stale. One
    query and a cache read for a repeat view; nothing for someone without the roles."""
    if not (is_administrator(user) or is_plan_editor(user)):
        return None
    decided_in = list(
        editable_plans(user).order_by("pk").values_list("pk", "state_version__number")
    )
    if not decided_in and not is_administrator(user):
        return None
    versions = ";".join(f"{pk}:{number or 0}" for pk, number in decided_in)
    who = ",".join(sorted(user_roles(user)))
    key = (
        f"sign-off-waiting:{code_release()}:{user.pk}:"
        + hashlib.sha256(f"{who}#{versions}".encode()).hexdigest()
    )
    count = cache.get(key)
    if count is None:
        count = waiting_updates(user).count()
        cache.set(key, count)
    return count


@dataclass
class Waiting:
    """One update waiting for a decision, with the update before it on the same action or
    objective (None for its first)."""

    update: ProgressUpdate
    previous: ProgressUpdate | None

    @property
    def subject(self):
        return self.update.action or self.update.objective

    @property
    def plan(self):
        return self.update.plan


def _previous(fk: str) -> Subquery:
    """The id of the update just before this one on the same action (or objective)."""
    before = (
        Q(as_at__lt=OuterRef("as_at"))
        | Q(as_at=OuterRef("as_at"), recorded_at__lt=OuterRef("recorded_at"))
        | Q(as_at=OuterRef("as_at"), recorded_at=OuterRef("recorded_at"), id__lt=OuterRef("id"))
    )
    return Subquery(
        ProgressUpdate.objects.filter(before, **{fk: OuterRef(fk)})
        .order_by(*_NEWEST_FIRST)
        .values("id")[:1]
    )


def sign_off_queue(user) -> list[Waiting]:
    """The updates `user` may decide, oldest first, each with the one before it."""
    updates = list(
        waiting_updates(user)
        .annotate(previous_id=Coalesce(_previous("action"), _previous("objective")))
        .select_related(
            "author", "period", "sign_off", "action__objective__plan", "objective__plan"
        )
        .prefetch_related(
            "areas_for_development",
            "files",
            "action__objective__plan__status_key",
            "objective__plan__status_key",
        )
        .order_by("recorded_at", "id")
    )
    wanted = [u.previous_id for u in updates if u.previous_id]
    previous = (
        ProgressUpdate.objects.select_related("author", "period", "sign_off__decided_by").in_bulk(
            wanted
        )
        if wanted
        else {}
    )
    return [Waiting(update=u, previous=previous.get(u.previous_id)) for u in updates]

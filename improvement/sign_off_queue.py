"""The sign-off queue: the updates a person may approve or return, each with what they
need to judge it (the update before it on the same action or objective), and how many
are waiting, for the count in the navigation.

Who may decide is `improvement.permissions.decidable_updates` (administrators; plan
editors in the plans they edit, never their own update). Both reads are a fixed number
of queries however many updates, actions and plans there are; the count is one query.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Exists, F, Func, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from improvement.models import ProgressUpdate
from improvement.permissions import (
    decidable_updates,
    editable_plans,
    is_administrator,
    is_plan_editor,
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
    off (no sign-off page for them). One query (none for someone without the roles)."""
    if not (is_administrator(user) or is_plan_editor(user)):
        return None
    counted = Subquery(
        waiting_updates(user).order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    )
    row = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .annotate(signs_off=Exists(editable_plans(user)), waiting=Coalesce(counted, 0))
        .values_list("signs_off", "waiting")
        .first()
    )
    if row is None or not (row[0] or is_administrator(user)):
        return None
    return row[1]


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

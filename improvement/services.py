"""Writes: recording progress and signing it off. Each runs in one transaction, validates
with the models' own rules, and either does everything or nothing.

Lost updates: a form records which update it was based on (the highest update id on
the action or objective when the form was drawn). Saving locks the action's row, and if
anyone has added an update since, nothing is saved and `StaleUpdate` carries the newer
updates so the person can read them and resubmit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from improvement import periods
from improvement.models import (
    Action,
    AreaForDevelopment,
    EvidenceFile,
    Milestone,
    Objective,
    ProgressUpdate,
    SignOff,
)
from improvement.permissions import can_sign_off, is_administrator, may_sign_off_in
from improvement.uploads import CheckedFile


class StaleUpdate(Exception):
    """Someone else updated the same thing after this form was drawn."""

    def __init__(self, newer: list[ProgressUpdate]):
        self.newer = newer
        super().__init__(f"{len(newer)} newer update(s)")


@dataclass(frozen=True)
class AreaInput:
    description: str
    timescale: str = ""
    due_date: date | None = None


def latest_update_marker(subject: Action | Objective) -> int:
    """What an update form is based on: the highest update id so far (0 for none)."""
    field = "action" if isinstance(subject, Action) else "objective"
    return ProgressUpdate.objects.filter(**{field: subject}).aggregate(m=Max("id"))["m"] or 0


BACKDATING_REFUSED = (
    "Only an administrator can record an update for an earlier date: "
    "updates you record are dated today."
)


def backdating_problem(*, user, as_at: date, today: date) -> str | None:
    """Why `user` may not record an update as at `as_at` (None when they may). Anyone
    records as at today; only an administrator records for an earlier date (a correction,
    which changes what reports as at that date say). Future dates and dates before the
    plan starts are refused for everyone by `ProgressUpdate.clean`."""
    if as_at < today and not is_administrator(user):
        return BACKDATING_REFUSED
    return None


def is_correction(*, as_at: date, today: date) -> bool:
    """An update dated before the day it is recorded (only administrators make these)."""
    return as_at < today


def needs_sign_off(plan, author) -> bool:
    """An owner's update waits for sign-off where the plan asks; an editor's or an
    administrator's does not (they are the ones who would sign it off): the role and the
    plan together, as `improvement.permissions` decides."""
    if not plan.requires_sign_off:
        return False
    return not may_sign_off_in(author, plan)


@transaction.atomic
def progress_update_create(
    *,
    subject: Action | Objective,
    author,
    based_on: int,
    status: str,
    narrative: str,
    achievements: list[str] = (),
    evidence: list[str] = (),
    files: list[CheckedFile] = (),
    milestones_done: list[tuple[Milestone, date]] = (),
    areas: list[AreaInput] = (),
    today: date | None = None,
) -> ProgressUpdate:
    """Append a progress update on an action or an objective, dated today."""
    is_action = isinstance(subject, Action)
    field = "action" if is_action else "objective"
    # The row lock makes "check, then insert" one step against a concurrent save. No
    # ordering or joins: PostgreSQL cannot lock the nullable side of an outer join.
    list(
        type(subject)
        .objects.select_for_update(of=("self",))
        .filter(pk=subject.pk)
        .order_by()
        .values_list("pk", flat=True)
    )
    current = latest_update_marker(subject)
    if current != based_on:
        newer = list(
            ProgressUpdate.objects.filter(**{field: subject}, id__gt=based_on)
            .select_related("author")
            .prefetch_related("areas_for_development", "files")
            .order_by("-as_at", "-recorded_at", "-id")
        )
        raise StaleUpdate(newer)

    today = today or timezone.localdate()
    plan = subject.objective.plan if is_action else subject.plan
    update = ProgressUpdate(
        **{field: subject},
        period=periods.current_period(plan, today),
        as_at=today,
        status=status,
        narrative=narrative,
        achievements=list(achievements),
        evidence=list(evidence),
        author=author,
        needs_sign_off=needs_sign_off(plan, author),
    )
    update.full_clean()
    update.save()
    for position, area in enumerate(areas, start=1):
        row = AreaForDevelopment(
            update=update,
            description=area.description,
            timescale=area.timescale,
            due_date=area.due_date,
            position=position,
        )
        row.full_clean()
        row.save()
    for checked in files:
        EvidenceFile.objects.create(
            update=update,
            name=checked.name,
            content_type=checked.content_type,
            size=checked.size,
            sha256=checked.sha256,
            data=checked.data,
            uploaded_by=author,
        )
    for milestone, done_on in milestones_done:
        if not is_action or milestone.action_id != subject.pk:
            raise ValidationError("A milestone can only be marked done on its own action.")
        milestone.completed_on = done_on
        milestone.full_clean()
        milestone.save()  # save(), not update(): the change is recorded in history
    return update


@transaction.atomic
def sign_off_decide(*, update: ProgressUpdate, user, decision: str, comment: str = "") -> SignOff:
    """Approve or return an update that waits for sign-off. Decisions are final."""
    update = (
        ProgressUpdate.objects.select_for_update(of=("self",))
        .select_related("action__objective__plan", "objective__plan")
        .get(pk=update.pk)
    )
    if not update.needs_sign_off:
        raise ValidationError("This update does not need sign-off.")
    if SignOff.objects.filter(update=update).exists():
        raise ValidationError("This update has already been signed off or returned.")
    if not can_sign_off(user, update):
        raise ValidationError("You cannot sign off this update.")
    decision_row = SignOff(
        update=update, decision=decision, comment=comment.strip(), decided_by=user
    )
    decision_row.decided_on = timezone.localdate(decision_row.decided_at)
    decision_row.full_clean()
    decision_row.save()
    return decision_row

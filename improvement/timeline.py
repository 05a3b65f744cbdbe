"""An action's timeline: its progress updates and every recorded change to the action and
its milestones (django-simple-history), newest first, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils import timezone

from improvement.models import Action, Milestone, ProgressUpdate

# Fields whose changes are worth telling people about, with the words for them.
ACTION_FIELDS = {
    "reference": "Reference",
    "title": "Title",
    "owner": "Owner",
    "responsible": "Responsible (as written)",
    "timescale": "Timescale",
    "due_date": "Due date",
    "benefit": "Benefit",
    "steps": "Steps",
    "source_reference": "Source",
    "objective": "Objective",
}
MILESTONE_FIELDS = {"title": "Title", "due_date": "Due date", "completed_on": "Done on"}


@dataclass
class Change:
    label: str
    before: str
    after: str


@dataclass
class TimelineEntry:
    when: datetime
    who: str
    kind: str  # "update", "created", "changed", "deleted"
    subject: str
    changes: list[Change] = field(default_factory=list)
    update: ProgressUpdate | None = None


def _name(user) -> str:
    if user is None:
        return "the system"
    return user.get_full_name() or user.get_username()


def _show(value, users: dict) -> str:
    if value is None or value == "":
        return "(none)"
    if isinstance(value, date):
        return f"{value:%-d %b %Y}"
    return str(value)


def _record_entries(records: list, fields: dict[str, str], subject, users: dict) -> list:
    """Entries from one object's history records, oldest first in `records`."""
    entries = []
    previous = None
    for record in records:
        who = _name(record.history_user)
        label = subject(record)
        if record.history_type == "+":
            entries.append(TimelineEntry(record.history_date, who, "created", label))
        elif record.history_type == "-":
            entries.append(TimelineEntry(record.history_date, who, "deleted", label))
        elif previous is not None:
            changes = []
            for name, words in fields.items():
                attname = f"{name}_id" if name in ("owner", "objective") else name
                old, new = getattr(previous, attname), getattr(record, attname)
                if old != new:
                    if name == "owner":
                        old, new = users.get(old), users.get(new)
                        old, new = (_name(u) if u else None for u in (old, new))
                    changes.append(Change(words, _show(old, users), _show(new, users)))
            if changes:
                entries.append(TimelineEntry(record.history_date, who, "changed", label, changes))
        previous = record
    return entries


def action_timeline(action: Action, as_at: date, updates: QuerySet[ProgressUpdate]) -> list:
    """Updates (as at `as_at`) and recorded changes up to the end of that day."""
    end = timezone.make_aware(datetime.combine(as_at, time.max))
    action_records = list(
        Action.history.filter(id=action.pk, history_date__lte=end)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    milestone_records = list(
        Milestone.history.filter(action_id=action.pk, history_date__lte=end)
        .select_related("history_user")
        .order_by("id", "history_date", "history_id")
    )
    owner_ids = {r.owner_id for r in action_records if r.owner_id}
    users = get_user_model().objects.in_bulk(owner_ids) if owner_ids else {}

    entries = _record_entries(action_records, ACTION_FIELDS, lambda r: "The action", users)
    by_milestone: dict[int, list] = {}
    for record in milestone_records:
        by_milestone.setdefault(record.id, []).append(record)
    for records in by_milestone.values():
        entries += _record_entries(
            records, MILESTONE_FIELDS, lambda r: f"Milestone “{r.title}”", users
        )
    for update in updates:
        entries.append(
            TimelineEntry(update.recorded_at, _name(update.author), "update", "", update=update)
        )
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries

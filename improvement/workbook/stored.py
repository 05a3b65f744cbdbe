"""What the tracker holds for a plan, read in a fixed number of queries and indexed by
the references a workbook uses, with each object's parents set from objects already in
hand (so checking them later costs no query).

When an import is being confirmed (`lock=True`) every row it may change is locked as it
is read (`SELECT ... FOR UPDATE`, on PostgreSQL), so an edit saved in the admin during
the import waits for it, and then finds its form out of date instead of undoing the
import or being undone by it. Each object remembers what was read (`saving.remember`)
so that saving writes only what changed."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from improvement.models import (
    Action,
    Milestone,
    Objective,
    Plan,
    ProgressUpdate,
    Section,
    StatusKeyEntry,
)
from improvement.models.imports import SavedColumnMapping
from improvement.workbook.apply import remember
from metrics.models import DataPoint, Measure, Target


@dataclass
class Stored:
    """The plan as stored, read in a fixed number of queries and indexed by reference."""

    plan: Plan | None
    key: list[StatusKeyEntry] = field(default_factory=list)
    sections: dict[str, Section] = field(default_factory=dict)
    objectives: dict[str, Objective] = field(default_factory=dict)
    actions: dict[tuple[str, str], Action] = field(default_factory=dict)
    milestones: dict[tuple, list[Milestone]] = field(default_factory=lambda: defaultdict(list))
    updates: dict[tuple, list[ProgressUpdate]] = field(default_factory=lambda: defaultdict(list))
    measures: list[Measure] = field(default_factory=list)
    targets: dict[tuple, list[Target]] = field(default_factory=lambda: defaultdict(list))
    data: dict[tuple, DataPoint] = field(default_factory=dict)
    mappings: dict[str, SavedColumnMapping] = field(default_factory=dict)  # by shape

    @classmethod
    def load(cls, plan: Plan | None, *, lock: bool = False) -> Stored:
        stored = cls(plan)
        if plan is None:
            return stored

        def rows(queryset):
            """The rows, locked while confirming; each remembering what was read."""
            if lock:
                queryset = queryset.select_for_update(of=("self",))
            return [remember(instance) for instance in queryset]

        for entry in rows(StatusKeyEntry.objects.filter(plan=plan)):
            entry.plan = plan
            stored.key.append(entry)
        sections = {s.pk: s for s in rows(Section.objects.filter(plan=plan))}
        for section in sections.values():
            section.plan = plan
            stored.sections[section.title] = section
        objectives = {}
        for objective in rows(Objective.objects.filter(plan=plan).select_related("owner")):
            objective.plan = plan
            objective.section = sections.get(objective.section_id)
            objectives[objective.pk] = objective
            stored.objectives[objective.reference] = objective
        actions = {}
        for action in rows(
            Action.objects.filter(objective__plan=plan)
            .select_related("owner")
            .prefetch_related("delegates")
        ):
            action.objective = objectives[action.objective_id]
            actions[action.pk] = action
            stored.actions[(action.objective.reference, action.reference)] = action
        milestones = rows(Milestone.objects.filter(action__objective__plan=plan).order_by("id"))
        for milestone in sorted(milestones, key=milestone_order):
            milestone.action = actions[milestone.action_id]
            stored.milestones[action_key(milestone.action) + (milestone.title,)].append(milestone)
        updates = ProgressUpdate.objects.select_related("period", "author").prefetch_related(
            "areas_for_development"
        )
        for update in [
            *updates.filter(action__objective__plan=plan),
            *updates.filter(objective__plan=plan),
        ]:
            if update.action_id:
                update.action = actions[update.action_id]
            else:
                update.objective = objectives[update.objective_id]
            stored.updates[update_key(update.subject, update.as_at)].append(update)
        for group in stored.updates.values():
            group.sort(key=lambda u: (u.recorded_at, u.pk))
        measures = {}
        for measure in rows(
            Measure.objects.filter(plan=plan)
            .select_related("owner")
            .prefetch_related("objectives", "actions__objective")
        ):
            measure.plan = plan
            measures[measure.pk] = measure
            stored.measures.append(measure)
        for target in rows(
            Target.objects.filter(measure__plan=plan).select_related("replaces").order_by("id")
        ):
            target.measure = measures[target.measure_id]
            stored.targets[(target.measure_id, target.kind, target.due_date)].append(target)
        for point in rows(DataPoint.objects.filter(measure__plan=plan)):
            point.measure = measures[point.measure_id]
            stored.data[(point.measure_id, point.period_end)] = point
        for mapping in rows(SavedColumnMapping.objects.filter(plan=plan).order_by("id")):
            mapping.plan = plan
            stored.mappings[mapping.shape] = mapping
        return stored


def milestone_order(milestone: Milestone):
    return (milestone.due_date is None, milestone.due_date, milestone.pk)


def action_key(action: Action) -> tuple[str, str]:
    return (action.objective.reference, action.reference)


def update_key(subject, as_at) -> tuple:
    if isinstance(subject, Action):
        return ("action", *action_key(subject), as_at)
    return ("objective", subject.reference, as_at)


def subject_name(subject) -> str:
    if isinstance(subject, Action):
        return f"action {subject.reference}"
    return f"objective {subject.reference}"

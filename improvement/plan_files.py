"""Loading a plan from a YAML plan file (the format is in fixtures/plans/FORMAT.md).

A file is loaded in one transaction and validated with the models' own rules
(`full_clean`, which checks the database constraints too) before anything is written.
Every problem is collected with the path to the value that caused it, and if there is
any, nothing is saved and `PlanFileError` lists them all.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import models, transaction

from improvement import status_timeline
from improvement.models import (
    Action,
    AreaForDevelopment,
    EvidenceFile,
    Milestone,
    Objective,
    Plan,
    ProgressUpdate,
    Section,
    SignOff,
    StatusKeyEntry,
)
from improvement.periods import generate_periods
from improvement.references import numbered_reference
from improvement.status import Status
from metrics.models import DataPoint, Direction, Measure, Target
from metrics.wording import (
    NUMBER,
    FigureNotUnderstood,
    TargetNotUnderstood,
    TargetWords,
    is_ratio,
    read_figure,
    read_target,
)

PLAN_FIELDS = {
    "slug",
    "source",
    "title",
    "organisation",
    "kind",
    "reports_to",
    "start_date",
    "end_date",
    "description",
    "objective_term",
    "rollup_rule",
    "off_track_threshold",
    "at_risk_threshold",
    "reporting_cadence",
    "status_key",
    "sections",
    "objectives",
    "measures",
}
SECTION_FIELDS = {"title", "objectives"}
OBJECTIVE_FIELDS = {
    "reference",
    "title",
    "description",
    "source_reference",
    "success_measures",
    "actions",
    "updates",
}
ACTION_FIELDS = {
    "reference",
    "reference_numbered",
    "title",
    "source_reference",
    "benefit",
    "steps",
    "responsible",
    "timescale",
    "due_date",
    "milestones",
    "updates",
}
MILESTONE_FIELDS = {"title", "due_date", "completed_on"}
UPDATE_FIELDS = {
    "as_at",
    "status",
    "narrative",
    "achievements",
    "evidence",
    "areas_for_development",
}
MEASURE_FIELDS = {
    "reference", "name", "description", "unit", "direction", "baseline", "tolerance", "source",
    "objectives", "actions", "targets", "data",
}  # fmt: skip
TARGET_FIELDS = {"kind", "value", "value_high", "due_date", "set_on", "reason"}
DATA_FIELDS = {"period_end", "reported_in", "value", "text", "note"}
AREA_FIELDS = {"description", "timescale", "due_date"}
KEY_FIELDS = {"label", "description", "phrase"}


class PlanFileError(Exception):
    def __init__(self, source: str, errors: list[str]):
        self.source, self.errors = source, errors
        super().__init__(f"{source}: {len(errors)} problem(s)\n" + "\n".join(errors))


class _Loader:
    def __init__(self, source: str):
        self.source = source
        self.errors: list[str] = []

    # -- helpers ---------------------------------------------------------------------
    def error(self, path: str, message: str) -> None:
        self.errors.append(f"{path}: {message}")

    def mapping(self, value: Any, path: str, allowed: set[str]) -> dict | None:
        if not isinstance(value, dict):
            self.error(path, f"expected a mapping of fields, got {type(value).__name__}")
            return None
        for key in sorted(set(value) - allowed):
            self.error(path, f"unknown field {key!r} (allowed: {', '.join(sorted(allowed))})")
        return value

    def items(self, value: Any, path: str) -> Iterator[tuple[int, Any]]:
        if value is None:
            return
        if not isinstance(value, list):
            self.error(path, f"expected a list, got {type(value).__name__}")
            return
        yield from enumerate(value)

    def text(self, value: Any) -> str:
        if value is None:
            return ""
        return value.strip() if isinstance(value, str) else value

    def save(self, instance: models.Model, path: str) -> bool:
        """Validate with the model's own rules, then save; report and skip if invalid."""
        try:
            instance.full_clean()
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                where = path if field == "__all__" else f"{path}.{field}"
                for message in messages:
                    self.error(where, message)
            return False
        instance.save()
        return True

    # -- the document ----------------------------------------------------------------
    def load(self, document: Any, *, replace: bool) -> Plan | None:
        doc = self.mapping(document, "plan", PLAN_FIELDS)
        if doc is None:
            return None
        slug = doc.get("slug")
        existing = Plan.objects.filter(slug=slug).first() if isinstance(slug, str) else None
        if existing is not None:
            if not replace:
                self.error("plan.slug", f"a plan {slug!r} is already loaded (use --replace)")
                return None
            if existing.saved_reports.exists():
                self.error(
                    "plan.slug",
                    f"plan {slug!r} has reports saved as issued, which are kept for good; "
                    "it cannot be replaced (import an edited workbook to change it instead)",
                )
                return None
            _delete_plan(existing)
        plan = Plan(
            slug=slug or "",
            title=self.text(doc.get("title")),
            organisation=self.text(doc.get("organisation")),
            kind=doc.get("kind") or "",
            reports_to=self.text(doc.get("reports_to")),
            description=self.text(doc.get("description")),
            start_date=doc.get("start_date"),
            end_date=doc.get("end_date"),
        )
        for name in (
            "objective_term",
            "rollup_rule",
            "off_track_threshold",
            "at_risk_threshold",
            "reporting_cadence",
        ):
            if doc.get(name) is not None:
                setattr(plan, name, doc[name])
        if not self.save(plan, "plan"):
            return None

        self.status_key(plan, doc.get("status_key"))
        self.taken_objectives = _written_references(doc)
        self.objective_place = 0

        for i, objective in self.items(doc.get("objectives"), "plan.objectives"):
            self.objective(plan, None, objective, f"objectives[{i}]")
        for s, section_doc in self.items(doc.get("sections"), "plan.sections"):
            path = f"sections[{s}]"
            section_doc = self.mapping(section_doc, path, SECTION_FIELDS)
            if section_doc is None:
                continue
            section = Section(plan=plan, title=self.text(section_doc.get("title")), position=s + 1)
            if not self.save(section, path):
                continue
            for i, objective in self.items(section_doc.get("objectives"), f"{path}.objectives"):
                self.objective(plan, section, objective, f"{path}.objectives[{i}]")
        for i, measure in self.items(doc.get("measures"), "plan.measures"):
            self.measure(plan, measure, f"measures[{i}]")
        return plan

    def status_key(self, plan: Plan, key: Any) -> None:
        """The plan's key: a mapping of each status to its one label (older files), or
        a list of labels in the plan's order, several of which may mean one status."""
        if not key:
            return
        if isinstance(key, dict):
            listed = [(f"plan.status_key.{status}", status, entry) for status, entry in key.items()]
        elif isinstance(key, list):
            listed = [
                (
                    f"plan.status_key[{i}]",
                    entry.get("status") if isinstance(entry, dict) else None,
                    entry,
                )
                for i, entry in enumerate(key)
            ]
        else:
            self.error("plan.status_key", "expected a list of labels (or a mapping of status)")
            return
        for position, (path, status, entry) in enumerate(listed, start=1):
            allowed = KEY_FIELDS | ({"status"} if isinstance(key, list) else set())
            entry = self.mapping(entry, path, allowed)
            if entry is None:
                continue
            if status not in Status.values:
                self.error(
                    path, f"unknown status {status!r} (use one of {', '.join(Status.values)})"
                )
                continue
            self.save(
                StatusKeyEntry(
                    plan=plan,
                    status=status,
                    label=self.text(entry.get("label")),
                    description=self.text(entry.get("description")),
                    phrase=self.text(entry.get("phrase")),
                    position=position,
                ),
                path,
            )

    def measure(self, plan: Plan, doc: Any, path: str) -> None:
        doc = self.mapping(doc, path, MEASURE_FIELDS)
        if doc is None:
            return
        path = f"{path} ({doc.get('name')})" if doc.get("name") else path
        baseline = doc.get("baseline") or {}
        if not isinstance(baseline, dict):
            self.error(f"{path}.baseline", "expected {value: ..., date: ...}")
            baseline = {}
        measure = Measure(
            plan=plan,
            reference=str(doc.get("reference") or ""),
            name=self.text(doc.get("name")),
            description=self.text(doc.get("description")),
            unit=doc.get("unit") or "",
            direction=_direction(doc.get("direction")),
            baseline_value=self.decimal(baseline.get("value"), f"{path}.baseline.value"),
            baseline_date=baseline.get("date"),
            amber_tolerance=self.decimal(doc.get("tolerance"), f"{path}.tolerance"),
            source=self.text(doc.get("source")),
        )
        if not self.save(measure, path):
            return
        objectives = {o.reference: o for o in plan.objectives.all()}
        for reference in doc.get("objectives") or []:
            if str(reference) not in objectives:
                self.error(f"{path}.objectives", f"no objective {reference!r} in this plan")
            else:
                measure.objectives.add(objectives[str(reference)])
        for reference in doc.get("actions") or []:
            matches = list(Action.objects.filter(objective__plan=plan, reference=str(reference)))
            if len(matches) != 1:
                self.error(
                    f"{path}.actions",
                    f"no action {reference!r} in this plan"
                    if not matches
                    else f"action {reference!r} is ambiguous: several objectives have one",
                )
            else:
                measure.actions.add(matches[0])
        for i, target in self.items(doc.get("targets"), f"{path}.targets"):
            tpath = f"{path}.targets[{i}]"
            target = self.mapping(target, tpath, TARGET_FIELDS)
            if target is None:
                continue
            words = self.target_words(target.get("value"), measure.unit, f"{tpath}.value")
            if words is None:
                continue
            row = Target(
                measure=measure,
                kind=target.get("kind") or "final",
                value=words.value,
                written=words.written,
                change_by=words.change_by,
                change=words.change,
                value_high=self.decimal(target.get("value_high"), f"{tpath}.value_high"),
                due_date=target.get("due_date"),  # not given: the plan gives no date
                reason=self.text(target.get("reason")),
            )
            row.set_on = target.get("set_on")  # not given: in force from the start
            self.save(row, tpath)
        for i, point in self.items(doc.get("data"), f"{path}.data"):
            dpath = f"{path}.data[{i}]"
            point = self.mapping(point, dpath, DATA_FIELDS)
            if point is not None:
                self.figure(measure, point, dpath)

    def target_words(self, value: Any, unit: str, path: str) -> TargetWords | None:
        """A target's value: a number, or words as the plan writes them ("10% increase",
        "halve", "7:10", "all staff", text in quotes: `metrics.wording.read_target`)."""
        if isinstance(value, str) and unit:
            try:
                return read_target(value, unit)
            except TargetNotUnderstood as exc:
                self.error(path, str(exc))
                return None
        number = self.decimal(value, path)
        if value not in (None, "") and number is None:
            return None
        return TargetWords(NUMBER, value=number)

    def figure(self, measure: Measure, point: dict, path: str) -> None:
        """A reported figure, dated by its period (period_end) or, where the document
        gives none, by the report that gave it (reported_in); a ratio as written."""
        period_end, reported_in = point.get("period_end"), point.get("reported_in")
        if (period_end is None) == (reported_in is None):
            self.error(
                path,
                "the figure has two dates: keep period_end where it is known"
                if period_end is not None
                else "the figure has no date: give period_end (the date it is for) or "
                "reported_in (the date of the report that gave it)",
            )
            return
        value, written = point.get("value"), ""
        if isinstance(value, str) and is_ratio(value):
            try:
                value, written = read_figure(value, measure.unit)
            except FigureNotUnderstood as exc:
                self.error(f"{path}.value", str(exc))
                return
        else:
            value = self.decimal(value, f"{path}.value")
        self.save(
            DataPoint(
                measure=measure,
                period_end=period_end or reported_in,
                dated=DataPoint.Dated.PERIOD
                if period_end is not None
                else DataPoint.Dated.REPORTED,
                value=value,
                written=written,
                text=self.text(point.get("text")),
                note=self.text(point.get("note")),
            ),
            path,
        )

    def decimal(self, value: Any, path: str) -> Decimal | None:
        """A figure as a Decimal, read from its written form (never through a float)."""
        if value is None or value == "":
            return None
        if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
            self.error(path, f"expected a number, got {value!r}")
            return None
        try:
            return Decimal(str(value))
        except InvalidOperation:
            self.error(path, f"{value!r} is not a number")
            return None

    def objective(self, plan: Plan, section: Section | None, doc: Any, path: str) -> None:
        doc = self.mapping(doc, path, OBJECTIVE_FIELDS)
        if doc is None:
            return
        self.objective_place += 1
        reference = str(doc.get("reference") or "")
        numbered = not reference
        if numbered:
            reference = numbered_reference(self.objective_place, self.taken_objectives)
            self.taken_objectives.add(reference)
        path = f"{path} (objective {reference})"
        objective = Objective(
            plan=plan,
            section=section,
            reference=reference,
            reference_numbered=numbered,
            title=self.text(doc.get("title")),
            description=self.text(doc.get("description")),
            source_reference=self.text(doc.get("source_reference")),
            success_measures=self.text(doc.get("success_measures")),
        )
        if not self.save(objective, path):
            return
        actions = doc.get("actions")
        taken = {
            str(a["reference"])
            for a in (actions or [])
            if isinstance(a, dict) and a.get("reference")
        }
        for i, action in self.items(actions, f"{path}.actions"):
            if isinstance(action, dict) and not action.get("reference"):
                action = {**action, "reference": numbered_reference(i + 1, taken, reference)}
                taken.add(action["reference"])
                action["reference_numbered"] = True
            self.action(plan, objective, action, f"{path}.actions[{i}]")
        for i, update in self.items(doc.get("updates"), f"{path}.updates"):
            self.update(update, f"{path}.updates[{i}]", objective=objective)

    def action(self, plan: Plan, objective: Objective, doc: Any, path: str) -> None:
        doc = self.mapping(doc, path, ACTION_FIELDS)
        if doc is None:
            return
        reference = str(doc.get("reference") or "")
        path = f"{path} (action {reference})" if reference else path
        action = Action(
            objective=objective,
            reference=reference,
            reference_numbered=bool(doc.get("reference_numbered")),
            title=self.text(doc.get("title")),
            source_reference=self.text(doc.get("source_reference")),
            benefit=self.text(doc.get("benefit")),
            steps=self.text(doc.get("steps")),
            responsible=self.text(doc.get("responsible")),
            timescale=self.text(doc.get("timescale")),
            due_date=doc.get("due_date"),
        )
        if not self.save(action, path):
            return
        for i, milestone in self.items(doc.get("milestones"), f"{path}.milestones"):
            mpath = f"{path}.milestones[{i}]"
            milestone = self.mapping(milestone, mpath, MILESTONE_FIELDS)
            if milestone is not None:
                self.save(
                    Milestone(
                        action=action,
                        title=self.text(milestone.get("title")),
                        due_date=milestone.get("due_date"),
                        completed_on=milestone.get("completed_on"),
                    ),
                    mpath,
                )
        for i, update in self.items(doc.get("updates"), f"{path}.updates"):
            self.update(update, f"{path}.updates[{i}]", action=action)

    def update(self, doc: Any, path: str, **subject) -> None:
        doc = self.mapping(doc, path, UPDATE_FIELDS)
        if doc is None:
            return
        status = doc.get("status") or ""
        if status and status not in Status.values:
            self.error(
                f"{path}.status",
                f"unknown status {status!r} (use one of {', '.join(Status.values)})",
            )
            return
        update = ProgressUpdate(
            **subject,
            as_at=doc.get("as_at"),
            status=status,
            narrative=self.text(doc.get("narrative")),
            achievements=[self.text(x) for x in doc.get("achievements") or []],
            evidence=[self.text(x) for x in doc.get("evidence") or []],
        )
        if not self.save(update, path):
            return
        for i, area in self.items(
            doc.get("areas_for_development"), f"{path}.areas_for_development"
        ):
            apath = f"{path}.areas_for_development[{i}]"
            area = self.mapping(area, apath, AREA_FIELDS)
            if area is not None:
                self.save(
                    AreaForDevelopment(
                        update=update,
                        description=self.text(area.get("description")),
                        timescale=self.text(area.get("timescale")),
                        due_date=area.get("due_date"),
                        position=i + 1,
                    ),
                    apath,
                )


def _written_references(doc: dict) -> set[str]:
    """The objective references the file writes, so a number the loader gives an
    objective without one never takes a written one."""
    objectives = list(doc.get("objectives") or [])
    for section in doc.get("sections") or []:
        if isinstance(section, dict):
            objectives += list(section.get("objectives") or [])
    return {str(o["reference"]) for o in objectives if isinstance(o, dict) and o.get("reference")}


def _direction(value: Any) -> Any:
    """A measure's direction by its code or its words ("lower", "Lower is better",
    "not stated"); left out: not stated, never a guess. Anything else is left for the
    model's own check to refuse with the choices."""
    if value is None or value == "":
        return Direction.NONE.value
    if isinstance(value, str):
        wanted = " ".join(value.split()).casefold()
        for code, label in Direction.choices:
            if wanted in (code, label.casefold()):
                return code
        if wanted in ("not stated", "not given", "unstated"):
            return Direction.NONE.value
    return value


def _delete_plan(plan: Plan) -> None:
    """Remove a demo plan before reloading it. Its updates are append-only, so they go by
    a queryset delete (which skips the model's guard) only here, on an explicit replace."""
    Target.objects.filter(measure__plan=plan, replaces__isnull=False).delete()
    for subject in ("update__action__objective__plan", "update__objective__plan"):
        EvidenceFile.objects.filter(**{subject: plan}).delete()
        SignOff.objects.filter(**{subject: plan}).delete()
    ProgressUpdate.objects.filter(action__objective__plan=plan).delete()
    ProgressUpdate.objects.filter(objective__plan=plan).delete()
    plan.delete()


def load_plan_document(document: Any, *, source: str = "<document>", replace: bool = False) -> Plan:
    """Create a plan from a parsed plan document; all or nothing."""
    loader = _Loader(source)
    with transaction.atomic():
        with status_timeline.batch():  # each subject's timeline written once, not per update
            plan = loader.load(document, replace=replace)
        if loader.errors or plan is None:
            transaction.set_rollback(True)
            raise PlanFileError(source, loader.errors or ["nothing loaded"])
        # Its reporting periods from its start date to today, past included.
        generate_periods(plan)
    return plan


def plan_file_slug(path: str | Path) -> str | None:
    """The slug a plan file declares, without loading it (None if it cannot be read)."""
    try:
        document = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return None
    slug = document.get("slug") if isinstance(document, dict) else None
    return slug if isinstance(slug, str) else None


def load_plan_file(path: str | Path, *, replace: bool = False) -> Plan:
    path = Path(path)
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise PlanFileError(str(path), [f"not valid YAML: {exc}"]) from exc
    return load_plan_document(document, source=str(path), replace=replace)

"""`manage.py rebuild_status_timeline [--fix] [--plan SLUG ...]`: check the stored status
timeline against one rebuilt from the progress updates and sign-off decisions.

Each difference is reported (the action or objective, the days, what the stored timeline
says and what the updates say) and the command exits non-zero when there is any. Nothing
is changed unless `--fix` is given; then the differing subjects' timelines are rewritten
from their updates, in one transaction.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from improvement import status_timeline
from improvement.models import Action, Objective, Plan
from improvement.status_timeline import Difference, State


def describe_state(state: State | None) -> str:
    if state is None:
        return "not started (nothing counts)"
    status = state.status or "no status"
    rated = f", status from update {state.rated_update_id}" if state.rated_update_id else ""
    return f"{status} (latest update {state.latest_update_id} of {state.latest_on}{rated})"


class Command(BaseCommand):
    help = (
        "Compare the status timeline with the progress updates; report each difference, "
        "and rewrite the differing timelines with --fix."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fix", action="store_true", help="Rewrite the timelines that differ.")
        parser.add_argument(
            "--plan", action="append", default=[], metavar="SLUG", help="Only this plan."
        )

    def handle(self, *args, **options):
        actions, objectives = Action.objects.all(), Objective.objects.all()
        if options["plan"]:
            plans = Plan.objects.filter(slug__in=options["plan"])
            missing = set(options["plan"]) - set(plans.values_list("slug", flat=True))
            if missing:
                raise CommandError(f"No plan with the slug {', '.join(sorted(missing))}.")
            actions = actions.filter(objective__plan__in=plans)
            objectives = objectives.filter(plan__in=plans)
        found = status_timeline.compare(actions=actions, objectives=objectives)
        references = self._references(found)
        for difference in found:
            self.stdout.write(self._line(difference, references))
        if not found:
            self.stdout.write(self.style.SUCCESS("The status timeline agrees with the updates."))
            return
        subjects = {(d.kind, d.subject_id) for d in found}
        self.stdout.write(
            f"{len(found)} difference(s) in the timelines of {len(subjects)} action(s) "
            "and objective(s)."
        )
        if not options["fix"]:
            raise CommandError("The status timeline differs: nothing changed (use --fix).")
        with transaction.atomic():
            status_timeline.rebuild(
                actions=[pk for kind, pk in subjects if kind == "action"],
                objectives=[pk for kind, pk in subjects if kind == "objective"],
            )
        self.stdout.write(self.style.SUCCESS(f"Rewrote {len(subjects)} timeline(s)."))

    @staticmethod
    def _references(found: list[Difference]) -> dict[tuple[str, int], str]:
        names: dict[tuple[str, int], str] = {}
        for kind, model, plan in (
            ("action", Action, "objective__plan__slug"),
            ("objective", Objective, "plan__slug"),
        ):
            ids = sorted({d.subject_id for d in found if d.kind == kind})
            for chunk in status_timeline.chunks(ids):
                for pk, reference, slug in model.objects.filter(pk__in=chunk).values_list(
                    "pk", "reference", plan
                ):
                    names[(kind, pk)] = f"{kind} {reference} (id {pk}) in {slug}"
        return names

    @staticmethod
    def _line(difference: Difference, references: dict) -> str:
        key = (difference.kind, difference.subject_id)
        who = references.get(key, f"{difference.kind} id {difference.subject_id} (gone)")
        until = f"before {difference.valid_to}" if difference.valid_to else "onwards"
        return (
            f"{who}: from {difference.valid_from} {until}, the timeline says "
            f"{describe_state(difference.stored)} but the updates say "
            f"{describe_state(difference.replayed)}"
        )

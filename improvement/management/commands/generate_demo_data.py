"""`manage.py generate_demo_data`: a large, plausible, synthetic council, for `make bench`
and for trying the pages at scale.

    manage.py generate_demo_data [--plans 20 --objectives 400 --actions 5000
        --updates 100000 --measures 300 --years 5 --seed 1 --today YYYY-MM-DD --replace]

It makes plans (one about a tenth of all the actions, the rest uneven) with sections,
status keys, editors, objectives and actions with owners and delegates among a few
hundred generated users, milestones, a reporting period per quarter of the UK financial
year over the years, dated progress updates following plausible status sequences (mostly
on track, some slipping to at risk or off track and recovering, many completing once
due; one plan in a larger run reports without a status, as some councils do), sign-off
decisions in the plans that need them, areas for development, and measures with a
baseline, monthly data points, interim and final targets (some revised), linked to
objectives and actions.

Same `--seed` and `--today` (default: today), same data. Generated plans' slugs start
with `demo-gen-` and generated users' usernames with `demo-gen-`. A second run is
refused while generated plans exist, unless `--replace`, which deletes the generated
plans and everything under them (updates, sign-offs, measures...) and nothing else;
generated users and reporting periods are kept and reused. Periods are only added where
no existing period overlaps the quarter.

Speed: every row is written with `bulk_create`, in batches, in one transaction. That
bypasses the models' `save()` (so `sort_key`, which `save()` normally fills, is filled
here), their signals, and django-simple-history: generated rows have no change history.
That is acceptable for synthetic data, which nobody edited. `ProgressUpdate.save()`
refuses to change a stored update; `bulk_create` only adds new rows, so the append-only
rule holds. `--replace` deletes the generated rows with plain SQL deletes for the same
reason (no per-row signals or history); only the plans themselves go through Django's
delete, so anything else that points at them is cascaded or protected as usual.
"""

from __future__ import annotations

import bisect
import datetime
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from improvement import periods, plan_versions, roles, status_timeline
from improvement.models import (
    Action,
    AreaForDevelopment,
    EvidenceFile,
    Milestone,
    Objective,
    Plan,
    PlanKind,
    ProgressUpdate,
    ReportingPeriod,
    Section,
    SignOff,
    StatusInterval,
    StatusKeyEntry,
)
from improvement.references import natural_key
from improvement.status import RollupRule, Status
from metrics.models import DataPoint, Direction, Measure, Target
from metrics.units import Unit

PLAN_PREFIX = "demo-gen-"
USER_PREFIX = "demo-gen-"
BATCH = 2000
UPDATE_CHUNK = 400  # actions whose updates are built and written at a time

D = datetime.date
DAY = datetime.timedelta(days=1)

COMPLETE, ON_TRACK, AT_RISK, OFF_TRACK, NOT_STARTED = (s.value for s in Status)

# ---------------------------------------------------------------- words -----------

COUNCILS = [
    "Northshire County Council", "Eastbridge Borough Council", "Westmere City Council",
    "Southdale Metropolitan Borough Council", "Riverford Council", "Hallam Vale Council",
    "Kingsmoor County Council", "Ashcombe Borough Council", "Thornbury City Council",
    "Marlow Fields Council", "Glenholt Metropolitan Council", "Brackenridge Council",
    "Oakhampton County Council", "Fenwick Borough Council", "Stanmore Cross Council",
    "Wyvern Valley Council", "Calderbrook Council", "Easton Heath Borough Council",
    "Redcliffe City Council", "Lowther Dale Council",
]  # fmt: skip
PLAN_TITLES = {
    PlanKind.IMPROVEMENT_NOTICE: "Improvement notice review",
    PlanKind.ACTION_PLAN: "Children's social care improvement plan",
    PlanKind.WORKFORCE_STRATEGY: "Social work workforce strategy",
    PlanKind.SERVICE_REVIEW: "Best-value review of children's services",
    PlanKind.PERFORMANCE_PLAN: "Children's services performance plan",
}
OBJECTIVE_TERMS = {
    PlanKind.IMPROVEMENT_NOTICE: "requirement",
    PlanKind.ACTION_PLAN: "objective",
    PlanKind.WORKFORCE_STRATEGY: "theme",
    PlanKind.SERVICE_REVIEW: "recommendation",
    PlanKind.PERFORMANCE_PLAN: "outcome",
}
BOARDS = [
    "Children's Services Improvement Board", "Corporate Parenting Panel",
    "Children and Young People Scrutiny Committee", "Safeguarding Children Partnership",
    "Cabinet", "Workforce Board",
]  # fmt: skip
KEYS = [
    {COMPLETE: "Objective met", ON_TRACK: "Objective will be met",
     AT_RISK: "Objective at risk", OFF_TRACK: "Not yet achieved", NOT_STARTED: "Not started"},
    {COMPLETE: "Blue", ON_TRACK: "Green", AT_RISK: "Amber", OFF_TRACK: "Red",
     NOT_STARTED: "Grey"},
    {COMPLETE: "Done", ON_TRACK: "In progress", AT_RISK: "Some slippage",
     OFF_TRACK: "Significant slippage", NOT_STARTED: "Not yet started"},
]  # fmt: skip
SECTIONS = [
    "Leadership and governance", "Workforce, training and workloads", "Quality of practice",
    "The front door and early help", "Children in care and care leavers",
    "Partnership working", "Performance and quality assurance", "The voice of the child",
    "Child protection", "Permanence and adoption",
]  # fmt: skip
THEMES = [
    "management oversight of casework", "the quality of assessments",
    "supervision of social workers", "recruitment of permanent social workers",
    "the multi-agency safeguarding hub", "strategy discussions", "child protection conferences",
    "planning for permanence", "placement sufficiency", "support for care leavers",
    "the voice of children in their plans", "audit and quality assurance",
    "performance reporting to members", "the early help offer", "caseloads",
    "return home interviews", "private fostering arrangements", "pre-proceedings work",
    "the independent reviewing service", "the local authority designated officer",
    "health assessments for children in care", "pathway plans", "chronologies",
    "the edge of care service", "training for newly qualified social workers",
]  # fmt: skip
VERBS = [
    "Review", "Strengthen", "Embed", "Introduce", "Audit", "Improve", "Redesign",
    "Develop a protocol for", "Train managers in", "Report quarterly on", "Recruit to support",
    "Commission an independent review of", "Agree standards for", "Monitor compliance in",
]  # fmt: skip
RESPONSIBLE = [
    "Head of Service, Safeguarding", "Service Manager, Assessment", "Principal Social Worker",
    "Head of Children in Care", "Workforce Development Manager", "Quality Assurance Manager",
    "Service Manager, Early Help", "Director of Children's Services",
    "Head of Business Intelligence", "HR Business Partner",
]  # fmt: skip
MILESTONES = [
    "Agree the approach with the leadership team", "Draft procedure published",
    "Training delivered to all teams", "First audit completed", "Report to the board",
    "Pilot in one locality", "Roll out across the service", "Review of impact",
]  # fmt: skip
NARRATIVES = {
    NOT_STARTED: ["Work has not started yet; it is scheduled for the next quarter.",
                  "Awaiting the outcome of the review before this can begin."],
    ON_TRACK: ["Progress is as planned. {theme} is being reviewed monthly by managers.",
               "On track: the working group met twice this quarter and actions are complete.",
               "Good progress. Audit findings show improvement in {theme}.",
               "Work continues as planned; the next milestone is due next quarter."],
    AT_RISK: ["Some slippage because of staff turnover; a recovery plan is agreed.",
              "At risk: {theme} has not improved as quickly as expected.",
              "Delayed by the restructure; the timescale may need to be revised."],
    OFF_TRACK: ["Off track: vacancies in the team mean this work has stalled.",
                "Significant slippage. Escalated to the improvement board.",
                "Audits show no improvement in {theme}; a new approach is needed."],
    COMPLETE: ["Complete. The change is embedded and will be monitored through audit.",
               "Completed and signed off by the board; evidence is held on file.",
               "Complete: {theme} now meets the standard in audits."],
    "": ["Update provided at the meeting; see minutes.",
         "Work on {theme} is continuing; see the service plan."],
}  # fmt: skip
ACHIEVEMENTS = [
    "Practice standards relaunched", "All managers trained", "Audit tool agreed",
    "Weekly performance clinic in place", "Three permanent social workers appointed",
    "Protocol signed by partners",
]  # fmt: skip
EVIDENCE = [
    "Minutes of the improvement board", "Audit report", "Performance scorecard",
    "Training attendance records", "Revised procedure", "Staff survey results",
]  # fmt: skip
AREAS = [
    "Embed the learning from audits in supervision", "Improve recording of the child's voice",
    "Reduce reliance on agency staff", "Strengthen management oversight at the front door",
    "Make plans SMART", "Improve timeliness of visits",
]  # fmt: skip
FIRST_NAMES = [
    "Amara", "Ben", "Chloe", "Dev", "Ellen", "Farid", "Grace", "Harry", "Imani", "Jack",
    "Kiran", "Laura", "Mo", "Niamh", "Owen", "Priya", "Quentin", "Rosa", "Sam", "Tariq",
    "Una", "Vikram", "Wendy", "Xavier", "Yasmin", "Zac", "Aled", "Bronwen", "Callum", "Deepa",
]  # fmt: skip
LAST_NAMES = [
    "Adeyemi", "Brown", "Chen", "Davies", "Evans", "Fraser", "Green", "Hughes", "Iqbal",
    "Jones", "Khan", "Lewis", "Morgan", "Nowak", "O'Brien", "Patel", "Quinn", "Roberts",
    "Smith", "Taylor", "Usman", "Vaughan", "Williams", "Xu", "Young", "Zielinski", "Ahmed",
]  # fmt: skip

# name, unit, direction, plausible low, plausible high
MEASURES = [
    ("Re-referrals within 12 months", Unit.PERCENT, Direction.LOWER, 15, 30),
    ("Assessments completed within 45 working days", Unit.PERCENT, Direction.HIGHER, 60, 95),
    ("Child protection visits within timescale", Unit.PERCENT, Direction.HIGHER, 70, 98),
    ("Child protection plans lasting two years or more", Unit.PERCENT, Direction.LOWER, 2, 8),
    ("Children on a plan for a second or later time", Unit.PERCENT, Direction.LOWER, 15, 30),
    ("Children in care with three or more placements", Unit.PERCENT, Direction.LOWER, 7, 15),
    ("Care leavers in education, employment or training", Unit.PERCENT, Direction.HIGHER, 45, 70),
    ("Permanent social workers", Unit.PERCENT, Direction.HIGHER, 60, 90),
    ("Social worker vacancy rate", Unit.PERCENT, Direction.LOWER, 8, 30),
    ("Audits graded good or better", Unit.PERCENT, Direction.HIGHER, 30, 75),
    ("Children in need per 10,000 children", Unit.RATE_PER_10K, Direction.RANGE, 280, 400),
    ("Children in care per 10,000 children", Unit.RATE_PER_10K, Direction.LOWER, 60, 110),
    ("Children subject to a child protection plan", Unit.COUNT, Direction.LOWER, 200, 600),
    ("Open early help assessments", Unit.COUNT, Direction.HIGHER, 300, 1200),
    ("Average caseload per social worker", Unit.RATIO, Direction.LOWER, 14, 24),
    ("Days from entering care to adoption", Unit.DAYS, Direction.LOWER, 400, 650),
    ("Days lost to sickness per worker", Unit.DAYS, Direction.LOWER, 8, 14),
    ("Newly qualified social workers in post", Unit.FTE, Direction.HIGHER, 10, 40),
    ("Placement budget overspend", Unit.MONEY, Direction.LOWER, -200000, 800000),
    ("Findings of the latest monitoring visit", Unit.TEXT, Direction.HIGHER, 0, 0),
]
PLACES = {Unit.PERCENT: 1, Unit.RATE_PER_10K: 1, Unit.COUNT: 0, Unit.DAYS: 1, Unit.FTE: 2,
          Unit.MONEY: 0, Unit.RATIO: 2}  # fmt: skip
SOURCES = [
    "Case management system extract", "DfE children in need census", "SSDA903 return",
    "HR system", "Finance monitoring report", "Audit programme",
]  # fmt: skip
TEXT_FINDINGS = [
    "Inspectors found improvement in the front door; plans remain variable.",
    "Management oversight is more consistent; supervision records are improving.",
    "Progress is slower than expected for children in care.",
]


@dataclass
class Sizes:
    plans: int
    objectives: int
    actions: int
    updates: int
    measures: int
    years: int


@dataclass
class Counts:
    rows: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def add(self, name: str, n: int) -> None:
        self.rows[name] += n


def _bulk(model, objects: list, counts: Counts, name: str | None = None) -> list:
    created = model.objects.bulk_create(objects, batch_size=BATCH)
    counts.add(name or model._meta.verbose_name_plural, len(objects))
    return created


def _split(total: int, weights: list[float], minimum: int = 0) -> list[int]:
    """`total` split in proportion to `weights`, each at least `minimum` where it can be
    (largest remainders, ties to the earlier: deterministic)."""
    n = len(weights)
    if n == 0:
        return []
    base = [minimum] * n if total >= minimum * n else [0] * n
    rest = total - sum(base)
    whole = sum(weights) or 1
    shares = [rest * w / whole for w in weights]
    parts = [int(s) for s in shares]
    left = rest - sum(parts)
    order = sorted(range(n), key=lambda i: (-(shares[i] - parts[i]), i))
    for i in order[:left]:
        parts[i] += 1
    return [b + p for b, p in zip(base, parts, strict=True)]


def _quarter_start(day: D) -> D:
    return D(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def _add_months(day: D, months: int) -> D:
    index = day.year * 12 + day.month - 1 + months
    return D(index // 12, index % 12 + 1, 1)


def _month_end(first_of_month: D) -> D:
    return _add_months(first_of_month, 1) - DAY


def _quarter_name(start: D) -> str:
    """ "Quarter 1 2024/25": UK financial-year quarters, April to March."""
    first_year = start.year if start.month >= 4 else start.year - 1
    quarter = ((start.month - 4) % 12) // 3 + 1
    return f"Quarter {quarter} {first_year}/{str(first_year + 1)[2:]}"


class Command(BaseCommand):
    help = "Generate a large synthetic council (plans, actions, updates, measures) quickly."

    def add_arguments(self, parser):
        parser.add_argument("--plans", type=int, default=20)
        parser.add_argument("--objectives", type=int, default=400)
        parser.add_argument("--actions", type=int, default=5000)
        parser.add_argument("--updates", type=int, default=100_000)
        parser.add_argument("--measures", type=int, default=300)
        parser.add_argument("--years", type=int, default=5, help="How many years of history.")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--today",
            type=D.fromisoformat,
            default=None,
            help="The day the history runs up to (YYYY-MM-DD; default: today).",
        )
        parser.add_argument(
            "--replace", action="store_true", help="Delete generated plans first (only those)."
        )

    def handle(self, *args, **options):
        sizes = Sizes(
            plans=options["plans"],
            objectives=options["objectives"],
            actions=options["actions"],
            updates=options["updates"],
            measures=options["measures"],
            years=options["years"],
        )
        problem = _size_problem(sizes)
        if problem:
            raise CommandError(problem)
        today = options["today"] or timezone.localdate()
        started = time.monotonic()
        with transaction.atomic():
            existing = Plan.objects.filter(slug__startswith=PLAN_PREFIX)
            if existing.exists():
                if not options["replace"]:
                    raise CommandError(
                        f"{existing.count()} generated plans (slugs starting {PLAN_PREFIX!r}) "
                        "exist already: run with --replace to delete and regenerate them."
                    )
                deleted = delete_generated()
                self.stdout.write(f"Deleted {deleted} generated plans and everything in them.")
            counts = Generator(sizes, seed=options["seed"], today=today).run()
            # Bulk writes send no signals: give the generated plans their state versions
            # and their status timelines.
            generated = list(
                Plan.objects.filter(slug__startswith=PLAN_PREFIX).values_list("pk", flat=True)
            )
            plan_versions.bump(generated)
            counts.rows["status timeline rows"] = status_timeline.rebuild_plans(generated)
        analyse()
        elapsed = time.monotonic() - started
        for name, n in counts.rows.items():
            self.stdout.write(f"  {name:<28} {n:>9,}")
        self.stdout.write(self.style.SUCCESS(f"Generated in {elapsed:.2f} s."))


def _size_problem(sizes: Sizes) -> str | None:
    if sizes.plans < 1:
        return "--plans must be at least 1."
    if sizes.objectives < sizes.plans:
        return "--objectives must be at least --plans (every plan has an objective)."
    if min(sizes.actions, sizes.updates, sizes.measures) < 0:
        return "Sizes cannot be negative."
    if not 1 <= sizes.years <= 30:
        return "--years must be from 1 to 30."
    return None


def analyse() -> None:
    """Refresh the planner's statistics: after a bulk load they are missing or stale until
    autovacuum gets round to it (never, where it is off), and PostgreSQL then picks
    plans for a few rows; the pages are many times slower until it does."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            models = [Plan, Objective, Action, Milestone, ProgressUpdate, SignOff,
                      AreaForDevelopment, ReportingPeriod, Section, StatusKeyEntry, Measure,
                      Target, DataPoint, Measure.objectives.through, Measure.actions.through,
                      Action.delegates.through, Plan.editors.through, get_user_model(),
                      StatusInterval]  # fmt: skip
            for model in models:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
        elif connection.vendor == "sqlite":
            cursor.execute("ANALYZE")


def delete_generated() -> int:
    """Delete the generated plans and everything under them; return how many plans."""
    plans = Plan.objects.filter(slug__startswith=PLAN_PREFIX)
    objectives = Objective.objects.filter(plan__in=plans)
    actions = Action.objects.filter(objective__plan__in=plans)
    measures = Measure.objects.filter(plan__in=plans)
    updates = ProgressUpdate.objects.filter(
        Q(action__objective__plan__in=plans) | Q(objective__plan__in=plans)
    )
    # Children first. Plain SQL deletes (QuerySet._raw_delete): no per-row signals, so no
    # history rows, and seconds rather than minutes for 100,000 updates.
    for queryset in (
        StatusInterval.objects.filter(Q(action__in=actions) | Q(objective__in=objectives)),
        SignOff.objects.filter(update__in=updates),
        EvidenceFile.objects.filter(update__in=updates),
        AreaForDevelopment.objects.filter(update__in=updates),
        updates,
        DataPoint.objects.filter(measure__in=measures),
        Target.objects.filter(measure__in=measures),
        Measure.objectives.through.objects.filter(measure__in=measures),
        Measure.actions.through.objects.filter(measure__in=measures),
        Measure.actions.through.objects.filter(action__in=actions),
        Measure.objectives.through.objects.filter(objective__in=objectives),
        measures,
        Milestone.objects.filter(action__in=actions),
        Action.delegates.through.objects.filter(action__in=actions),
        actions,
        objectives,
        Section.objects.filter(plan__in=plans),
        StatusKeyEntry.objects.filter(plan__in=plans),
        Plan.editors.through.objects.filter(plan__in=plans),
    ):
        queryset._raw_delete(queryset.db)
    _, deleted = plans.delete()  # Django's delete: cascades or protects anything else
    return deleted.get(Plan._meta.label, 0)


class Generator:
    def __init__(self, sizes: Sizes, *, seed: int, today: D):
        self.sizes = sizes
        self.rng = random.Random(seed)  # noqa: S311 - synthetic data, not security
        self.today = today
        self.last_day = today - DAY  # nothing is dated today or later
        # History starts at a financial quarter `years` years back.
        self.start = _add_months(_quarter_start(today), -12 * sizes.years)
        self.tz = ZoneInfo(settings.TIME_ZONE)
        self.counts = Counts()

    # --------------------------------------------------------------- helpers ----

    def at(self, day: D, hour: int, minute: int = 0) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=self.tz)

    def day_between(self, first: D, last: D) -> D:
        if last <= first:
            return first
        return first + datetime.timedelta(days=self.rng.randint(0, (last - first).days))

    def text(self, options: list[str]) -> str:
        return self.rng.choice(options).replace("{theme}", self.rng.choice(THEMES))

    # ------------------------------------------------------------------ run -----

    def run(self) -> Counts:
        self.users()
        self.plans()
        self.periods()
        self.sections_and_objectives()
        self.actions()
        self.milestones()
        self.measures()
        self.updates()
        return self.counts

    def users(self) -> None:
        """A few hundred people: a tenth edit plans (staff), the rest own actions."""
        User = get_user_model()
        n = max(8, min(400, self.sizes.actions // 20))
        n_editors = max(2, n // 10)
        usernames = [f"{USER_PREFIX}{i:04d}" for i in range(1, n + 1)]
        existing = {u.username: u for u in User.objects.filter(username__in=usernames)}
        new = []
        for i, username in enumerate(usernames):
            if username in existing:
                continue
            first = FIRST_NAMES[i % len(FIRST_NAMES)]
            last = LAST_NAMES[(i * 7 + i // len(FIRST_NAMES)) % len(LAST_NAMES)]
            new.append(
                User(
                    username=username,
                    first_name=first,
                    last_name=last,
                    email=f"{username}@example.invalid",
                    password=make_password(None),  # cannot sign in; for data only
                    is_staff=i < n_editors,
                )
            )
        created = _bulk(User, new, self.counts, "users (new)")
        if created:
            groups = roles.sync_roles()
            through = User.groups.through
            _bulk(
                through,
                [
                    through(
                        user_id=u.pk,
                        group_id=groups[roles.PLAN_EDITOR if u.is_staff else roles.ACTION_OWNER].pk,
                    )
                    for u in created
                ],
                self.counts,
                "role memberships",
            )
        people = sorted([*existing.values(), *created], key=lambda u: u.username)
        self.editors = [u.pk for u in people[:n_editors]]
        self.owners = [u.pk for u in people[n_editors:]]

    def periods(self) -> None:
        """Each plan's quarters from its start to the current one (`periods.missing_periods`:
        none overlapping one it has)."""
        plan_ids = [p.pk for p in self.plan_list]
        existing: dict[int, list[ReportingPeriod]] = defaultdict(list)
        for period in ReportingPeriod.objects.filter(plan__in=plan_ids).order_by("start"):
            existing[period.plan_id].append(period)
        new = []
        for plan in self.plan_list:
            for p in periods.missing_periods(
                periods.planned_periods(plan, self.today), existing[plan.pk]
            ):
                new.append(
                    ReportingPeriod(
                        plan_id=plan.pk,
                        name=p.name,
                        start=p.start,
                        end=p.end,
                        update_deadline=p.update_deadline,
                    )
                )
        created = _bulk(ReportingPeriod, new, self.counts, "reporting periods (new)")
        self.period_list: dict[int, list[ReportingPeriod]] = defaultdict(list)
        for period in sorted(
            [*(p for e in existing.values() for p in e), *created], key=lambda p: p.start
        ):
            self.period_list[period.plan_id].append(period)
        self.period_starts = {pk: [p.start for p in some] for pk, some in self.period_list.items()}

    def period_for(self, day: D, plan_id: int) -> int | None:
        starts = self.period_starts.get(plan_id, [])
        i = bisect.bisect_right(starts, day) - 1
        if i >= 0 and self.period_list[plan_id][i].end >= day:
            return self.period_list[plan_id][i].pk
        return None

    def plans(self) -> None:
        """Plan 0 carries a tenth of the actions (at least an equal share); the others
        share the rest unevenly, so plan 0 is the largest."""
        rng, n = self.rng, self.sizes.plans
        first = max(1 / n, 0.1)
        others = [rng.uniform(0.6, 1.4) for _ in range(n - 1)]
        others = [(1 - first) * w / sum(others) for w in others]
        first = max([first, *others])  # plan 0 stays the largest
        self.weights = [w / (first + sum(others)) for w in [first, *others]]
        kinds = list(PlanKind)
        plans = []
        for i in range(n):
            council = COUNCILS[i % len(COUNCILS)]
            kind = PlanKind.ACTION_PLAN if i == 0 else kinds[i % len(kinds)]
            starts = _add_months(self.start, 3 * rng.randint(0, self.sizes.years))
            starts = min(starts, _quarter_start(self.today))
            round_ = f" ({i // len(COUNCILS) + 1})" if i >= len(COUNCILS) else ""
            slug_council = council.lower().replace(" ", "-").replace("'", "")
            plans.append(
                Plan(
                    slug=f"{PLAN_PREFIX}{i + 1:02d}-{slug_council}"[:80],
                    title=f"{PLAN_TITLES[kind]} {starts.year}{round_}",
                    organisation=council,
                    kind=kind,
                    reports_to=rng.choice(BOARDS),
                    description=f"Generated demonstration plan {i + 1} for {council}.",
                    objective_term=OBJECTIVE_TERMS[kind],
                    start_date=starts if i else self.start,
                    end_date=_add_months(self.today, rng.randint(6, 24)),
                    rollup_rule=RollupRule.PROPORTION if i % 5 == 2 else RollupRule.WORST_WINS,
                    requires_sign_off=i % 4 == 1,
                    restricted=i % 10 == 7,
                )
            )
        self.plan_list = _bulk(Plan, plans, self.counts)
        # One plan in a larger run reports without a status, as some councils do.
        self.unrated_plan = self.plan_list[3].pk if n >= 4 else None
        editors_through = Plan.editors.through
        links, keys = [], []
        for i, plan in enumerate(self.plan_list):
            for editor in rng.sample(self.editors, min(len(self.editors), rng.randint(1, 2))):
                links.append(editors_through(plan_id=plan.pk, user_id=editor))
            if i % 2 == 0:
                labels = KEYS[(i // 2) % len(KEYS)]
                keys += [
                    StatusKeyEntry(plan=plan, status=s, label=label, description="")
                    for s, label in labels.items()
                ]
        _bulk(editors_through, links, self.counts, "plan editors")
        _bulk(StatusKeyEntry, keys, self.counts)
        self.plan_editors = defaultdict(list)
        for link in links:
            self.plan_editors[link.plan_id].append(link.user_id)
        # Each plan's people: a pool of owners drawn from everyone.
        self.plan_owners = {
            plan.pk: rng.sample(self.owners, min(len(self.owners), rng.randint(10, 40)))
            for plan in self.plan_list
        }

    def sections_and_objectives(self) -> None:
        rng = self.rng
        per_plan = _split(self.sizes.objectives, self.weights, minimum=1)
        sections = []
        for index, (plan, n_objectives) in enumerate(zip(self.plan_list, per_plan, strict=True)):
            if index % 4 == 3:  # some plans have no sections
                continue
            n_sections = min(n_objectives, rng.randint(3, 6))
            for position, title in enumerate(rng.sample(SECTIONS, n_sections)):
                sections.append(Section(plan=plan, title=title, position=position))
        sections = _bulk(Section, sections, self.counts)
        by_plan = defaultdict(list)
        for section in sections:
            by_plan[section.plan_id].append(section)

        objectives = []
        for plan, n_objectives in zip(self.plan_list, per_plan, strict=True):
            plan_sections = by_plan.get(plan.pk, [])
            for k in range(n_objectives):
                section = (
                    plan_sections[k * len(plan_sections) // n_objectives] if plan_sections else None
                )
                theme = rng.choice(THEMES)
                reference = str(k + 1)
                objectives.append(
                    Objective(
                        plan=plan,
                        section=section,
                        reference=reference,
                        sort_key=natural_key(reference),
                        title=f"Improve {theme}"[:300],
                        description=f"Children benefit from better {theme}, "
                        "evidenced by audit and performance information.",
                        source_reference=f"Inspection report recommendation {k + 1}",
                        success_measures="Audits show sustained improvement.",
                        owner_id=rng.choice(self.plan_editors[plan.pk] + self.editors[:1]),
                    )
                )
        self.objective_list = _bulk(Objective, objectives, self.counts)
        self.objectives_by_plan = defaultdict(list)
        for objective in self.objective_list:
            self.objectives_by_plan[objective.plan_id].append(objective)

    def actions(self) -> None:
        rng = self.rng
        per_plan = _split(self.sizes.actions, self.weights)
        plans = {p.pk: p for p in self.plan_list}
        actions = []
        self.action_info = []  # (plan id, objective id, begins, owner)
        for plan, n_actions in zip(self.plan_list, per_plan, strict=True):
            objectives = self.objectives_by_plan[plan.pk]
            spread = _split(n_actions, [rng.uniform(0.5, 1.5) for _ in objectives], minimum=1)
            pool = self.plan_owners[plan.pk]
            span = (self.last_day - plans[plan.pk].start_date).days
            for objective, n in zip(objectives, spread, strict=True):
                for k in range(n):
                    reference = f"{objective.reference}.{k + 1}"
                    begins = plan.start_date + datetime.timedelta(
                        days=int(span * rng.uniform(0, 0.85))
                    )
                    begins = min(begins, self.last_day)
                    due = _month_end(_add_months(begins, rng.randint(9, 48)))
                    owner = rng.choice(pool)
                    actions.append(
                        Action(
                            objective=objective,
                            reference=reference,
                            sort_key=natural_key(reference),
                            title=f"{rng.choice(VERBS)} {rng.choice(THEMES)}",
                            benefit="Children and families get a more consistent service.",
                            steps="Agree the approach; brief teams; audit the change.",
                            responsible=rng.choice(RESPONSIBLE),
                            owner_id=owner,
                            timescale=rng.choice(
                                [_quarter_name(_quarter_start(due)), "Ongoing", f"{due:%B %Y}"]
                            ),
                            due_date=due,
                        )
                    )
                    self.action_info.append((plan.pk, objective.pk, begins, owner))
        self.action_list = _bulk(Action, actions, self.counts)
        self.plan_of_action = {
            a.pk: info[0] for a, info in zip(self.action_list, self.action_info, strict=True)
        }
        through = Action.delegates.through
        delegates = []
        self.action_delegates = {}
        for action, (plan_id, _, _, owner) in zip(self.action_list, self.action_info, strict=True):
            if rng.random() < 0.15:
                others = [u for u in self.plan_owners[plan_id] if u != owner]
                chosen = rng.sample(others, min(len(others), rng.randint(1, 2)))
                self.action_delegates[action.pk] = chosen
                delegates += [through(action_id=action.pk, user_id=u) for u in chosen]
        _bulk(through, delegates, self.counts, "action delegates")

    def milestones(self) -> None:
        rng = self.rng
        rows = []
        for action, (_, _, begins, _) in zip(self.action_list, self.action_info, strict=True):
            for title in rng.sample(MILESTONES, rng.choice([0, 1, 1, 2, 2, 3])):
                due = self.day_between(begins, action.due_date)
                done = None
                if due < self.last_day and rng.random() < 0.7:
                    done = min(self.last_day, due + datetime.timedelta(days=rng.randint(-20, 30)))
                rows.append(Milestone(action=action, title=title, due_date=due, completed_on=done))
        _bulk(Milestone, rows, self.counts)

    # -------------------------------------------------------------- measures ----

    def measures(self) -> None:
        rng = self.rng
        per_plan = _split(self.sizes.measures, self.weights)
        months = 12 * self.sizes.years
        last_month = _add_months(self.today.replace(day=1), -1)  # the last complete month
        month_ends = [_month_end(_add_months(last_month, -k)) for k in reversed(range(months))]
        baseline_date = month_ends[0] - datetime.timedelta(days=month_ends[0].day)
        actions_by_objective = defaultdict(list)
        for action in self.action_list:
            actions_by_objective[action.objective_id].append(action.pk)

        measures, shapes = [], []
        number = 0
        for plan, n in zip(self.plan_list, per_plan, strict=True):
            for _ in range(n):
                number += 1
                name, unit, direction, low, high = (
                    MEASURES[-1] if rng.random() < 0.02 else rng.choice(MEASURES[:-1])
                )
                places = PLACES.get(unit, 0)
                width = high - low
                baseline = _value(rng.uniform(low, high), unit, places)
                tolerance = (
                    _value(width * rng.uniform(0.03, 0.1), unit, places)
                    if unit != Unit.TEXT and rng.random() < 0.6
                    else None
                )
                measures.append(
                    Measure(
                        plan=plan,
                        reference=f"M{number}",
                        name=name,
                        description=f"{name}: {SOURCES[number % len(SOURCES)].lower()}.",
                        unit=unit,
                        direction=direction,
                        baseline_value=None if unit == Unit.TEXT else baseline,
                        baseline_date=None if unit == Unit.TEXT else baseline_date,
                        amber_tolerance=tolerance,
                        owner_id=rng.choice(self.plan_owners[plan.pk]),
                        source=rng.choice(SOURCES),
                    )
                )
                shapes.append((unit, direction, low, high, places, baseline))
        measures = _bulk(Measure, measures, self.counts)

        targets, revisions, points, links, action_links = [], [], [], [], []
        for measure, (unit, direction, low, high, places, baseline) in zip(
            measures, shapes, strict=True
        ):
            objectives = self.objectives_by_plan[measure.plan_id]
            for objective in rng.sample(objectives, min(len(objectives), rng.randint(1, 2))):
                links.append(
                    Measure.objectives.through(measure_id=measure.pk, objective_id=objective.pk)
                )
                candidates = actions_by_objective[objective.pk]
                if candidates and rng.random() < 0.3:
                    action_links.append(
                        Measure.actions.through(
                            measure_id=measure.pk, action_id=rng.choice(candidates)
                        )
                    )
            if unit == Unit.TEXT:
                points += [
                    DataPoint(
                        measure=measure,
                        period_end=end,
                        text=rng.choice(TEXT_FINDINGS),
                        entered_at=self.at(min(end + 10 * DAY, self.last_day), 12),
                    )
                    for end in month_ends
                ]
                continue
            width = high - low
            better = -1 if direction == Direction.LOWER else 1
            goal = float(baseline) + better * width * rng.uniform(0.1, 0.3)
            if direction == Direction.RANGE:
                goal = low + width * 0.3
            final_due = _month_end(_add_months(month_ends[-1].replace(day=1), 12))
            final = Target(
                measure=measure,
                kind=Target.Kind.FINAL,
                due_date=final_due,
                value=_value(goal, unit, places),
                value_high=_value(goal + width * 0.3, unit, places)
                if direction == Direction.RANGE
                else None,
                set_on=baseline_date,
            )
            targets.append(final)
            for year in range(1, self.sizes.years + 1):
                due = _month_end(_add_months(baseline_date.replace(day=1), 12 * year))
                share = year / (self.sizes.years + 1)
                value = float(baseline) + (goal - float(baseline)) * share
                targets.append(
                    Target(
                        measure=measure,
                        kind=Target.Kind.INTERIM,
                        due_date=due,
                        value=_value(value, unit, places),
                        value_high=_value(value + width * 0.3, unit, places)
                        if direction == Direction.RANGE
                        else None,
                        set_on=baseline_date,
                    )
                )
            if rng.random() < 0.2:
                revisions.append((final, unit, places, direction, width, month_ends))
            # Monthly values: a noisy walk from the baseline towards (and past) the goal.
            level = float(baseline)
            drift = (goal - float(baseline)) / len(month_ends) * rng.uniform(0.3, 1.6)
            for end in month_ends:
                level += drift + rng.gauss(0, width * 0.03)
                points.append(
                    DataPoint(
                        measure=measure,
                        period_end=end,
                        value=_value(level, unit, places),
                        note="Provisional figure" if rng.random() < 0.05 else "",
                        entered_by_id=measure.owner_id,
                        entered_at=self.at(min(end + 10 * DAY, self.last_day), 12),
                    )
                )
        targets = _bulk(Target, targets, self.counts)
        revised = []
        for final, unit, places, direction, width, month_ends in revisions:
            set_on = month_ends[len(month_ends) // 2]
            value = float(final.value) + self.rng.uniform(-0.1, 0.1) * width
            revised.append(
                Target(
                    measure_id=final.measure_id,
                    kind=Target.Kind.FINAL,
                    due_date=final.due_date,
                    value=_value(value, unit, places),
                    value_high=_value(value + width * 0.3, unit, places)
                    if direction == Direction.RANGE
                    else None,
                    set_on=set_on,
                    reason="Revised by the improvement board after the annual review.",
                    replaces=final,
                )
            )
        _bulk(Target, revised, self.counts, "targets (revisions)")
        _bulk(DataPoint, points, self.counts)
        _bulk(Measure.objectives.through, links, self.counts, "measure-objective links")
        _bulk(Measure.actions.through, action_links, self.counts, "measure-action links")

    # --------------------------------------------------------------- updates ----

    def updates(self) -> None:
        """Updates spread over each action's life, about one a quarter, in proportion to
        how long it has been running; 2% are objective-level assessments."""
        rng = self.rng
        total = self.sizes.updates
        on_objectives = total // 50 if self.objective_list else 0
        on_actions = total - on_objectives if self.action_list else 0
        on_objectives = total - on_actions
        weights = [
            max(1, (self.last_day - begins).days) * rng.uniform(0.6, 1.4)
            for _, _, begins, _ in self.action_info
        ]
        per_action = _split(on_actions, weights)
        signs_off = {p.pk for p in self.plan_list if p.requires_sign_off}

        for start in range(0, len(self.action_list), UPDATE_CHUNK):
            batch = []
            for index in range(start, min(start + UPDATE_CHUNK, len(self.action_list))):
                action = self.action_list[index]
                plan_id, _, begins, owner = self.action_info[index]
                authors = [owner, *self.action_delegates.get(action.pk, [])]
                for day, status in self.sequence(begins, per_action[index], action.due_date):
                    author = rng.choice(authors)
                    batch.append(
                        self.update(
                            day,
                            status,
                            author,
                            plan_id,
                            plan_id in signs_off,
                            action_id=action.pk,
                        )
                    )
            self.write_updates(batch)

        # Objective-level assessments, by the plan's editors: on a quarter of objectives.
        if on_objectives:
            assessed = rng.sample(self.objective_list, max(1, len(self.objective_list) // 4))
            plan_starts = {p.pk: p.start_date for p in self.plan_list}
            spread = _split(on_objectives, [1.0] * len(assessed))
            batch = []
            for objective, n in zip(assessed, spread, strict=True):
                editors = self.plan_editors[objective.plan_id]
                far = D(9999, 12, 31)
                for day, status in self.sequence(plan_starts[objective.plan_id], n, far):
                    batch.append(
                        self.update(
                            day,
                            status,
                            rng.choice(editors),
                            objective.plan_id,
                            False,
                            objective_id=objective.pk,
                        )
                    )
            self.write_updates(batch)

    def sequence(self, begins: D, n: int, due: D) -> list[tuple[D, str]]:
        """`n` dated statuses from `begins` to yesterday: a walk that mostly stays on
        track, sometimes slips and recovers, and often completes once due."""
        rng = self.rng
        if n == 0:
            return []
        span = max(0, (self.last_day - begins).days)
        days = sorted(
            begins
            + datetime.timedelta(
                days=min(
                    span, max(0, int(span * (k + 0.5) / n + rng.uniform(-0.3, 0.3) * span / n))
                )
            )
            for k in range(n)
        )
        status = NOT_STARTED if rng.random() < 0.15 else ON_TRACK
        result = []
        for k, day in enumerate(days):
            if k:
                status = self.next_status(status, overdue=day >= due)
            result.append((day, status))
        return result

    def next_status(self, status: str, *, overdue: bool) -> str:
        r = self.rng.random()
        if status == COMPLETE:
            return COMPLETE
        if overdue and r < 0.25:
            return COMPLETE
        r = self.rng.random()
        table = {
            NOT_STARTED: [(0.5, ON_TRACK), (0.9, NOT_STARTED), (1.0, AT_RISK)],
            ON_TRACK: [(0.85, ON_TRACK), (0.95, AT_RISK), (0.97, OFF_TRACK), (1.0, COMPLETE)],
            AT_RISK: [(0.4, ON_TRACK), (0.8, AT_RISK), (1.0, OFF_TRACK)],
            OFF_TRACK: [(0.1, ON_TRACK), (0.5, AT_RISK), (1.0, OFF_TRACK)],
        }[status]
        return next(s for limit, s in table if r < limit)

    def update(self, day, status, author, plan_id, signs_off, **subject) -> ProgressUpdate:
        rng = self.rng
        if plan_id == self.unrated_plan or rng.random() < 0.02:
            status = ""  # the report gives no status
        return ProgressUpdate(
            **subject,
            period_id=self.period_for(day, plan_id),
            as_at=day,
            status=status,
            narrative=self.text(NARRATIVES[status]),
            achievements=rng.sample(ACHIEVEMENTS, rng.choice([0, 0, 1, 2])),
            evidence=rng.sample(EVIDENCE, rng.choice([0, 1, 1, 2])),
            author_id=author,
            recorded_at=self.at(day, rng.randint(9, 17), rng.randint(0, 59)),
            needs_sign_off=signs_off,
        )

    def write_updates(self, batch: list[ProgressUpdate]) -> None:
        rng = self.rng
        created = _bulk(ProgressUpdate, batch, self.counts)
        sign_offs, areas = [], []
        for update in created:
            if update.needs_sign_off:
                decided = update.as_at + datetime.timedelta(days=rng.randint(1, 25))
                if decided < self.today:
                    editors = [
                        e
                        for e in self.plan_editors[self.plan_of_action[update.action_id]]
                        if e != update.author_id
                    ] or self.editors[:1]
                    returned = rng.random() < 0.08
                    sign_offs.append(
                        SignOff(
                            update=update,
                            decision="returned" if returned else "approved",
                            comment="Please add the audit evidence." if returned else "",
                            decided_by_id=rng.choice(editors),
                            decided_at=self.at(decided, rng.randint(9, 17)),
                            decided_on=decided,
                        )
                    )
            if rng.random() < 0.05:
                for position, description in enumerate(rng.sample(AREAS, rng.randint(1, 2))):
                    due = _month_end(_add_months(update.as_at.replace(day=1), rng.randint(2, 9)))
                    areas.append(
                        AreaForDevelopment(
                            update=update,
                            description=description,
                            timescale=_quarter_name(_quarter_start(due)),
                            due_date=due,
                            position=position,
                        )
                    )
        _bulk(SignOff, sign_offs, self.counts)
        _bulk(AreaForDevelopment, areas, self.counts)


def _value(x: float, unit: str, places: int) -> Decimal:
    """A float made a valid value of `unit`, rounded to its usual places."""
    if unit != Unit.MONEY:
        x = max(0.0, x)
    if unit == Unit.PERCENT:
        x = min(100.0, x)
    return Decimal(repr(round(x, places))).quantize(Decimal(1).scaleb(-places))

"""Plans, their status keys and sections, and the reporting periods updates fall in."""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import reverse
from simple_history.models import HistoricalRecords

from improvement.status import DISPLAY_ORDER, RollupRule, Status, status_match_key
from improvement.text_limits import LONG_TEXT, text_validators

from .versioned import Versioned


class PlanKind(models.TextChoices):
    IMPROVEMENT_NOTICE = "improvement_notice", "Improvement notice"
    ACTION_PLAN = "action_plan", "Action plan"
    WORKFORCE_STRATEGY = "workforce_strategy", "Workforce strategy"
    SERVICE_REVIEW = "service_review", "Service review"
    PERFORMANCE_PLAN = "performance_plan", "Performance plan"


PERCENT = [MinValueValidator(1), MaxValueValidator(100)]
SHARE = [
    MinValueValidator(0, "Enter a share from 0 to 100%%."),
    MaxValueValidator(100, "Enter a share from 0 to 100%%."),
]
STALENESS = [
    MinValueValidator(1, "Enter at least 1 reporting period."),
    MaxValueValidator(24, "Enter at most 24 reporting periods."),
]


class Cadence(models.TextChoices):
    """How often a plan reports: the length of its reporting periods."""

    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    SIX_MONTHLY = "six_monthly", "Six-monthly"


class PlanQuerySet(models.QuerySet):
    def visible_to(self, user) -> "PlanQuerySet":
        """The plans `user` may read (the same rule as `improvement.permissions`)."""
        from improvement.permissions import visible_plans

        return visible_plans(user, self)


class Plan(Versioned):
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=300, validators=text_validators())
    organisation = models.CharField(max_length=200, validators=text_validators())
    kind = models.CharField(max_length=30, choices=PlanKind.choices)
    reports_to = models.CharField(
        "reports to",
        max_length=300,
        blank=True,
        help_text="The board or committee it reports to.",
        validators=text_validators(),
    )
    description = models.TextField(
        blank=True, max_length=LONG_TEXT, validators=text_validators(LONG_TEXT)
    )
    objective_term = models.CharField(
        "objectives are called",
        max_length=40,
        default="objective",
        help_text='What this plan calls its objectives: "objective", "outcome", "requirement", '
        '"theme". Used in headings and explanations.',
        validators=text_validators(),
    )
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    rollup_rule = models.CharField(
        "roll-up rule", max_length=20, choices=RollupRule.choices, default=RollupRule.WORST_WINS
    )
    off_track_threshold = models.PositiveSmallIntegerField(
        "off track at (%)",
        default=25,
        validators=PERCENT,
        help_text="By proportion: off track when at least this % of the children are off track.",
    )
    at_risk_threshold = models.PositiveSmallIntegerField(
        "at risk at (%)",
        default=10,
        validators=PERCENT,
        help_text=(
            "By proportion: at risk when at least this % of the children are at risk or off track."
        ),
    )
    editors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="edited_plans",
        help_text="Plan editors who may change this plan and sign off its updates.",
    )
    restricted = models.BooleanField(
        default=False,
        help_text="Only administrators, viewers, clerks, its editors and the owners of its "
        "actions can see a restricted plan.",
    )
    requires_sign_off = models.BooleanField(
        "updates need sign-off",
        default=False,
        help_text="An owner's update waits for a plan editor to approve it before it counts.",
    )
    measures_in_rollup = models.BooleanField(
        "measures count in the roll-up",
        default=False,
        help_text="The status of each measure linked to an objective counts with its actions.",
    )
    # How much evidence a status needs (`improvement.rollup`, `improvement.periods`).
    overdue_at_risk = models.BooleanField(
        "overdue counts as at risk",
        default=True,
        help_text="Work past its due date and not complete counts as at risk in the roll-up.",
    )
    # Plain (not positive) integers: our validators, not the form's generic "at least 0",
    # speak for a negative value; the check constraints below hold the range.
    minimum_rated = models.SmallIntegerField(
        "minimum share rated (%)",
        default=50,
        validators=SHARE,
        help_text="Below this share of rated children a status is “Not enough updates”. 0 to 100.",
    )
    staleness_periods = models.SmallIntegerField(
        "evidence is stale after (reporting periods)",
        default=2,
        validators=STALENESS,
        help_text="A status whose latest evidence is older than this many reporting "
        "periods is flagged stale. 1 to 24.",
    )
    # The plan's reporting periods are generated from its start date with this cadence
    # (`improvement.periods`); the staleness window counts periods of this length.
    reporting_cadence = models.CharField(
        "reporting cadence",
        max_length=20,
        choices=Cadence.choices,
        default=Cadence.QUARTERLY,
        help_text="How often owners report: its reporting periods follow the UK financial "
        "year (April to March) from the plan's start date.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"], m2m_fields=[editors])

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["title", "id"]
        constraints = [
            models.CheckConstraint(
                name="plan_end_not_before_start",
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                violation_error_message="The end date cannot be before the start date.",
            ),
            models.CheckConstraint(
                name="plan_thresholds_in_range",
                condition=Q(off_track_threshold__gte=1, off_track_threshold__lte=100)
                & Q(at_risk_threshold__gte=1, at_risk_threshold__lte=100),
                violation_error_message="Thresholds are percentages from 1 to 100.",
            ),
            models.CheckConstraint(
                name="plan_at_risk_threshold_not_above_off_track",
                condition=Q(at_risk_threshold__lte=F("off_track_threshold")),
                violation_error_message=(
                    "The at-risk threshold cannot be higher than the off-track threshold."
                ),
            ),
            models.CheckConstraint(
                name="plan_rollup_rule_valid", condition=Q(rollup_rule__in=RollupRule.values)
            ),
            models.CheckConstraint(name="plan_kind_valid", condition=Q(kind__in=PlanKind.values)),
            models.CheckConstraint(
                name="plan_reporting_cadence_valid",
                condition=Q(reporting_cadence__in=Cadence.values),
                violation_error_message="Choose monthly, quarterly or six-monthly.",
            ),
            models.CheckConstraint(
                name="plan_minimum_rated_in_range",
                condition=Q(minimum_rated__gte=0, minimum_rated__lte=100),
                violation_error_message="The minimum share rated is a percentage from 0 to 100.",
            ),
            models.CheckConstraint(
                name="plan_staleness_periods_in_range",
                condition=Q(staleness_periods__gte=1, staleness_periods__lte=24),
                violation_error_message="Evidence goes stale after 1 to 24 reporting periods.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("plan-detail", kwargs={"slug": self.slug})

    @property
    def objective_term_plural(self) -> str:
        return f"{self.objective_term}s"

    def key_entries(self) -> list["StatusKeyEntry"]:
        """Every label of the plan's key, in key order: by standard status (the order
        keys and legends use), then by the label's own order within it.

        Reads `status_key` through the prefetch cache when the caller prefetched it."""
        rank = {status: i for i, status in enumerate(DISPLAY_ORDER)}
        return sorted(
            self.status_key.all(),
            key=lambda e: (rank.get(e.status, len(rank)), e.position, e.pk or 0),
        )

    def first_entries(self) -> dict[Status, "StatusKeyEntry"]:
        """The first label (in order) of each standard status the plan labels: the one
        shown wherever the plan names a standard status in its own words."""
        first: dict[Status, StatusKeyEntry] = {}
        for entry in self.key_entries():
            first.setdefault(Status(entry.status), entry)
        return first

    def key(self) -> list["KeyEntry"]:
        """The plan's status key: each standard status with the label this plan shows for
        it (its first label in order), what it means, and any other labels the plan
        writes for the same status ("On target" beside "Green")."""
        own: dict[Status, list[StatusKeyEntry]] = {}
        for entry in self.key_entries():
            own.setdefault(Status(entry.status), []).append(entry)
        key = []
        for status in DISPLAY_ORDER:
            entries = own.get(status, [])
            first = entries[0] if entries else None
            key.append(
                KeyEntry(
                    status=status,
                    label=first.label if first else status.label,
                    description=first.description if first else "",
                    also=tuple(AlsoLabel(e.label, e.description) for e in entries[1:]),
                )
            )
        return key

    def labels(self) -> dict[Status, str]:
        """Standard status -> the label this plan shows for it (the first in order)."""
        return {entry.status: entry.label for entry in self.key()}

    def status_words(self) -> dict[str, "StatusKeyEntry | Status"]:
        """Every word that names a status in this plan, matched case- and
        space-insensitively (`status_match_key`): each of its labels, then the
        standard words and codes where no label of the plan already claims them."""
        words: dict[str, StatusKeyEntry | Status] = {}
        for entry in self.key_entries():
            words.setdefault(status_match_key(entry.label), entry)
        for status in Status:
            words.setdefault(status_match_key(status.label), status)
            words.setdefault(status_match_key(status.value), status)
        return words


@dataclass(frozen=True, slots=True)
class AlsoLabel:
    """Another label a plan writes for a standard status, beside the one it shows."""

    label: str
    description: str


@dataclass(frozen=True, slots=True)
class KeyEntry:
    status: Status
    label: str
    description: str
    also: tuple[AlsoLabel, ...] = ()

    @property
    def also_labels(self) -> str:
        """ "On target, Ongoing": the other labels, for a key's "also written" note."""
        return ", ".join(a.label for a in self.also)


class StatusKeyEntry(models.Model):
    """One label of a plan's key ("Objective met", "Green", "Achieved"), the standard
    status it means, what it means there, and its order.

    A plan may have several labels for one standard status ("Green" and "On target"
    both mean on track); the first in order is the one shown for that status wherever
    the plan's own words are used (pages, reports, exports), unless an update recorded
    another (`ProgressUpdate.status_label`). Labels are unique in a plan whatever their
    case and spacing, since that is how a status written in a document is matched."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="status_key")
    status = models.CharField(max_length=20, choices=Status.choices)
    label = models.CharField(max_length=80, validators=text_validators())
    description = models.TextField(
        blank=True, max_length=LONG_TEXT, validators=text_validators(LONG_TEXT)
    )
    phrase = models.CharField(
        "phrase in the report's summary",
        max_length=120,
        blank=True,
        help_text='How the summary counts this label, written for several: "have been '
        'completed", "are progressing". For one the report says "has" or "is". Empty: a '
        "standard phrase.",
        validators=text_validators(),
    )
    position = models.PositiveSmallIntegerField(
        "order",
        default=0,
        help_text="Labels of the same status are listed in this order; the first is the one "
        "shown for the status.",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "status key entry"
        verbose_name_plural = "status key"
        ordering = ["plan", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                Lower("label"),
                "plan",
                name="status_key_label_unique_in_plan",
                violation_error_message="This plan already has that label in its key.",
            ),
            models.CheckConstraint(
                name="status_key_status_valid", condition=Q(status__in=Status.values)
            ),
            models.CheckConstraint(name="status_key_label_not_blank", condition=~Q(label="")),
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()}: {self.label}"

    def clean(self) -> None:
        # Spaces are not part of a label: " on  track " is matched as "on track", so it
        # is stored so, and two labels that differ only in spacing are one label.
        self.label = " ".join(self.label.split())
        super().clean()

    def save(self, *args, **kwargs):
        self.label = " ".join(self.label.split())
        super().save(*args, **kwargs)


class Section(Versioned):
    """A heading that groups objectives ("Leadership and Governance")."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sections")
    title = models.CharField(max_length=300, validators=text_validators())
    position = models.PositiveIntegerField(
        default=0, help_text="Sections are listed in this order."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "title"],
                name="section_title_unique_in_plan",
                violation_error_message="This plan already has a section with that title.",
            )
        ]

    def __str__(self) -> str:
        return self.title


class ReportingPeriod(models.Model):
    """One of a plan's reporting periods ("Quarter 2 2013/14"), in which owners are asked
    for updates. Generated from the plan's start date and cadence (`improvement.periods`);
    an administrator may add or change them by hand."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="periods")
    name = models.CharField(max_length=100, validators=text_validators())
    start = models.DateField()
    end = models.DateField()
    update_deadline = models.DateField(help_text="Owners should have updated by this date.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "-start"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "name"],
                name="period_name_unique_in_plan",
                violation_error_message="This plan already has a period with that name.",
            ),
            models.CheckConstraint(
                name="period_end_not_before_start",
                condition=Q(end__gte=F("start")),
                violation_error_message="The end of a period cannot be before its start.",
            ),
            models.CheckConstraint(
                name="period_deadline_not_before_start",
                condition=Q(update_deadline__gte=F("start")),
                violation_error_message="The update deadline cannot be before the period starts.",
            ),
        ]
        indexes = [models.Index(fields=["plan", "end"], name="period_plan_end")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.start and self.end and self.plan_id:
            overlapping = ReportingPeriod.objects.filter(
                plan_id=self.plan_id, start__lte=self.end, end__gte=self.start
            )
            if self.pk:
                overlapping = overlapping.exclude(pk=self.pk)
            clash = overlapping.first()
            if clash:
                raise ValidationError(
                    f"This period overlaps {clash.name} ({clash.start:%d/%m/%Y} to "
                    f"{clash.end:%d/%m/%Y}); a plan's periods cannot overlap."
                )

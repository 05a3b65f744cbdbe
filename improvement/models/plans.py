"""Plans, their status keys and sections, and the reporting periods updates fall in."""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from improvement.status import DISPLAY_ORDER, RollupRule, Status


class PlanKind(models.TextChoices):
    IMPROVEMENT_NOTICE = "improvement_notice", "Improvement notice"
    ACTION_PLAN = "action_plan", "Action plan"
    WORKFORCE_STRATEGY = "workforce_strategy", "Workforce strategy"
    SERVICE_REVIEW = "service_review", "Service review"
    PERFORMANCE_PLAN = "performance_plan", "Performance plan"


PERCENT = [MinValueValidator(1), MaxValueValidator(100)]


class PlanQuerySet(models.QuerySet):
    def visible_to(self, user) -> "PlanQuerySet":
        """The plans `user` may read (the same rule as `improvement.permissions`)."""
        from improvement.permissions import visible_plans

        return visible_plans(user, self)


class Plan(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=300)
    organisation = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=PlanKind.choices)
    reports_to = models.CharField(
        "reports to", max_length=300, blank=True, help_text="The board or committee it reports to."
    )
    description = models.TextField(blank=True)
    objective_term = models.CharField(
        "objectives are called",
        max_length=40,
        default="objective",
        help_text='What this plan calls its objectives: "objective", "outcome", "requirement", '
        '"theme". Used in headings and explanations.',
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
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("plan-detail", kwargs={"slug": self.slug})

    @property
    def objective_term_plural(self) -> str:
        return f"{self.objective_term}s"

    def key(self) -> list["KeyEntry"]:
        """The plan's status key: each status with this plan's label and description.

        Reads `status_key` through the prefetch cache when the caller prefetched it.
        """
        own = {entry.status: entry for entry in self.status_key.all()}
        return [
            KeyEntry(
                status=status,
                label=own[status].label if status in own else status.label,
                description=own[status].description if status in own else "",
            )
            for status in DISPLAY_ORDER
        ]

    def labels(self) -> dict[Status, str]:
        return {entry.status: entry.label for entry in self.key()}


@dataclass(frozen=True, slots=True)
class KeyEntry:
    status: Status
    label: str
    description: str


class StatusKeyEntry(models.Model):
    """What one plan calls one status ("Objective met", "Green") and what it means there."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="status_key")
    status = models.CharField(max_length=20, choices=Status.choices)
    label = models.CharField(max_length=80)
    description = models.TextField(blank=True)
    phrase = models.CharField(
        "phrase in the report's summary",
        max_length=120,
        blank=True,
        help_text='How the summary counts this label, written for several: "have been '
        'completed", "are progressing". For one the report says "has" or "is". Empty: a '
        "standard phrase.",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "status key entry"
        verbose_name_plural = "status key"
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "status"],
                name="status_key_one_label_per_status",
                violation_error_message="This plan already has a label for that status.",
            ),
            models.CheckConstraint(
                name="status_key_status_valid", condition=Q(status__in=Status.values)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()}: {self.label}"


class Section(models.Model):
    """A heading that groups objectives ("Leadership and Governance")."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sections")
    title = models.CharField(max_length=300)
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
    """A reporting period ("Quarter 2 2013/14") in which owners are asked for updates."""

    name = models.CharField(max_length=100, unique=True)
    start = models.DateField()
    end = models.DateField()
    update_deadline = models.DateField(help_text="Owners should have updated by this date.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start"]
        constraints = [
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

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.start and self.end:
            overlapping = ReportingPeriod.objects.filter(start__lte=self.end, end__gte=self.start)
            if self.pk:
                overlapping = overlapping.exclude(pk=self.pk)
            clash = overlapping.first()
            if clash:
                raise ValidationError(
                    f"This period overlaps {clash.name} ({clash.start:%d/%m/%Y} to "
                    f"{clash.end:%d/%m/%Y}); periods cannot overlap."
                )

    @classmethod
    def current(cls, day) -> "ReportingPeriod | None":
        """The period updates made on `day` belong to: the one containing it."""
        return cls.objects.filter(start__lte=day, end__gte=day).first()

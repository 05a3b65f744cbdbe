"""Measures (success measures, KPIs) with their targets and data points.

A measure belongs to a plan and may be linked to any of its objectives and actions. Its
targets are rows, not fields: interim targets and the final one, each with the day it
came into force; a revision is a new row that `replaces` the old one, so the old target,
the day of the change and its reason stay, and a report as at an earlier day uses the
target that was in force then. Values are Decimals. A measure may be fed by a workforce
indicator (`indicator`), in which case its data points come from the workforce returns.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from improvement.models.versioned import Versioned
from improvement.text_limits import LONG_TEXT, text_validators
from metrics.status import apply_change
from metrics.units import Unit, format_value, tolerance_problem, value_problem
from metrics.wording import FigureNotUnderstood, read_figure

#: Why a measure fed by the workforce returns takes no value typed in by hand.
FED_BY_RETURNS = (
    "This measure is fed by the workforce returns: its values are worked out from them "
    "whenever a return is saved, deleted or imported, and cannot be entered by hand."
)


class Direction(models.TextChoices):
    HIGHER = "higher", "Higher is better"
    LOWER = "lower", "Lower is better"
    RANGE = "range", "Within a range"
    # The plan does not say whether more is better: values are shown against the target,
    # never coloured on a guess (`metrics.status`).
    NONE = "none", "Direction not stated"


class TargetPath(models.TextChoices):
    """What a value is compared with between two targets (`metrics.status`)."""

    STEP = "step", "The target due next (a step)"
    LINE = "line", "A straight line from the baseline through each target"


class Indicator(models.TextChoices):
    """The workforce indicators (`workforce.indicators`) a measure can be fed by."""

    TURNOVER = "turnover", "Turnover rate"
    AGENCY = "agency", "Agency worker rate"
    PERMANENT = "permanent", "Permanent social workers (%)"
    VACANCY = "vacancy", "Vacancy rate"
    VACANCIES_COVERED = "vacancies_covered", "Vacancies covered by agency workers"
    CASELOAD = "caseload", "Average caseload"
    ABSENCE = "absence", "Absence rate"


VALUE = {"max_digits": 16, "decimal_places": 4, "null": True, "blank": True}


class Measure(Versioned):
    plan = models.ForeignKey("improvement.Plan", on_delete=models.CASCADE, related_name="measures")
    reference = models.CharField(
        max_length=50, blank=True, help_text='Optional, e.g. "M3".', validators=text_validators()
    )
    name = models.CharField(max_length=300, validators=text_validators())
    description = models.TextField(
        blank=True,
        help_text="The measure and target as the plan words them.",
        max_length=LONG_TEXT,
        validators=text_validators(LONG_TEXT),
    )
    unit = models.CharField(max_length=20, choices=Unit.choices)
    direction = models.CharField(
        max_length=10,
        choices=Direction.choices,
        default=Direction.NONE,
        help_text="Not stated: its values are shown against the target without a colour.",
    )
    target_path = models.CharField(
        "between targets",
        max_length=10,
        choices=TargetPath.choices,
        default=TargetPath.STEP,
        help_text="What a value is judged against before a target's date: the target due "
        "next, or the point on a straight line from the baseline (or the previous target) "
        "to it.",
    )
    baseline_value = models.DecimalField("baseline", **VALUE)
    baseline_date = models.DateField(null=True, blank=True)
    amber_tolerance = models.DecimalField(
        "amber tolerance",
        max_digits=16,
        decimal_places=4,
        null=True,
        blank=True,
        help_text="How far short of the target (in the measure's unit, e.g. percentage points) "
        "still counts as amber rather than red. Empty: any shortfall is red.",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_measures",
    )
    source = models.CharField(
        max_length=300,
        blank=True,
        help_text="Where the figures come from.",
        validators=text_validators(),
    )
    objectives = models.ManyToManyField(
        "improvement.Objective", blank=True, related_name="measures"
    )
    actions = models.ManyToManyField("improvement.Action", blank=True, related_name="measures")
    indicator = models.CharField(
        max_length=30,
        choices=Indicator.choices,
        blank=True,
        help_text="Fed from the workforce returns instead of entered by hand.",
    )
    indicator_team = models.ForeignKey(
        "workforce.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    indicator_service_area = models.ForeignKey(
        "workforce.ServiceArea", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords(m2m_fields=[objectives, actions])

    class Meta:
        ordering = ["plan", "reference", "name", "id"]
        constraints = [
            models.CheckConstraint(name="measure_unit_valid", condition=Q(unit__in=Unit.values)),
            models.CheckConstraint(
                name="measure_direction_valid", condition=Q(direction__in=Direction.values)
            ),
            models.CheckConstraint(
                name="measure_target_path_valid", condition=Q(target_path__in=TargetPath.values)
            ),
            models.CheckConstraint(
                name="measure_tolerance_not_negative",
                condition=Q(amber_tolerance__isnull=True) | Q(amber_tolerance__gte=0),
                violation_error_message="The amber tolerance cannot be negative.",
            ),
            models.CheckConstraint(
                name="measure_indicator_scope_one_level",
                condition=Q(indicator_team__isnull=True) | Q(indicator_service_area__isnull=True),
                violation_error_message="Feed a measure from a team or a service area, not both.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.baseline_value is not None:
            problem = value_problem(self.baseline_value, self.unit)
            if problem:
                raise ValidationError({"baseline_value": problem})
        if self.amber_tolerance is not None:
            problem = tolerance_problem(self.amber_tolerance, self.unit)
            if problem:
                raise ValidationError({"amber_tolerance": problem})
        if self.indicator and self.pk:
            typed = self.data_points.filter(source=DataPoint.Source.ENTERED).count()
            if typed:
                raise ValidationError(
                    {
                        "indicator": f"This measure has {typed} value(s) entered by hand, and "
                        "a measure fed by the workforce returns takes all its values from "
                        "them. Delete those values and save first, then choose the indicator."
                    }
                )
        if (self.indicator_team_id or self.indicator_service_area_id) and not self.indicator:
            raise ValidationError({"indicator": "Choose the indicator this measure is fed by."})

    def get_absolute_url(self) -> str:
        return reverse("measure-detail", kwargs={"pk": self.pk})

    @property
    def is_text(self) -> bool:
        return self.unit == Unit.TEXT


class Target(models.Model):
    """A target as the plan words it: a number (`value`), a change from the measure's
    baseline (`change_by`, `change`: "10% increase", "halve") or text, each with its words
    kept in `written` (`metrics.wording`); with a due date or none."""

    class Kind(models.TextChoices):
        INTERIM = "interim", "Interim target (milestone)"
        FINAL = "final", "Final target"

    class ChangeBy(models.TextChoices):
        PERCENT = "percent", "A percentage of the baseline (10% increase: +10)"
        FACTOR = "factor", "A multiple of the baseline (halve: 0.5)"
        AMOUNT = "amount", "An amount added to the baseline (+5 percentage points: +5)"

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="targets")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.FINAL)
    due_date = models.DateField(
        null=True,
        blank=True,
        help_text="Empty: the plan gives no date; the latest value is judged against it.",
    )
    value = models.DecimalField(
        **VALUE,
        help_text="The target as a number; for a range, its lower end. Empty for a change "
        "from the baseline or a target in words.",
    )
    written = models.CharField(
        "as written",
        max_length=300,
        blank=True,
        default="",
        db_default="",
        validators=text_validators(),
        help_text="The plan's words where they are not a bare number: “10% increase”, "
        "“halve”, “7:10”, “all staff”. Shown wherever the target is.",
    )
    change_by = models.CharField(
        "change from the baseline",
        max_length=10,
        choices=ChangeBy.choices,
        blank=True,
        default="",
        db_default="",
    )
    change = models.DecimalField(
        "size of the change", **VALUE, help_text="Signed: -10 for a 10% decrease."
    )
    value_high = models.DecimalField("upper end (ranges only)", **VALUE)
    set_on = models.DateField(
        "in force from",
        null=True,
        blank=True,
        default=timezone.localdate,
        help_text="The day this target was agreed. Empty: in force from the start.",
    )
    reason = models.TextField(
        blank=True,
        help_text="Why a revised target replaced the old one.",
        max_length=LONG_TEXT,
        validators=text_validators(LONG_TEXT),
    )
    replaces = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaced_by"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["measure", F("due_date").asc(nulls_last=True), "set_on", "id"]
        constraints = [
            models.CheckConstraint(
                name="target_kind_valid", condition=Q(kind__in=["interim", "final"])
            ),
            models.CheckConstraint(
                name="target_change_complete",
                condition=Q(change_by="", change__isnull=True)
                | (Q(change_by__in=["percent", "factor", "amount"]) & Q(change__isnull=False)),
                violation_error_message="A change from the baseline needs its size.",
            ),
            models.CheckConstraint(
                name="target_has_an_aim",
                condition=Q(value__isnull=False) | ~Q(change_by="") | ~Q(written=""),
                violation_error_message="Give the target: a number, a change from the "
                "baseline, or its words.",
            ),
            models.CheckConstraint(
                name="target_range_in_order",
                condition=Q(value_high__isnull=True) | Q(value_high__gte=F("value")),
                violation_error_message="The upper end of a range cannot be below its lower end.",
            ),
        ]

    def __str__(self) -> str:
        aim = self.written or (self.value if self.value is not None else "")
        due = f"by {self.due_date:%d/%m/%Y}" if self.due_date else "(no date)"
        return f"{self.get_kind_display()} {aim} {due}"

    @property
    def is_text(self) -> bool:
        """Words only: shown, never judged."""
        return self.value is None and not self.change_by

    def resolved_value(self) -> Decimal | None:
        """The number the target comes to: its value, or its change applied to the
        measure's baseline (None for text, or a change with no baseline yet)."""
        if self.change_by:
            measure = _measure_of(self)
            if measure is None or measure.baseline_value is None or self.change is None:
                return None
            return apply_change(measure.baseline_value, self.change_by, self.change)
        return self.value

    def clean(self) -> None:
        super().clean()
        measure = _measure_of(self)
        if measure is None:
            return
        unit = measure.unit
        for field in ("value", "value_high"):
            value = getattr(self, field)
            problem = value_problem(value, unit) if value is not None else None
            if problem:
                raise ValidationError({field: problem})
        if self.change_by:
            if self.value is not None:
                raise ValidationError(
                    {"value": "A change from the baseline has no number of its own."}
                )
            resolved = self.resolved_value()
            problem = value_problem(resolved, unit) if resolved is not None else None
            if problem:
                raise ValidationError(
                    {
                        "change": f"From the baseline of "
                        f"{format_value(measure.baseline_value, unit)}, “{self.written}” "
                        f"comes to {format_value(resolved, unit)}. {problem}"
                    }
                )
        if measure.direction == Direction.RANGE:
            if self.value is None:
                raise ValidationError({"value": "A range's target is two numbers."})
            if self.value_high is None:
                raise ValidationError({"value_high": "A range needs its upper end."})
        if self.replaces_id:
            if self.replaces.measure_id != self.measure_id:
                raise ValidationError(
                    {"replaces": "A target can only replace one of its own measure's."}
                )
            if not self.set_on:
                raise ValidationError({"set_on": "Say from which day the revised target applies."})
            if self.replaces.set_on and self.set_on < self.replaces.set_on:
                raise ValidationError(
                    {"set_on": "A revision cannot come into force before the target it replaces."}
                )
            if not self.reason.strip():
                raise ValidationError({"reason": "Say why the target was revised."})


class DataPoint(models.Model):
    class Source(models.TextChoices):
        ENTERED = "entered", "Entered"
        WORKFORCE = "workforce", "Workforce returns"

    class Dated(models.TextChoices):
        """What the figure's date is: the end of the period it measures, or (where the
        document gives no such date) the date of the report that gave the figure."""

        PERIOD = "period", "Period end: the date the figure is for"
        REPORTED = "reported", "Reported in: the date of the report that gave it"

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="data_points")
    period_end = models.DateField(
        "period end",
        help_text="The date the figure is for, or, for a reported figure, the date of the "
        "report that gave it.",
    )
    dated = models.CharField(
        "date is",
        max_length=10,
        choices=Dated.choices,
        default=Dated.PERIOD,
        # Also in the database, so rows written by code that predates the field (older
        # migrations' data steps) are dated by their period.
        db_default=Dated.PERIOD,
    )
    value = models.DecimalField(**VALUE)
    # roundtrip (issue 15, item 4): a figure the document writes as a ratio ("7:10"),
    # shown as written; its value (0.7) is what it is judged by.
    written = models.CharField(
        "as written",
        max_length=40,
        blank=True,
        # Also in the database, so rows written by older migrations' data steps (with
        # the models as they were) are written as plain numbers.
        default="",
        db_default="",
        validators=text_validators(),
        help_text="A ratio measure's figure as the document writes it (7:10), shown in "
        "its place. Blank: the value is shown in its unit.",
    )
    text = models.TextField(
        blank=True,
        help_text="For qualitative measures.",
        max_length=LONG_TEXT,
        validators=text_validators(LONG_TEXT),
    )
    note = models.TextField(blank=True, max_length=LONG_TEXT, validators=text_validators(LONG_TEXT))
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.ENTERED)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    entered_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["measure", "period_end"]
        indexes = [models.Index(fields=["measure", "period_end"], name="datapoint_measure_period")]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "period_end"],
                name="one_data_point_per_measure_and_period",
                violation_error_message="This measure already has a value for that date.",
            ),
            models.CheckConstraint(
                name="data_point_dated_valid", condition=Q(dated__in=["period", "reported"])
            ),
            models.CheckConstraint(
                name="data_point_has_value_or_text",
                condition=Q(value__isnull=False) | ~Q(text=""),
                violation_error_message="Give a value (or, for a qualitative measure, some text).",
            ),
        ]

    def __str__(self) -> str:
        word = "reported" if self.is_reported else "at"
        return f"{self.measure} {word} {self.period_end:%d/%m/%Y}"

    @property
    def is_reported(self) -> bool:
        return self.dated == DataPoint.Dated.REPORTED

    def clean(self) -> None:
        super().clean()
        measure = _measure_of(self)
        if measure is None:
            return
        if measure.indicator and self.source != DataPoint.Source.WORKFORCE:
            raise ValidationError({"value": FED_BY_RETURNS})
        if measure.is_text:
            if not self.text.strip():
                raise ValidationError({"text": "Describe what was found."})
            if self.value is not None:
                raise ValidationError({"value": "This measure takes text, not a number."})
            return
        if self.value is None:
            raise ValidationError({"value": "Enter a value."})
        problem = value_problem(self.value, measure.unit)
        if problem:
            raise ValidationError({"value": problem})
        if self.written:
            try:
                value, _ = read_figure(self.written, measure.unit)
            except FigureNotUnderstood as exc:
                raise ValidationError({"written": str(exc)}) from None
            if value != self.value:
                raise ValidationError(
                    {
                        "written": f"“{self.written}” is {value.normalize():f}, not the value "
                        f"{self.value.normalize():f}: correct one of them, or empty this."
                    }
                )


def _measure_of(row: Target | DataPoint) -> Measure | None:
    """A target's or data point's measure, saved or not (None when it has none yet)."""
    try:
        return row.measure
    except Measure.DoesNotExist:
        return None

"""Objectives, their actions and the actions' milestones: the work a plan commits to."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from simple_history.models import HistoricalRecords

from improvement.references import natural_key
from improvement.text_limits import ACTION_TITLE, LONG_TEXT, text_validators

from .plans import Plan, Section
from .versioned import Versioned


class Objective(Versioned):
    """An objective, outcome, requirement or theme of a plan."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="objectives")
    section = models.ForeignKey(
        Section, on_delete=models.SET_NULL, null=True, blank=True, related_name="objectives"
    )
    reference = models.CharField(
        max_length=50,
        help_text='As written: "1", "27", "Objective Six". Where the plan gives none, the '
        "tracker numbers it in document order.",
        validators=text_validators(),
    )
    reference_numbered = models.BooleanField(
        "reference numbered by the tracker",
        default=False,
        help_text="The plan gives no reference for it: the tracker numbered it in "
        "document order. Exports keep the number and say so.",
    )
    sort_key = models.CharField(max_length=255, editable=False, db_index=True)
    title = models.CharField(max_length=300, blank=True, validators=text_validators())
    description = models.TextField(
        blank=True, max_length=LONG_TEXT, validators=text_validators(LONG_TEXT)
    )
    source_reference = models.CharField(
        max_length=300,
        blank=True,
        help_text='Where it comes from: "Final report Recommendation 9.1".',
        validators=text_validators(),
    )
    success_measures = models.TextField(
        blank=True, max_length=LONG_TEXT, validators=text_validators(LONG_TEXT)
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_objectives",
    )
    history = HistoricalRecords(excluded_fields=["sort_key"])

    class Meta:
        # Unsectioned objectives first, on SQLite and PostgreSQL alike.
        ordering = [
            "plan",
            models.F("section__position").asc(nulls_first=True),
            "sort_key",
            "id",
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "reference"],
                name="objective_reference_unique_in_plan",
                violation_error_message="This plan already has an objective with that reference.",
            ),
            models.CheckConstraint(
                name="objective_has_title_or_description",
                condition=~Q(title="") | ~Q(description=""),
                violation_error_message="An objective needs a title or a description.",
            ),
            models.CheckConstraint(
                name="objective_reference_not_blank", condition=~Q(reference="")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.display_title}"

    def clean(self) -> None:
        super().clean()
        if self.section_id and self.plan_id and self.section.plan_id != self.plan_id:
            raise ValidationError({"section": "Choose a section of this objective's own plan."})

    def save(self, *args, **kwargs):
        self.sort_key = natural_key(self.reference)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("objective-detail", kwargs={"pk": self.pk})

    @property
    def label(self) -> str:
        """ "Requirement 12", "Objective 1.2": the plan's own word and the reference."""
        term = self.plan.objective_term
        return f"{term[:1].upper()}{term[1:]} {self.reference}"

    @property
    def display_title(self) -> str:
        return self.title or Truncator(self.description).words(18)


class Action(Versioned):
    """An improvement activity / recommended action under an objective."""

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="actions")
    reference = models.CharField(
        max_length=50, help_text='As written: "1.1".', validators=text_validators()
    )
    reference_numbered = models.BooleanField(
        "reference numbered by the tracker",
        default=False,
        help_text="The plan gives no reference for it: the tracker numbered it in "
        "document order. Exports keep the number and say so.",
    )
    sort_key = models.CharField(max_length=255, editable=False, db_index=True)
    title = models.TextField(max_length=ACTION_TITLE, validators=text_validators(ACTION_TITLE))
    source_reference = models.CharField(max_length=300, blank=True, validators=text_validators())
    benefit = models.TextField(
        "benefit to the customer",
        blank=True,
        max_length=LONG_TEXT,
        validators=text_validators(LONG_TEXT),
    )
    steps = models.TextField(
        "steps required", blank=True, max_length=LONG_TEXT, validators=text_validators(LONG_TEXT)
    )
    responsible = models.CharField(
        "responsible (as written)",
        max_length=300,
        blank=True,
        help_text="The responsible person or team as the plan writes it.",
        validators=text_validators(),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_actions",
    )
    delegates = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="delegated_actions",
        help_text="People who may record progress for the owner.",
    )
    timescale = models.CharField(
        "timescale (as written)",
        max_length=300,
        blank=True,
        help_text='"Quarter 2", "Ongoing".',
        validators=text_validators(),
    )
    due_date = models.DateField(null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["sort_key"], m2m_fields=[delegates])

    class Meta:
        ordering = ["objective", "sort_key", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["objective", "reference"],
                name="action_reference_unique_in_objective",
                violation_error_message="This objective already has an action with that reference.",
            ),
            models.CheckConstraint(name="action_reference_not_blank", condition=~Q(reference="")),
            models.CheckConstraint(name="action_title_not_blank", condition=~Q(title="")),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {Truncator(self.title).words(12)}"

    def save(self, *args, **kwargs):
        self.sort_key = natural_key(self.reference)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("action-detail", kwargs={"pk": self.pk})

    @property
    def plan(self) -> Plan:
        return self.objective.plan


class Milestone(Versioned):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=300, validators=text_validators())
    due_date = models.DateField(null=True, blank=True)
    completed_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["action", models.F("due_date").asc(nulls_last=True), "id"]
        constraints = [
            models.CheckConstraint(name="milestone_title_not_blank", condition=~Q(title=""))
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        super().clean()
        if self.completed_on and self.completed_on > timezone.localdate():
            raise ValidationError(
                {"completed_on": "A milestone cannot be completed on a date still to come."}
            )

"""Progress updates: dated, append-only reports on an action or an objective.

An update is never edited away: the current status of anything is its latest update's,
and every earlier status stays available for "as at" reports. `save()` refuses to change
a stored update and `delete()` refuses to remove one; a correction is a new update.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from improvement.status import Status

from .plans import ReportingPeriod
from .work import Action, Objective


def validate_text_list(value) -> None:
    """Achievements and evidence are lists of items, each a non-empty piece of text."""
    if not isinstance(value, list) or not all(isinstance(i, str) and i.strip() for i in value):
        raise ValidationError("Give a list of items, each with some text.")


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete a stored progress update."""


class ProgressUpdate(models.Model):
    action = models.ForeignKey(
        Action, on_delete=models.PROTECT, null=True, blank=True, related_name="updates"
    )
    objective = models.ForeignKey(
        Objective, on_delete=models.PROTECT, null=True, blank=True, related_name="updates"
    )
    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.PROTECT, null=True, blank=True, related_name="updates"
    )
    as_at = models.DateField(
        "as at", help_text="The date this update reports on. Its status applies from this date."
    )
    status = models.CharField(
        max_length=20,
        choices=Status.choices,
        blank=True,
        help_text="Leave blank only where the source report gives no status.",
    )
    narrative = models.TextField("progress", blank=True)
    achievements = models.JSONField(default=list, blank=True, validators=[validate_text_list])
    evidence = models.JSONField(
        "evidence", default=list, blank=True, validators=[validate_text_list]
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="progress_updates",
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["as_at", "recorded_at", "id"]
        indexes = [
            models.Index(fields=["action", "as_at", "recorded_at"], name="update_action_latest"),
            models.Index(
                fields=["objective", "as_at", "recorded_at"], name="update_objective_latest"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                name="update_on_exactly_one_action_or_objective",
                condition=Q(action__isnull=False, objective__isnull=True)
                | Q(action__isnull=True, objective__isnull=False),
                violation_error_message="An update is on exactly one action or one objective.",
            ),
            models.CheckConstraint(
                name="update_status_valid", condition=Q(status__in=[*Status.values, ""])
            ),
        ]

    def __str__(self) -> str:
        subject = self.action or self.objective
        return f"{subject.reference if subject else '?'} as at {self.as_at:%d/%m/%Y}"

    def clean(self) -> None:
        super().clean()
        if (
            self.period_id
            and self.as_at
            and not (self.period.start <= self.as_at <= self.period.end)
        ):
            raise ValidationError(
                {
                    "as_at": f"The date must fall in {self.period.name} "
                    f"({self.period.start:%d/%m/%Y} to {self.period.end:%d/%m/%Y})."
                }
            )

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(
                "Progress updates are append-only: record a new update instead of changing one."
            )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Progress updates are append-only and cannot be deleted.")

    @property
    def subject(self) -> Action | Objective | None:
        return self.action or self.objective


class AreaForDevelopment(models.Model):
    """A key area for development named in an update, with its own timescale."""

    update = models.ForeignKey(
        ProgressUpdate, on_delete=models.CASCADE, related_name="areas_for_development"
    )
    description = models.TextField()
    timescale = models.CharField("timescale (as written)", max_length=200, blank=True)
    due_date = models.DateField(null=True, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["update", "position", "id"]
        verbose_name_plural = "areas for development"
        constraints = [
            models.CheckConstraint(name="area_description_not_blank", condition=~Q(description=""))
        ]

    def __str__(self) -> str:
        return self.description

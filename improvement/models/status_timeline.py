"""The status timeline: each action's and objective's status over time, as rows holding
the dates each state held (`valid_from` up to but not including `valid_to`; an open row
has no `valid_to`).

A row is derived data: `improvement.status_timeline` writes it from the subject's progress
updates and sign-off decisions, in the same transaction as the write that changes them, so
"the state as at D" is one indexed range lookup instead of a replay of the updates. Before
a subject's first row (or with no rows at all) nothing counts yet: not started.
"""

from django.db import models
from django.db.models import F, Q

from improvement.status import Status

from .progress import ProgressUpdate
from .work import Action, Objective


class StatusInterval(models.Model):
    """What counts for one action or objective from `valid_from` until `valid_to`."""

    action = models.ForeignKey(
        Action, on_delete=models.CASCADE, null=True, blank=True, related_name="status_intervals"
    )
    objective = models.ForeignKey(
        Objective,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="status_intervals",
    )
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True, help_text="Open (still holds) when empty.")
    # The status of the latest counted update that gives one; "" when counted updates
    # exist but none gives a status.
    status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    # The updates behind the state. No database constraint: the rows are rebuilt whenever
    # an update goes, and an update's deletion must not wait on them.
    rated_update = models.ForeignKey(
        ProgressUpdate,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=True,
        blank=True,
        related_name="+",
    )
    rated_on = models.DateField(null=True, blank=True)
    latest_update = models.ForeignKey(
        ProgressUpdate,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    latest_on = models.DateField()

    class Meta:
        ordering = ["action", "objective", "valid_from"]
        constraints = [
            models.CheckConstraint(
                name="status_interval_on_exactly_one_action_or_objective",
                condition=Q(action__isnull=False, objective__isnull=True)
                | Q(action__isnull=True, objective__isnull=False),
            ),
            models.CheckConstraint(
                name="status_interval_ends_after_it_starts",
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=F("valid_from")),
            ),
            # Also the indexes for "the row of this subject valid at D".
            models.UniqueConstraint(
                fields=["action", "valid_from"], name="status_interval_action_from"
            ),
            models.UniqueConstraint(
                fields=["objective", "valid_from"], name="status_interval_objective_from"
            ),
        ]

    def __str__(self) -> str:
        until = f" to {self.valid_to:%d/%m/%Y}" if self.valid_to else ""
        return f"{self.status or 'no status'} from {self.valid_from:%d/%m/%Y}{until}"

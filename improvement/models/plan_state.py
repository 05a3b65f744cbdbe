"""A plan's state version: a number moved on by every write that can change what is shown of
the plan (see `improvement.plan_versions`), so that anything worked out from the plan can be
cached under it and a write anywhere shows at once.

It is its own table, not a field of `Plan`, so that saving a plan read before a write can
never put an older number back."""

from django.db import models

from .plans import Plan


class PlanStateVersion(models.Model):
    plan = models.OneToOneField(
        Plan, on_delete=models.CASCADE, primary_key=True, related_name="state_version"
    )
    number = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.plan_id}: {self.number}"

"""Who wants which emails, and which reminders and digests have gone out.

The logs make the email commands idempotent: a reminder or a digest is recorded in the
same transaction as it is sent, and never sent twice for the same period or week.
"""

from django.conf import settings
from django.db import models

from .plans import ReportingPeriod


class NotificationPreference(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    weekly_digest = models.BooleanField(
        "email me a weekly digest",
        default=False,
        help_text="What turned red or amber, what became overdue, what completed, what is due.",
    )

    def __str__(self) -> str:
        return f"Notifications for {self.user}"


class ReminderLog(models.Model):
    class Kind(models.TextChoices):
        BEFORE_DEADLINE = "before_deadline", "Before the deadline"
        AFTER_DEADLINE = "after_deadline", "After the deadline"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "period", "kind"], name="one_reminder_per_user_period_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} reminder to {self.user} for {self.period}"


class DigestLog(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    week_starting = models.DateField(help_text="The Monday of the week the digest covers.")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "week_starting"], name="one_digest_per_week")
        ]

    def __str__(self) -> str:
        return f"Digest to {self.user} for the week of {self.week_starting:%d/%m/%Y}"

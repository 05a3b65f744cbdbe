"""Plan workbooks waiting between their dry run and their confirmation.

The uploaded file is kept here, in the database, so that the confirmation may reach a
different app server from the dry run (nothing on an app server's disk), with what the
dry run said the import would do, so that the confirmation can tell whether the plan has
changed since. Only the person who uploaded it can confirm it, within an hour; it is
deleted once imported or found out of date, and older ones are cleared whenever someone
uploads another.
"""

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone


class PendingImportQuerySet(models.QuerySet):
    def live_for(self, user) -> "PendingImportQuerySet":
        """The uploads `user` may still confirm."""
        return self.filter(
            uploaded_by=user, uploaded_at__gte=timezone.now() - PendingImport.KEPT_FOR
        )

    def expired(self) -> "PendingImportQuerySet":
        return self.filter(uploaded_at__lt=timezone.now() - PendingImport.KEPT_FOR)


class PendingImport(models.Model):
    KEPT_FOR = timedelta(hours=1)

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    file_name = models.CharField(max_length=200)
    plan_slug = models.CharField(max_length=80, blank=True)
    data = models.BinaryField()
    # What the dry run said it would do (workbook.results.steps_record): confirming
    # works it out again and refuses if the plan has changed meanwhile.
    planned = models.BinaryField(default=b"", editable=False)

    objects = PendingImportQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = "plan import"
        verbose_name_plural = "plan imports (upload a plan workbook)"

    def __str__(self) -> str:
        return (
            f"{self.file_name} uploaded by {self.uploaded_by} at {self.uploaded_at:%d/%m/%Y %H:%M}"
        )

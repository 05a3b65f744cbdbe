"""Plan workbooks (and Word documents and trackers) waiting between their dry run and
their confirmation.

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

from improvement.text_limits import text_validators


class PendingImportQuerySet(models.QuerySet):
    def live_for(self, user) -> "PendingImportQuerySet":
        """The uploads `user` may still confirm."""
        return self.filter(
            uploaded_by=user, uploaded_at__gte=timezone.now() - PendingImport.KEPT_FOR
        )

    def expired(self) -> "PendingImportQuerySet":
        return self.filter(uploaded_at__lt=timezone.now() - PendingImport.KEPT_FOR)

    def beyond_the_few_kept_for(self, user) -> "PendingImportQuerySet":
        """`user`'s uploads older than the last few they made: an upload is kept even
        when its check found problems (to add its labels to the key), so each person's
        are bounded in number as well as in age."""
        kept = self.filter(uploaded_by=user).order_by("-uploaded_at", "-pk")
        return self.filter(uploaded_by=user).exclude(
            pk__in=list(kept.values_list("pk", flat=True)[: PendingImport.KEPT_PER_PERSON])
        )


class PendingImport(models.Model):
    KEPT_FOR = timedelta(hours=1)
    KEPT_PER_PERSON = 10

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    file_name = models.CharField(max_length=200, validators=text_validators())
    plan_slug = models.CharField(max_length=80, blank=True, validators=text_validators())
    data = models.BinaryField()
    # What the dry run said it would do (workbook.results.steps_record): confirming
    # works it out again and refuses if the plan has changed meanwhile.
    planned = models.BinaryField(default=b"", editable=False)
    # A Word document or tracker's choices (workbook.mapping.Choices.as_options): its
    # plan, the date of its progress, its columns' fields; empty for a plan workbook.
    options = models.JSONField(default=dict, blank=True, editable=False)

    objects = PendingImportQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = "plan import"
        verbose_name_plural = "plan imports (upload a plan workbook)"

    def __str__(self) -> str:
        return (
            f"{self.file_name} uploaded by {self.uploaded_by} at {self.uploaded_at:%d/%m/%Y %H:%M}"
        )


class SavedColumnMapping(models.Model):
    """How a council's own table maps to a plan's fields, saved when a document is
    imported, so that the next document of the same shape (the same heading row) for the
    same plan, or another plan of the same organisation, is mapped the same way."""

    organisation = models.CharField(max_length=200, validators=text_validators())
    plan = models.ForeignKey(
        "improvement.Plan", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # A hash of the normalised heading row (workbook.mapping.shape_key): long heading rows
    # would not fit an index, a hash does.
    shape = models.CharField(max_length=40, validators=text_validators())
    headings = models.JSONField(default=list)  # the heading row as written, to show
    fields = models.JSONField(default=list)  # each column's field ("" not imported)
    # a label, normalised -> standard status (none: the table gives no status)
    statuses = models.JSONField(default=dict, blank=True)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-saved_at"]
        indexes = [models.Index(fields=["shape", "organisation"])]
        constraints = [
            models.UniqueConstraint(fields=["plan", "shape"], name="one_mapping_per_plan_and_shape")
        ]
        verbose_name = "saved column mapping"

    def __str__(self) -> str:
        return f"{self.organisation}: {' | '.join(self.headings)[:80]}"

"""Reports as issued: the exact file a clerk sent to committee, kept byte for byte.

A saved report is append-only, like a progress update: `save()` refuses to change a
stored one and `delete()` refuses to remove one, so what committee got is what is kept.
The one exception is an administrator deleting one in the admin
(`delete(administrator_delete=True)`). The file lives in the database beside its
record (like evidence files): nothing on an app server's disk, and it is read back only
through a page that checks the reader may read the plan.
"""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from improvement.text_limits import text_validators

from .plans import Plan
from .progress import AppendOnlyError


class SavedReport(models.Model):
    class Kind(models.TextChoices):
        PROGRESS = "progress", "Progress report"
        EXCEPTIONS = "exceptions", "Exceptions report"

    class Format(models.TextChoices):
        HTML = "html", "Web page (HTML)"
        DOCX = "docx", "Word (.docx)"
        PDF = "pdf", "PDF"
        XLSX = "xlsx", "Excel (.xlsx)"
        CSV = "csv", "CSV"

    # PROTECT: a plan whose reports went to committee cannot be deleted from under them.
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="saved_reports")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    format = models.CharField(max_length=10, choices=Format.choices)
    as_at = models.DateField("as at")
    since = models.DateField(
        "changes since", null=True, blank=True, help_text="Exceptions reports only."
    )
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="saved_reports"
    )
    saved_at = models.DateTimeField(default=timezone.now, editable=False)
    file_name = models.CharField(max_length=255, validators=text_validators())
    content_type = models.CharField(max_length=120, validators=text_validators())
    size = models.PositiveIntegerField()
    sha256 = models.CharField("SHA-256", max_length=64, validators=text_validators())
    data = models.BinaryField()

    class Meta:
        ordering = ["-saved_at", "-id"]
        verbose_name = "saved report"
        constraints = [
            models.CheckConstraint(
                name="saved_report_kind_valid", condition=Q(kind__in=["progress", "exceptions"])
            ),
            models.CheckConstraint(
                name="saved_report_format_valid",
                condition=Q(format__in=["html", "docx", "pdf", "xlsx", "csv"]),
            ),
            models.CheckConstraint(name="saved_report_not_empty", condition=Q(size__gt=0)),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} as at {self.as_at:%d/%m/%Y} ({self.file_name})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("A saved report is kept as issued: it cannot be changed.")
        data = bytes(self.data)
        self.size = len(data)
        self.sha256 = hashlib.sha256(data).hexdigest()
        super().save(*args, **kwargs)

    def delete(self, *args, administrator_delete: bool = False, **kwargs):
        if not administrator_delete:
            raise AppendOnlyError("A saved report is kept as issued: it cannot be deleted.")
        return super().delete(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("saved-report-download", kwargs={"pk": self.pk})

"""Reports as issued: the exact file a clerk sent to committee, kept byte for byte.

A saved report is append-only, like a progress update: `save()` refuses to change a
stored one and `delete()` refuses to remove one, so what committee got is what is kept.
The one exception is an administrator deleting one in the admin
(`delete(administrator_delete=True)`). The file lives in the database beside its
record (like evidence files): nothing on an app server's disk, and it is read back only
through a page that checks the reader may read the plan.

A committee paper's cover block (committee, meeting date, agenda item, report of, author
and contact, document reference, purpose, recommendations) is entered on the report
page: `ReportCover` remembers a plan's last-used values to prefill the next report, and
each saved report keeps its own copy (`CoverFields`), so the archive shows what went.
"""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from .plans import Plan
from .progress import AppendOnlyError

# Long enough for a committee paper's purpose and recommendations, short enough that a
# pasted document is refused with a message rather than stored.
COVER_TEXT_LIMIT = 4000


class CoverFields(models.Model):
    """The cover block of a committee paper (all optional: a plan may report informally)."""

    committee = models.CharField(
        "committee or board",
        max_length=300,
        blank=True,
        help_text="Who the report goes to. Empty: the board or committee the plan reports to.",
    )
    meeting_date = models.DateField("meeting date", null=True, blank=True)
    agenda_item = models.CharField("agenda item", max_length=50, blank=True)
    report_of = models.CharField(
        "report of",
        max_length=300,
        blank=True,
        help_text="Who presents it, e.g. Director of Children's Services.",
    )
    author = models.CharField(max_length=200, blank=True)
    contact = models.CharField(
        "author's contact", max_length=300, blank=True, help_text="Telephone or email."
    )
    document_reference = models.CharField("document reference", max_length=100, blank=True)
    purpose = models.TextField(max_length=COVER_TEXT_LIMIT, blank=True)
    recommendations = models.TextField(
        max_length=COVER_TEXT_LIMIT, blank=True, help_text="One recommendation a line."
    )

    class Meta:
        abstract = True

    COVER_FIELDS = (
        "committee",
        "meeting_date",
        "agenda_item",
        "report_of",
        "author",
        "contact",
        "document_reference",
        "purpose",
        "recommendations",
    )

    def cover_values(self) -> dict:
        return {name: getattr(self, name) for name in self.COVER_FIELDS}


class ReportCover(CoverFields):
    """A plan's last-used cover values, prefilled on its report page."""

    plan = models.OneToOneField(Plan, on_delete=models.CASCADE, related_name="report_cover")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "report cover"

    def __str__(self) -> str:
        return f"Report cover for {self.plan}"


class SavedReport(CoverFields):
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
    file_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField()
    sha256 = models.CharField("SHA-256", max_length=64)
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

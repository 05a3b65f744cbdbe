"""A board pack: several plans' progress reports as one document for a committee, made
by a background job (`improvement.board_pack`), with its progress and, once made, its
file (kept in the database, like a saved report, and downloaded only through a page that
checks who may see it)."""

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from .plans import Plan


class BoardPack(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Being made"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"

    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        DOCX = "docx", "Word (.docx)"

    title = models.CharField(
        "committee or board", max_length=200, validators=[MaxLengthValidator(200)]
    )
    as_at = models.DateField("as at")
    format = models.CharField(max_length=10, choices=Format.choices, default=Format.PDF)
    plans = models.ManyToManyField(Plan, related_name="board_packs")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="board_packs"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    # Steps done of steps to do: one per plan, then laying out the document.
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=1)
    message = models.CharField(max_length=300, blank=True)
    file_name = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=120, blank=True)
    size = models.PositiveIntegerField(default=0)
    data = models.BinaryField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="board_pack_status_valid",
                condition=Q(status__in=["queued", "running", "done", "failed"]),
            ),
            models.CheckConstraint(
                name="board_pack_format_valid", condition=Q(format__in=["pdf", "docx"])
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} as at {self.as_at:%d/%m/%Y} ({self.get_format_display()})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def progress_words(self) -> str:
        if self.status == self.Status.QUEUED:
            return "Waiting for a worker to start it."
        if self.status == self.Status.RUNNING:
            plans = self.progress_total - 1
            if self.progress_done < plans:
                return f"{self.progress_done} of {plans} plans gathered."
            return f"All {plans} plans gathered; laying out the pages."
        if self.status == self.Status.DONE:
            return "Ready to download."
        return self.message or "It could not be made."

    def get_absolute_url(self) -> str:
        return reverse("board-pack", kwargs={"pk": self.pk})

"""A council's house style for Word reports: its own .docx template (letterhead, fonts,
page set-up), one per organisation, checked before it is stored (`improvement.house_style`).

Per organisation, not per plan: the letterhead belongs to the council, and every plan
names its organisation (`Plan.organisation`), so a council's plans all use it and a new
plan gets it with nothing to set. The file lives in the database beside its record (as
evidence files and saved reports do): nothing on an app server's disk.
"""

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone


class HouseStyle(models.Model):
    organisation = models.CharField(
        max_length=200,
        unique=True,
        help_text="The organisation as its plans name it; its plans' Word reports use this.",
    )
    file_name = models.CharField(max_length=255)
    size = models.PositiveIntegerField()
    sha256 = models.CharField("SHA-256", max_length=64)
    data = models.BinaryField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="house_styles"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["organisation"]
        verbose_name = "house style"

    def __str__(self) -> str:
        return f"{self.organisation}: {self.file_name}"

    def save(self, *args, **kwargs):
        data = bytes(self.data)
        self.size = len(data)
        self.sha256 = hashlib.sha256(data).hexdigest()
        super().save(*args, **kwargs)

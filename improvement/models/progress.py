"""Progress updates: dated, append-only reports on an action or an objective.

An update is never edited away: the current status of anything is its latest update's,
and every earlier status stays available for "as at" reports. `save()` refuses to change
a stored update and `delete()` refuses to remove one; a correction is a new update. The
one exception is an administrator's correction (`save(administrator_edit=True)`), which
django-simple-history records with who made it and when.

Where a plan requires sign-off, an update waits (`needs_sign_off`) until a plan editor's
`SignOff` approves it; only then does it count, from the day of the approval. A returned
update never counts. Evidence files are stored in the database, beside their update:
outside any web root, in the same transaction (a refused update leaves no file behind),
and with nothing on an app server's disk. Their bytes are never read with the rest of
the row (the manager defers them, so listing or prefetching files reads names and sizes
only) and are streamed a slice at a time when someone downloads one (`chunks()`).
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.dateformat import format as date_format
from simple_history.models import HistoricalRecords

from improvement.status import Status
from improvement.text_limits import LONG_TEXT, text_list_problems, text_validators

from .plans import ReportingPeriod
from .work import Action, Objective


def validate_text_list(value) -> None:
    """Achievements and evidence are lists of items, each a non-empty piece of text with no
    NUL, within the caps of `improvement.text_limits`."""
    problems = text_list_problems(value)
    if problems:
        raise ValidationError(problems)


def update_date_problem(*, as_at, plan, today) -> str | None:
    """Why an update cannot be dated `as_at` in `plan` (None when it can). Nobody reports
    on a day that has not happened yet, nor on a day before the plan began."""
    if as_at > today:
        return (
            f"An update cannot be dated in the future: use today ({date_format(today, 'j F Y')})"
            " or an earlier date."
        )
    if plan is not None and plan.start_date and as_at < plan.start_date:
        return (
            f"An update cannot be dated before the plan starts "
            f"({date_format(plan.start_date, 'j F Y')})."
        )
    return None


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
    # The plan's own label the update was given in ("Achieved" where the plan also says
    # "Complete"), so that it is shown as written; blank: the plan's first label for
    # its status. The standard `status` is what every roll-up and count uses.
    status_label = models.CharField(
        "status as written",
        max_length=80,
        blank=True,
        help_text="The plan's label the status was given in. Blank: the plan's first "
        "label for the status.",
        validators=text_validators(),
    )
    narrative = models.TextField(
        "progress", blank=True, max_length=LONG_TEXT, validators=text_validators(LONG_TEXT)
    )
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
    needs_sign_off = models.BooleanField(default=False, editable=False)
    # An administrator's entry dated before the day it was recorded: it changes what a
    # report as at that earlier date says, so reports mark it as a correction.
    correction = models.BooleanField(
        default=False,
        editable=False,
        help_text="Recorded by an administrator after the date it reports on.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["as_at", "recorded_at", "id"]
        indexes = [
            models.Index(fields=["action", "as_at", "recorded_at"], name="update_action_latest"),
            models.Index(
                fields=["objective", "as_at", "recorded_at"], name="update_objective_latest"
            ),
            # The few updates that need sign-off: "awaiting sign-off" reads only these.
            models.Index(
                fields=["action"], name="update_action_sign_off", condition=Q(needs_sign_off=True)
            ),
            models.Index(
                fields=["objective"],
                name="update_objective_sign_off",
                condition=Q(needs_sign_off=True),
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
            models.CheckConstraint(
                name="update_status_label_needs_status",
                condition=Q(status_label="") | ~Q(status=""),
                violation_error_message="A status label needs a status.",
            ),
        ]

    def __str__(self) -> str:
        subject = self.action or self.objective
        return f"{subject.reference if subject else '?'} as at {self.as_at:%d/%m/%Y}"

    def clean(self) -> None:
        super().clean()
        subject = self.action if self.action_id else (self.objective if self.objective_id else None)
        if self.as_at and subject is not None:
            problem = update_date_problem(
                as_at=self.as_at, plan=subject.plan, today=timezone.localdate()
            )
            if problem:
                raise ValidationError({"as_at": problem})
        if self.period_id and subject is not None and self.period.plan_id != subject.plan.pk:
            raise ValidationError(
                {"period": f"{self.period.name} is another plan's reporting period."}
            )
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

    def save(self, *args, administrator_edit: bool = False, **kwargs):
        if not self._state.adding and not administrator_edit:
            raise AppendOnlyError(
                "Progress updates are append-only: record a new update instead of changing one."
            )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Progress updates are append-only and cannot be deleted.")

    def status_word(self, labels: dict | None = None) -> str:
        """The update's status in the plan's words: the label it was given in, else the
        plan's first label for its status (`labels`, from `Plan.labels()`)."""
        from improvement.status import status_word

        if self.status and self.status_label:
            return self.status_label
        return status_word(self.status, labels)

    @property
    def subject(self) -> Action | Objective | None:
        return self.action or self.objective

    @property
    def plan(self):
        return self.action.objective.plan if self.action_id else self.objective.plan

    @property
    def sign_off_state(self) -> str:
        """ "" when no sign-off is needed, else "awaiting", "approved" or "returned"."""
        if not self.needs_sign_off:
            return ""
        decision = getattr(self, "sign_off", None)
        return decision.decision if decision else "awaiting"


class AreaForDevelopment(models.Model):
    """A key area for development named in an update, with its own timescale."""

    update = models.ForeignKey(
        ProgressUpdate, on_delete=models.CASCADE, related_name="areas_for_development"
    )
    description = models.TextField(max_length=LONG_TEXT, validators=text_validators(LONG_TEXT))
    timescale = models.CharField(
        "timescale (as written)", max_length=200, blank=True, validators=text_validators()
    )
    due_date = models.DateField(null=True, blank=True)
    position = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["update", "position", "id"]
        verbose_name_plural = "areas for development"
        constraints = [
            models.CheckConstraint(name="area_description_not_blank", condition=~Q(description=""))
        ]

    def __str__(self) -> str:
        return self.description


class SignOff(models.Model):
    """A plan editor's decision on an update that needed sign-off. Final once made."""

    class Decision(models.TextChoices):
        APPROVED = "approved", "Approved"
        RETURNED = "returned", "Returned"

    update = models.OneToOneField(ProgressUpdate, on_delete=models.PROTECT, related_name="sign_off")
    decision = models.CharField(max_length=10, choices=Decision.choices)
    comment = models.TextField(
        blank=True, max_length=LONG_TEXT, validators=text_validators(LONG_TEXT)
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="sign_offs"
    )
    decided_at = models.DateTimeField(default=timezone.now)
    # An approved update counts from this day, so a report as at an earlier day is
    # the same whenever it is drawn.
    decided_on = models.DateField()
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="sign_off_decision_valid", condition=Q(decision__in=["approved", "returned"])
            ),
            models.CheckConstraint(
                name="sign_off_returned_has_comment",
                condition=~Q(decision="returned") | ~Q(comment=""),
                violation_error_message="Say why the update is returned.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} by {self.decided_by} on {self.decided_on:%d/%m/%Y}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("A sign-off decision is final: it cannot be changed.")
        if self.decided_on is None:
            self.decided_on = timezone.localdate(self.decided_at)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("A sign-off decision is final: it cannot be deleted.")


# How much of an evidence file a download reads from the database at once: a worker
# holds at most this much of a file, whatever its size.
EVIDENCE_CHUNK_BYTES = 256 * 1024


class EvidenceFileManager(models.Manager):
    """Files without their bytes: every list, prefetch (`update.files`) and lookup reads
    the name, type and size only; the bytes come from `EvidenceFile.chunks()`."""

    def get_queryset(self):
        return super().get_queryset().defer("data")


class EvidenceFile(models.Model):
    """A file uploaded as evidence with an update; served only to people who may read it."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    update = models.ForeignKey(ProgressUpdate, on_delete=models.PROTECT, related_name="files")
    name = models.CharField(
        max_length=200, help_text="The uploaded name, made safe.", validators=text_validators()
    )
    content_type = models.CharField(max_length=100, validators=text_validators())
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64, validators=text_validators())
    data = models.BinaryField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    objects = EvidenceFileManager()

    class Meta:
        ordering = ["update", "name", "id"]
        constraints = [
            models.CheckConstraint(name="evidence_file_not_empty", condition=Q(size__gt=0))
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Evidence files are kept as uploaded.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Evidence files are kept as uploaded.")

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("evidence-file", kwargs={"public_id": self.public_id})

    def chunks(self, size: int | None = None):
        """The file's bytes, one slice (at most `size` bytes) per query: SUBSTR on SQLite,
        SUBSTRING on PostgreSQL, so neither the worker nor the query holds the whole file."""
        size = size or EVIDENCE_CHUNK_BYTES
        start = 1  # SQL strings count from 1
        while True:
            piece = (
                EvidenceFile.objects.filter(pk=self.pk)
                .annotate(piece=Substr("data", start, size, output_field=models.BinaryField()))
                .values_list("piece", flat=True)
                .first()
            )
            piece = bytes(piece or b"")
            if piece:
                yield piece
            if len(piece) < size:
                return
            start += size

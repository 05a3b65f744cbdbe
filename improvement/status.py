"""The one status vocabulary every plan shares, so roll-ups compare across plans.

Each plan shows these five statuses with its own labels (its "key"); the code, the
database and the roll-up only ever see the values below. "Overdue" is not a status:
it is derived from the due date (see `improvement.rollup.is_overdue`).
"""

from django.db import models


class Status(models.TextChoices):
    COMPLETE = "complete", "Complete"
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    OFF_TRACK = "off_track", "Off track"
    NOT_STARTED = "not_started", "Not started"


# The colour each status is drawn in. Blue means complete and nothing else.
COLOURS = {
    Status.COMPLETE: "blue",
    Status.ON_TRACK: "green",
    Status.AT_RISK: "amber",
    Status.OFF_TRACK: "red",
    Status.NOT_STARTED: "grey",
}

# How bad each status is, for "worst wins", for "moved better / worse" and for spotting
# an assessment kinder than its actions. Not started sits between on track and at risk:
# work that has not begun is worse than work under way, better than work in trouble.
SEVERITY = {
    Status.COMPLETE: 0,
    Status.ON_TRACK: 1,
    Status.NOT_STARTED: 2,
    Status.AT_RISK: 3,
    Status.OFF_TRACK: 4,
}

# Order in which statuses are listed in keys, counts and legends.
DISPLAY_ORDER = [
    Status.COMPLETE,
    Status.ON_TRACK,
    Status.AT_RISK,
    Status.OFF_TRACK,
    Status.NOT_STARTED,
]


class RollupRule(models.TextChoices):
    WORST_WINS = "worst_wins", "Worst wins"
    PROPORTION = "proportion", "By proportion"


NO_STATUS = "No status"


def as_status(value: str | Status | None) -> Status | None:
    """The Status for a stored value; None for "" or None (no status given)."""
    return Status(value) if value else None


def status_word(status: str | Status | None, labels: dict | None = None) -> str:
    """A status in words: the plan's own label where `labels` (from `Plan.labels()`) has
    one, else the standard word; "No status" when there is none."""
    status = as_status(status)
    if status is None:
        return NO_STATUS
    return labels.get(status, status.label) if labels else status.label

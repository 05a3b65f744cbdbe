"""The one status vocabulary every plan shares, so roll-ups compare across plans.

Each plan shows these five statuses with its own labels (its "key"), several of which may
mean the same status ("Green" and "On target"); the code, the database and the roll-up
only ever see the values below. Where a plan names a standard status in its own words it
uses its first label for it, unless an update recorded the label it was given in.
"Overdue" is not a status: it is derived from the due date (see
`improvement.rollup.is_overdue`).

"Not enough updates" is a status only a roll-up reaches (too few of the children are
rated to say anything): a `Verdict`, deliberately not a `Status`, so no update, form,
import or database row can ever record it (their choices and check constraints are
`Status.values`). It has its own word and pattern, never a colour.
"""

import enum

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


class Verdict(enum.StrEnum):
    """What a roll-up can say that no update may: see the module's docstring."""

    NOT_ENOUGH_UPDATES = "not_enough_updates"

    @property
    def label(self) -> str:
        return "Not enough updates"


NOT_ENOUGH_UPDATES = Verdict.NOT_ENOUGH_UPDATES
# Every value a rolled-up status (a plan's or an objective's) may take, for filters and
# the API: the five statuses, then "Not enough updates".
ROLLED_UP_CHOICES = [*Status.choices, (NOT_ENOUGH_UPDATES.value, NOT_ENOUGH_UPDATES.label)]

NO_STATUS = "No status"


def as_status(value: "str | Status | Verdict | None") -> "Status | Verdict | None":
    """The Status (or, for a roll-up, the Verdict) for a value; None for "" or None."""
    if not value:
        return None
    if value == NOT_ENOUGH_UPDATES.value:
        return NOT_ENOUGH_UPDATES
    return Status(value)


def is_rated(status) -> bool:
    """A status with a colour: one of the five, not "no status" nor "not enough updates"."""
    return isinstance(status, Status) or (bool(status) and status in Status.values)


def status_word(status: "str | Status | Verdict | None", labels: dict | None = None) -> str:
    """A status in words: the plan's own label where `labels` (from `Plan.labels()`) has
    one, else the standard word; "No status" when there is none."""
    status = as_status(status)
    if status is None:
        return NO_STATUS
    return labels.get(status, status.label) if labels else status.label


def status_match_key(text: str) -> str:
    """How a status written in a document or workbook is compared with a plan's labels
    and the standard words: case, surrounding and repeated spaces (and the underscore of
    a stored code) ignored, so " on  track " is "On track" and "ACHIEVED" is "Achieved"."""
    return " ".join(str(text).replace("_", " ").split()).casefold()


def status_style(status) -> str:
    """How a status is drawn: its colour; "none" for no status; "not-enough" for not
    enough updates (a pattern, never a colour)."""
    status = as_status(status)
    if status is None:
        return "none"
    if status == NOT_ENOUGH_UPDATES:
        return "not-enough"
    return COLOURS[status]


def status_words_compared(status, labels: dict | None = None) -> str:
    """Where plans are compared: the plan's own word with the standard one in brackets
    when they differ ("Amber (At risk)"), so plans with different keys line up."""
    own = status_word(status, labels)
    standard = status_word(status)
    return own if own == standard else f"{own} ({standard})"

"""How much text each field takes, and what no text may contain: the caps are enforced by
the models' own validators, so the admin, the pages' forms, the plan workbook import
(which runs `full_clean`) and anything else that saves refuse the same things, each with
a message next to the field.

what                        cap (characters)      fields
--------------------------  --------------------  ------------------------------------------
names, titles, references,  the field's own       every CharField: plan and measure names,
labels                      max_length (10-300)   objective and milestone titles, references,
                                                  responsible, timescale ...
an action's title           1,000                 Action.title
long text                   10,000                descriptions, success measures, benefit,
                                                  steps, progress narrative, areas for
                                                  development, sign-off comments, a target's
                                                  reason, a data point's text and note,
                                                  status key descriptions (every TextField)
one achievement or          2,000                 each item of ProgressUpdate.achievements
evidence item                                     and .evidence
a whole achievements or     100 items, 10,000     ProgressUpdate.achievements, .evidence
evidence list               characters of text

Why these: no exported cell may exceed Excel's 32,767 characters (longer text is cut
without a word, and the workbook would no longer import). The longest cell we write is
a long text (10,000, plus a quote mark where a cell is made formula-safe) or a list
joined one item a line with bullets (10,000 + 3 per item: under 10,300). The seed plans'
longest texts are a few thousand characters (success measures 2,933; achievements of one
update 2,912 joined; an action title 369).

No text anywhere may contain a NUL character (U+0000): PostgreSQL cannot store one, and
it is never meant (it comes from pasting out of other programs).
"""

from django.core.validators import MaxLengthValidator, ProhibitNullCharactersValidator

ACTION_TITLE = 1_000
LONG_TEXT = 10_000
LIST_ITEM = 2_000
LIST_ITEMS = 100
LIST_TEXT = 10_000
# The most an exported cell may hold (Excel's own limit).
EXCEL_CELL = 32_767

NUL_MESSAGE = (
    "This text contains a NUL character (often left by copying from another program): "
    "remove it and try again."
)
LENGTH_MESSAGE = "Keep this to %(limit_value)d characters or fewer (it has %(show_value)d)."

no_nul = ProhibitNullCharactersValidator(message=NUL_MESSAGE)


def text_validators(limit: int | None = None) -> list:
    """A text field's validators: no NUL, and at most `limit` characters (a CharField
    checks its own `max_length`, so give `limit` for TextFields only)."""
    if limit is None:
        return [no_nul]
    return [MaxLengthValidator(limit, message=LENGTH_MESSAGE), no_nul]


def text_list_problems(items) -> list[str]:
    """What is wrong with a list of texts (achievements, evidence): the list itself, its
    length, and each item (numbered as people count)."""
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        return ["Give a list of items, each with some text."]
    problems = []
    if len(items) > LIST_ITEMS:
        problems.append(f"Give at most {LIST_ITEMS} items (there are {len(items)}).")
    total = sum(len(item) for item in items)
    # An item too long is told item by item; the total only when each item is within its cap.
    if total > LIST_TEXT and all(len(item) <= LIST_ITEM for item in items):
        problems.append(
            f"Keep these to {LIST_TEXT:,} characters in all, or fewer (they have {total:,})."
        )
    for number, item in enumerate(items, start=1):
        if not item.strip():
            problems.append(f"Item {number} has no text.")
        if "\x00" in item:
            problems.append(f"Item {number}: {NUL_MESSAGE}")
        if len(item) > LIST_ITEM:
            problems.append(
                f"Item {number}: keep each item to {LIST_ITEM:,} characters or fewer "
                f"(it has {len(item):,})."
            )
    return problems

"""Adding to a plan's key, from the dry run, the status labels a file uses that the key
lacks ("Delivered" where the key has Complete, Green, Amber and Red): for each such label
the check page says where it is used and asks which standard status it means; the person's
choices are kept with the upload (`PendingImport.options["add_labels"]`) and the check is
run again with them (`plan_import(add_labels=...)`, `document_import(add_labels=...)`), so
the file need not be uploaded again. The labels are saved in the key, after the plan's own
labels for their status, only with the import, in its transaction and its history.

Both the workbook import and the document import use this module; the planner decides
who may import into a plan, and so who may add to its key.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django import forms

from improvement.models import PendingImport, Plan
from improvement.permissions import can_edit_plan
from improvement.status import Status
from improvement.workbook.results import ImportResult, Problem

SHOWN_PLACES = 10  # places named for one label; the rest are counted
OPTION = "add_labels"


@dataclass
class LabelOffer:
    """A label the file uses that the plan's key lacks, and where it is used."""

    label: str
    places: list[str] = field(default_factory=list)  # "Updates row 3"

    @property
    def count(self) -> int:
        return len(self.places)

    @property
    def where(self) -> str:
        """Where it is used, in words: "Updates rows 2 and 3" style, the first few."""
        shown = self.places[:SHOWN_PLACES]
        text = "; ".join(shown)
        more = self.count - len(shown)
        return f"{text} and {more} more" if more else text


def _place(problem: Problem) -> str:
    where = problem.sheet or "The file"
    if problem.row:
        where += f" row {problem.row}"
    return where


def offers(result: ImportResult | None) -> list[LabelOffer]:
    """The labels to offer, in the order the file first uses them, each with its places
    (one a row, whatever the label's case there)."""
    if result is None:
        return []
    found: dict[str, LabelOffer] = {}
    for problem in result.problems:
        if not problem.label_to_add:
            continue
        offer = found.setdefault(problem.label_to_add.casefold(), LabelOffer(problem.label_to_add))
        place = _place(problem)
        if place not in offer.places:
            offer.places.append(place)
    return list(found.values())


def plan_labels(plan_slug: str, user) -> list[tuple[str, str]]:
    """The plan's own labels with the standard status each means, in key order, to show
    beside the offer; none for a new plan, or one the person may not import into."""
    plan = Plan.objects.filter(slug=plan_slug).prefetch_related("status_key").first()
    if plan is None or not can_edit_plan(user, plan):
        return []
    return [(e.label, Status(e.status).label) for e in plan.key_entries() if e.label]


def chosen(pending: PendingImport) -> dict[str, str]:
    """The labels the person chose to add so far (label -> standard status)."""
    kept = (pending.options or {}).get(OPTION) or {}
    return {
        str(label): str(status)
        for label, status in kept.items()
        if str(label).strip() and status in Status.values
    }


def keep_chosen(pending: PendingImport, labels: dict[str, str]) -> None:
    """Add `labels` to the choices kept with the upload."""
    options = dict(pending.options or {})
    options[OPTION] = {**chosen(pending), **labels}
    pending.options = options
    pending.save(update_fields=["options"])


STANDARD_WORDS = ", ".join(Status.labels[:-1]) + f" or {Status.labels[-1]}"


class AddLabelsForm(forms.Form):
    """One radio group a label: which standard status it means. A label left unanswered
    is not added (the person may correct the file instead); at least one is needed.
    Each label is posted back beside its choice and must be the one offered there."""

    def __init__(self, *args, offers: list[LabelOffer], **kwargs):
        super().__init__(*args, **kwargs)
        self.offers = offers
        for number, offer in enumerate(offers, start=1):
            self.fields[f"label-{number}"] = forms.CharField(
                widget=forms.HiddenInput, required=False, initial=offer.label, strip=False
            )
            times = "once" if offer.count == 1 else f"{offer.count} times"
            self.fields[f"status-{number}"] = forms.ChoiceField(
                label=f"What “{offer.label}” means",
                help_text=f"Used {times}: {offer.where}.",
                choices=Status.choices,
                required=False,
                widget=forms.RadioSelect,
                error_messages={
                    "invalid_choice": f"Choose the standard status “{offer.label}” means: "
                    f"{STANDARD_WORDS}."
                },
            )

    def rows(self):
        """(the hidden label, its radios) for each label, for the template."""
        return [(self[f"label-{n}"], self[f"status-{n}"]) for n in range(1, len(self.offers) + 1)]

    def clean(self):
        data = super().clean()
        labels: dict[str, str] = {}
        for number, offer in enumerate(self.offers, start=1):
            status_field = f"status-{number}"
            label = " ".join((data.get(f"label-{number}") or "").split())
            status = data.get(status_field)
            if self.errors.pop(f"label-{number}", None):
                # A hidden field's error would lead nowhere: said beside the choice.
                self.add_error(
                    status_field,
                    f"The label to add beside “{offer.label}” could not be read. Choose again.",
                )
                continue
            if status_field in self.errors or not status:
                continue  # not answered: not added
            if not label:
                self.add_error(
                    status_field,
                    f"The label to add beside “{offer.label}” was blank. Choose again.",
                )
            elif label.casefold() != offer.label.casefold():
                self.add_error(
                    status_field,
                    f"“{label[:80]}” is not a label the file uses that the plan's key lacks. "
                    "Choose again for the labels listed.",
                )
            else:
                labels[offer.label] = status
        if not self.errors and not labels:
            self.add_error(
                "status-1" if self.offers else None,
                "Choose the standard status of at least one label to add it to the key.",
            )
        data["labels"] = labels
        return data

"""Forms for the improvement pages: the as-at chooser, the progress update form with its
areas for development, sign-off, and notification preferences."""

from datetime import date

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone

from improvement.date_input import GovUKDateField
from improvement.fields import ItemListField
from improvement.text_limits import LONG_TEXT
from improvement.uploads import ACCEPT, check_evidence_file

# Dates in links and bookmarks are ISO; people typing one value write British dates.
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
# The days any page can be drawn as at: the tracker's arithmetic (staleness windows, a
# year before, period ends) stays inside the calendar Python can hold, and no plan it
# tracks lies outside these years.
EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(2199, 12, 31)
DATE_OUT_OF_RANGE = "Enter a date between 1900 and 2199."


def date_in_range(value: date) -> None:
    if not (EARLIEST_DAY <= value <= LATEST_DAY):
        raise forms.ValidationError(DATE_OUT_OF_RANGE, code="out_of_range")


def date_field(
    label: str,
    *,
    help_text: str = "",
    required_message: str | None = None,
    subject: str | None = None,
    past_only: bool = False,
):
    """A GOV.UK date input (day, month and year) with the Design System's messages, named
    `subject` in them ("The due date must be a real date"); required when it has a message
    for a missing date; `past_only` refuses a day after today."""
    messages = {"required": required_message} if required_message else {}
    if subject is None:
        subject = label if "date" in label.lower() else f"The {label[:1].lower()}{label[1:]} date"
        subject = subject.replace("The as at date", "The as-at date")
    return GovUKDateField(
        label=label,
        required=bool(required_message),
        help_text=help_text or "For example, 31 3 2025",
        error_messages=messages,
        validators=[date_in_range],
        subject=subject,
        past_only=past_only,
    )


class AsAtForm(forms.Form):
    """The "as at" date (and optionally a date to compare with) a page is drawn for."""

    as_at = date_field(
        "As at",
        help_text="The page shows every status as it stood at the end of this day. "
        "For example, 31 3 2025",
        subject="The as-at date",
    )
    since = date_field(
        "Compare with",
        help_text="Show what changed between this date and the as-at date.",
        subject="The date to compare with",
    )

    def __init__(self, data=None, *, with_since: bool = False):
        super().__init__(data if data else None)
        self.fields["as_at"].initial = timezone.localdate()
        if not with_since:
            del self.fields["since"]

    def clean(self):
        cleaned = super().clean()
        as_at, since = cleaned.get("as_at"), cleaned.get("since")
        if as_at and since and since >= as_at:
            self.add_error("since", "The date to compare with must be before the as-at date.")
        return cleaned

    @property
    def as_at_date(self) -> date:
        """The valid as-at date, or today when none (or an invalid one) was given."""
        if self.is_bound and self.is_valid() and self.cleaned_data.get("as_at"):
            return self.cleaned_data["as_at"]
        return timezone.localdate()

    @property
    def query_string(self) -> str:
        """ "?as_at=..." to carry a chosen as-at date on to the pages this one links to."""
        if self.is_bound and self.is_valid() and self.cleaned_data.get("as_at"):
            return f"?as_at={self.cleaned_data['as_at']:%Y-%m-%d}"
        return ""

    @property
    def since_date(self) -> date | None:
        if self.is_bound and self.is_valid():
            return self.cleaned_data.get("since")
        return None


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by `improvement.uploads`."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


class UpdateForm(forms.Form):
    """One progress update: status in the plan's own words, narrative, evidence, files,
    milestones done and (in `AreaFormSet`) areas for development."""

    # Labels of fields a person may leave empty say "(optional)" (the GOV.UK way: mark
    # the optional ones, not the required ones).
    mark_optional = True

    status = forms.ChoiceField(
        label="Status",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a status."},
    )
    narrative = forms.CharField(
        label="Progress",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What has been done since the last update, and what happens next.",
        max_length=LONG_TEXT,
        error_messages={"required": "Say what progress has been made."},
    )
    achievements = ItemListField(label="Achievements", help_text="One achievement per line.")
    evidence = ItemListField(
        label="Evidence", help_text="One item per line, e.g. “Minutes of the board, 4 June”."
    )
    files = MultipleFileField(
        label="Evidence files",
        help_text="PDF, Word (.docx), Excel (.xlsx), PNG or JPG; up to 10 files.",
    )
    based_on = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, plan, milestones=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        key = plan.key()
        self.fields["status"].choices = [(e.status.value, e.label) for e in key]
        # Each radio's hint says what the plan's key says of it: the standard word when
        # the plan calls it something else ("Green" is on track), then its meaning.
        self.status_descriptions = {
            e.status.value: ": ".join(
                part
                for part in (e.status.label if e.label != e.status.label else "", e.description)
                if part
            )
            for e in key
        }
        self.open_milestones = [m for m in milestones if m.completed_on is None]
        for milestone in self.open_milestones:
            self.fields[f"milestone_{milestone.pk}"] = forms.BooleanField(
                label=milestone.title,
                required=False,
                help_text=f"Due {milestone.due_date:%-d %B %Y}" if milestone.due_date else "",
            )
            self.fields[f"milestone_{milestone.pk}_on"] = date_field(
                "Date it was done",
                help_text="Leave empty if it was done today. For example, 31 3 2025",
                subject=f"The date “{milestone.title}” was done",
                past_only=True,
            )

    def milestone_rows(self):
        return [
            (m, self[f"milestone_{m.pk}"], self[f"milestone_{m.pk}_on"])
            for m in self.open_milestones
        ]

    def clean_files(self):
        files = self.cleaned_data.get("files") or []
        if len(files) > settings.EVIDENCE_MAX_FILES:
            raise forms.ValidationError(
                f"Upload at most {settings.EVIDENCE_MAX_FILES} files with one update."
            )
        checked, problems = [], []
        for upload in files:
            try:
                checked.append(check_evidence_file(upload))
            except forms.ValidationError as error:
                problems.extend(error.messages)
        if problems:
            raise forms.ValidationError(problems)
        return checked

    def clean(self):
        cleaned = super().clean()
        today = timezone.localdate()
        done = []
        for milestone in self.open_milestones:
            if not cleaned.get(f"milestone_{milestone.pk}"):
                # Its date is hidden while the box is unticked: whatever is in it is not
                # what the person means, so it is neither checked nor used.
                self._errors.pop(f"milestone_{milestone.pk}_on", None)
                continue
            if f"milestone_{milestone.pk}_on" in self._errors:
                continue
            done.append((milestone, cleaned.get(f"milestone_{milestone.pk}_on") or today))
        cleaned["milestones_done"] = done
        return cleaned


class AreaForm(forms.Form):
    mark_optional = True

    description = forms.CharField(
        label="Description",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    timescale = forms.CharField(
        label="Timescale", required=False, max_length=200, help_text="For example “Quarter 3”."
    )
    due_date = date_field("Due date", subject="The due date")

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("description") and (cleaned.get("timescale") or cleaned.get("due_date")):
            self.add_error(
                "description", "Describe the area for development, or clear its timescale."
            )
        return cleaned


# One empty area is shown; "Add another area for development" adds more (a submit button
# without JavaScript, a copy of `empty_form` with it: static/js/add-another.js).
AreaFormSet = forms.formset_factory(AreaForm, extra=1, max_num=20, absolute_max=20)


class SignOffForm(forms.Form):
    decision = forms.ChoiceField(
        label="Decision",
        choices=[("approved", "Approve"), ("returned", "Return to the owner")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to approve or return the update."},
    )
    comment = forms.CharField(
        label="Comment",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required when you return an update: say what needs to change.",
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "returned" and not cleaned.get("comment", "").strip():
            self.add_error("comment", "Say why you are returning the update.")
        return cleaned


class PreferenceForm(forms.Form):
    weekly_digest = forms.BooleanField(
        label="Email me a weekly digest",
        required=False,
        help_text="Every Monday: what turned red or amber, what became overdue, what completed "
        "and what is due in the next two weeks, in the plans you can see.",
    )


class SignInForm(AuthenticationForm):
    """Django's sign-in form with messages that say what to do (the GOV.UK way)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username."
        self.fields["password"].error_messages["required"] = "Enter your password."

"""Forms for the improvement pages (read-side filters for now)."""

from datetime import date

from django import forms
from django.utils import timezone

# A browser's date picker sends ISO dates; people typing into a plain text box (no
# picker) write British dates.
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


class AsAtForm(forms.Form):
    """The "as at" date (and optionally a date to compare with) a page is drawn for."""

    as_at = forms.DateField(
        label="As at",
        required=False,
        help_text="The page shows every status as it stood at the end of this day.",
        widget=forms.DateInput(attrs={"type": "date"}),
        input_formats=DATE_FORMATS,
        error_messages={"invalid": "Enter the date as day, month and year, like 31/03/2014."},
    )
    since = forms.DateField(
        label="Compare with",
        required=False,
        help_text="Show what changed between this date and the as-at date.",
        widget=forms.DateInput(attrs={"type": "date"}),
        input_formats=DATE_FORMATS,
        error_messages={"invalid": "Enter the date as day, month and year, like 31/03/2014."},
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

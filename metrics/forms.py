"""Entering one period's value (or, for a qualitative measure, finding) and note."""

from django import forms
from django.core.exceptions import ValidationError

from improvement.forms import date_field
from metrics.models import DataPoint


class DataPointForm(forms.Form):
    mark_optional = True  # "(optional)" on the note

    period_end = date_field(
        "Period end",
        help_text="The last day of the period the value is for. For example, 31 3 2025",
        required_message="Enter the date the value is for.",
        subject="The period end",
    )
    dated = forms.TypedChoiceField(
        label="This date is",
        choices=[
            (DataPoint.Dated.PERIOD, "The end of the period the figure is for"),
            (
                DataPoint.Dated.REPORTED,
                "The date of the report that gave the figure (it has no date of its own)",
            ),
        ],
        initial=DataPoint.Dated.PERIOD,
        required=False,
        empty_value=DataPoint.Dated.PERIOD,
        widget=forms.RadioSelect,
    )
    value = forms.DecimalField(
        label="Value",
        required=False,
        max_digits=16,
        decimal_places=4,
        error_messages={"invalid": "Enter a number, like 14.5."},
    )
    text = forms.CharField(
        label="Finding",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    note = forms.CharField(
        label="Note",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Where the figure comes from, or anything a reader should know.",
    )

    def __init__(self, *args, measure, **kwargs):
        super().__init__(*args, **kwargs)
        self.measure = measure
        if measure.is_text:
            del self.fields["value"]
            self.fields["text"].required = True
            self.fields["text"].error_messages["required"] = "Describe what was found."
        else:
            del self.fields["text"]
            self.fields["value"].required = True
            self.fields["value"].error_messages["required"] = "Enter a value."
            self.fields["value"].help_text = f"In {measure.get_unit_display().lower()}."

    def clean(self):
        cleaned = super().clean()
        period_end = cleaned.get("period_end")
        if (
            period_end
            and DataPoint.objects.filter(measure=self.measure, period_end=period_end).exists()
        ):
            self.add_error(
                "period_end",
                f"There is already a value for {period_end:%-d %B %Y}. Each date has one value.",
            )
        point = DataPoint(
            measure=self.measure,
            period_end=period_end,
            dated=cleaned.get("dated") or DataPoint.Dated.PERIOD,
            value=cleaned.get("value"),
            text=cleaned.get("text", ""),
            note=cleaned.get("note", ""),
        )
        try:
            point.clean()
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                for message in messages:
                    self.add_error(field if field in self.fields else None, message)
        return cleaned

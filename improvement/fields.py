"""Form fields shared by the admin and the pages."""

from django import forms

from improvement.text_limits import LIST_ITEMS, LIST_TEXT, text_list_problems


class ItemListField(forms.CharField):
    """A list of short texts (achievements, evidence) edited as one item per line.

    The list, not the text typed, is what is stored, so the checks a text field makes
    (no NUL, a length) are made on the items and the whole list
    (`improvement.text_limits`): run on the list itself, Django's NUL check would look at
    the list's repr, where a NUL is spelt out as an escape and passes."""

    widget = forms.Textarea(attrs={"rows": 4})

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", "One item per line.")
        # What may be typed: the list's text with a line break after each item.
        kwargs.setdefault("max_length", LIST_TEXT + 2 * LIST_ITEMS)
        super().__init__(*args, **kwargs)
        self.validators = []  # they apply to a text, not to the list: see `validate`

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(value)
        return value

    def to_python(self, value):
        if isinstance(value, list):
            return value
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]

    def validate(self, value):
        super().validate(value)
        problems = text_list_problems(value)
        if problems:
            raise forms.ValidationError(problems)

    def has_changed(self, initial, data):
        return (initial or []) != self.to_python(data)

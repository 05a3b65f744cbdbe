"""Form fields shared by the admin and the pages."""

from django import forms


class ItemListField(forms.CharField):
    """A list of short texts (achievements, evidence) edited as one item per line."""

    widget = forms.Textarea(attrs={"rows": 4})

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", "One item per line.")
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(value)
        return value

    def to_python(self, value):
        if isinstance(value, list):
            return value
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]

    def has_changed(self, initial, data):
        return (initial or []) != self.to_python(data)

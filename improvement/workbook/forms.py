"""The upload form of the import page."""

from django import forms
from django.template.defaultfilters import filesizeformat

from improvement.workbook import format as fmt


class WorkbookForm(forms.Form):
    workbook = forms.FileField(
        label="Plan workbook",
        help_text="An Excel workbook (.xlsx) in the plan format, or a .zip of its CSV files, "
        f"up to {filesizeformat(fmt.max_upload_bytes())}.",
        error_messages={
            "required": "Choose the plan workbook to import.",
            "empty": "The file is empty. Choose the plan workbook again.",
        },
        widget=forms.FileInput(attrs={"accept": ".xlsx,.zip"}),
    )

    def __init__(self, *args, refused: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.refused = refused  # a reason found before the upload was read (its size)

    def clean_workbook(self):
        upload = self.cleaned_data["workbook"]
        limit = fmt.max_upload_bytes()
        if upload.size > limit:  # the size Django counted; nothing has been read yet
            raise forms.ValidationError(
                f"The file is {filesizeformat(upload.size)}; a plan workbook must be "
                f"{filesizeformat(limit)} or smaller."
            )
        return upload

    def clean(self):
        if self.refused:
            self.errors.pop("workbook", None)
            self.add_error("workbook", self.refused)
        return super().clean()

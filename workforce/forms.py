"""Forms: a workforce return as the admin edits it (labels in plain English, every problem
next to its field), and the chooser of what the workforce page draws over time."""

from __future__ import annotations

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from import_export.forms import ImportForm

from workforce.models import WorkforceReturn

LABELS = {
    "team": "Team",
    "as_at": "Return date",
    "establishment_fte": "Establishment: funded posts (FTE)",
    "permanent_fte": "Directly employed staff in post (FTE)",
    "agency_fte": "Agency workers (FTE)",
    "agency_covering_vacancies_fte": "Agency workers covering vacancies (FTE)",
    "vacancies_fte": "Vacancies (FTE)",
    "starters_fte": "Starters (FTE)",
    "starters_headcount": "Starters (people)",
    "leavers_fte": "Leavers (FTE)",
    "leavers_headcount": "Leavers (people)",
    "leavers_under_two_years": "Leavers with under two years' service (people)",
    "sickness_days": "Working days lost to sickness",
    "cases": "Cases held",
    "case_holding_fte": "Staff holding cases (FTE)",
    "newly_qualified": "Newly qualified social workers (people)",
    "students": "Social work students on placement (people)",
}

HELP = {
    "as_at": "The date the figures are at, for example the last day of a quarter.",
    "establishment_fte": "Posts the team is funded for, filled or not.",
    "permanent_fte": "Social workers the council employs directly, in post on the return date.",
    "agency_fte": "Agency social workers working in the team on the return date.",
    "agency_covering_vacancies_fte": "Of the agency workers, those filling vacant posts.",
    "vacancies_fte": "Funded posts with no directly employed social worker in them.",
    "starters_fte": "Joined since the team's previous return.",
    "leavers_fte": "Left since the team's previous return.",
    "sickness_days": "Since the team's previous return, in working days (one decimal place).",
    "cases": "Children's cases held by the team's social workers on the return date.",
    "case_holding_fte": "Social workers holding cases, agency workers included.",
}


class WorkforceReturnForm(forms.ModelForm):
    mark_optional = True  # "(optional)" on the fields a person may leave empty

    class Meta:
        model = WorkforceReturn
        fields = list(LABELS)
        labels = LABELS
        help_texts = HELP

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field, forms.DecimalField | forms.IntegerField):
                # The same words for every figure, in place of "Ensure this value is
                # greater than or equal to 0".
                limit = _model_limit(name)
                field.validators = [
                    v
                    for v in field.validators
                    if not isinstance(v, MinValueValidator | MaxValueValidator)
                ]
                field.validators.append(
                    MinValueValidator(0, message=f"{LABELS[name]} cannot be negative.")
                )
                if limit is not None:
                    field.validators.append(
                        MaxValueValidator(
                            limit, message=f"{LABELS[name]} cannot be more than {limit:,}."
                        )
                    )
                field.error_messages["invalid"] = f"{LABELS[name]} must be a number."
                field.widget.attrs.pop("min", None)
                field.widget.attrs.pop("max", None)
        team = self.fields.get("team")
        if team is not None:
            team.queryset = team.queryset.select_related("service_area")
            team.label_from_instance = lambda t: f"{t.name} ({t.service_area.name})"

    def _post_clean(self):
        # A figure that is not a number yet is left out of the checks across fields, so
        # they do not compare its old value and report a second, false problem.
        for name in self._errors or {}:
            if name in LABELS and name != "team":
                setattr(self.instance, name, None)
        super()._post_clean()


def _model_limit(name: str):
    """The most a return's figure may be (the model field's own limit)."""
    field = WorkforceReturn._meta.get_field(name)
    limits = [v.limit_value for v in field.validators if isinstance(v, MaxValueValidator)]
    return min(limits) if limits else None


class WorkforceImportForm(ImportForm):
    """The admin's upload form, with a size cap: a return file is a few kilobytes, and
    the file travels in the confirmation form (see `resources.SignedFileStorage`)."""

    MAX_BYTES = 1024 * 1024

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError("The file is too big: a returns file is at most 1 MB.")
        return upload


class ScopeForm(forms.Form):
    """What to draw over time: the whole service, a service area or a team."""

    scope = forms.ChoiceField(
        label="Show",
        required=False,
        widget=forms.Select(attrs={"class": "govuk-select"}),
        error_messages={"invalid_choice": "Choose the whole service, a service area or a team."},
    )

    def __init__(self, *args, teams, service_areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = [
            ("all", "Whole service"),
            ("Service areas", [(f"area-{a.pk}", a.name) for a in service_areas]),
            ("Teams", [(f"team-{t.pk}", f"{t.name} ({t.service_area.name})") for t in teams]),
        ]

    def full_clean(self):
        super().full_clean()
        if self.errors.get("scope"):
            # GOV.UK's error state: a red border, and the message read with the control.
            self.fields["scope"].widget.attrs.update(
                {"class": "govuk-select govuk-select--error", "aria-describedby": "id_scope-error"}
            )

    @property
    def chosen(self) -> str:
        if self.is_bound and self.is_valid():
            return self.cleaned_data["scope"] or "all"
        return "all"

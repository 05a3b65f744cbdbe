"""The admin for measures: a measure edits its targets and (hand-entered) data points
inline. Plan editors see the measures of the plans they edit; values of a measure fed by
the workforce returns are read-only here."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from improvement.admin import (
    HistoryAdmin,
    PeopleByName,
    PlanScoped,
    VersionedAdmin,
    VersionedForm,
    person_label,
    person_on_row,
)
from metrics.models import DataPoint, Measure, Target
from metrics.wording import TargetNotUnderstood, read_target, words_out


class TargetForm(forms.ModelForm):
    """A target typed as the plan words it (`metrics.wording`): its number, change and
    words are worked out from `words`, and any problem with them is shown there."""

    words = forms.CharField(
        label="Target",
        max_length=300,
        # vTextField: sized by the admin's CSS to its column, so the targets table fits.
        widget=forms.TextInput(attrs={"class": "vTextField"}),
        help_text="As the plan words it: 80; a change from the baseline (10% increase, "
        'halve, +5 percentage points); 7:10 for a ratio; or text in quotes ("all staff").',
    )

    class Meta:
        model = Target
        fields = ["kind", "due_date", "words", "value_high", "set_on", "replaces", "reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            target = self.instance
            self.initial["words"] = str(
                words_out(
                    value=target.value,
                    value_high=target.value_high,
                    written=target.written,
                    change_by=target.change_by,
                )
            )

    def clean(self):
        cleaned = super().clean()
        words = cleaned.get("words")
        try:
            unit = self.instance.measure.unit  # the inline sets the measure being edited
        except Measure.DoesNotExist:
            unit = ""
        if words and unit:
            try:
                read = read_target(words, unit)
            except TargetNotUnderstood as error:
                self.add_error("words", str(error))
            else:
                self.instance.value = read.value
                self.instance.written = read.written
                self.instance.change_by = read.change_by
                self.instance.change = read.change
        return cleaned

    def _update_errors(self, errors):
        # The model's rules on the number, words and change belong to the Target field.
        if hasattr(errors, "error_dict"):
            remapped: dict[str, list] = {}
            for field, messages in errors.error_dict.items():
                key = "words" if field in ("value", "written", "change", "change_by") else field
                remapped.setdefault(key, []).extend(messages)
            errors = ValidationError(remapped)
        super()._update_errors(errors)


class TargetInline(admin.TabularInline):
    model = Target
    form = TargetForm
    fk_name = "measure"
    extra = 0
    fields = ["kind", "due_date", "words", "value_high", "set_on", "replaces", "reason"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "replaces":
            measure_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Target.objects.filter(measure_id=measure_id or 0)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class DataPointInline(PeopleByName, admin.TabularInline):
    model = DataPoint
    extra = 0
    fields = [
        "period_end", "dated", "value", "written", "text", "note", "source", "entered_by_name"
    ]  # fmt: skip
    readonly_fields = ["source", "entered_by_name"]
    ordering = ["-period_end"]

    def _fed(self, obj) -> bool:
        return bool(obj and obj.indicator)

    def has_add_permission(self, request, obj=None):
        return not self._fed(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._fed(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._fed(obj) and super().has_delete_permission(request, obj)

    @admin.display(description="Entered by")
    def entered_by_name(self, point):
        return person_label(point.entered_by) if point.entered_by_id else "–"


class MeasureForm(VersionedForm):
    class Meta:
        model = Measure
        fields = [
            "plan", "reference", "name", "description", "source", "owner", "unit", "direction",
            "target_path", "amber_tolerance", "baseline_value", "baseline_date", "objectives",
            "actions", "indicator", "indicator_team", "indicator_service_area",
        ]  # fmt: skip

    def clean(self):
        cleaned = super().clean()
        plan = cleaned.get("plan")
        if plan is not None:
            # A measure speaks for its own plan: linking another plan's objectives would
            # let its figures colour that plan.
            for field, plan_of in (
                ("objectives", lambda o: o.plan_id),
                ("actions", lambda a: a.objective.plan_id),
            ):
                strays = [x for x in cleaned.get(field) or [] if plan_of(x) != plan.pk]
                if strays:
                    self.add_error(field, f"Link only {field} of “{plan}”.")
        return cleaned


@admin.register(Measure)
class MeasureAdmin(VersionedAdmin, PlanScoped, HistoryAdmin):
    form = MeasureForm
    plan_path = "plan"
    list_display = ["name", "plan", "unit", "direction", "owner_name", "indicator"]
    list_filter = [("plan", admin.RelatedOnlyFieldListFilter), "unit", "direction", "indicator"]
    list_select_related = ["plan", "owner"]
    search_fields = ["name", "reference", "description"]
    autocomplete_fields = ["owner", "objectives", "actions"]
    inlines = [TargetInline, DataPointInline]
    fieldsets = [
        (None, {"fields": ["plan", "reference", "name", "description", "source", "owner"]}),
        ("How it is judged", {"fields": ["unit", "direction", "target_path", "amber_tolerance"]}),
        ("Baseline", {"fields": ["baseline_value", "baseline_date"]}),
        ("Links", {"fields": ["objectives", "actions"]}),
        (
            "Fed by the workforce returns",
            {"fields": ["indicator", "indicator_team", "indicator_service_area"]},
        ),
    ]

    @admin.display(description="Owner", ordering="owner__first_name")
    def owner_name(self, measure):
        return person_on_row(measure, measure.owner) if measure.owner_id else "–"

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if form.instance.indicator:
            # A new or re-scoped indicator measure takes its values from the returns now,
            # not at the next return.
            from workforce.services import indicator_measures_refresh

            indicator_measures_refresh(measures=[form.instance])

    def save_formset(self, request, form, formset, change):
        for instance in formset.save(commit=False):
            if isinstance(instance, DataPoint) and instance.entered_by_id is None:
                instance.entered_by = request.user
            instance.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()

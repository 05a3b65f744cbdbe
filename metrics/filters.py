"""Filtering the measures list: plan and owner in the database, status after assessment
(a status is worked out as at the chosen date, not stored)."""

import django_filters
from django import forms
from django.contrib.auth import get_user_model

from improvement.action_list import OwnerFilter
from improvement.filter_summary import applied_filters, clear_query
from improvement.models import Plan
from improvement.status import Status
from metrics.models import Measure

STATUS_CHOICES = [*Status.choices[1:4], ("none", "No status (no data or no target)")]


class MeasureFilter(django_filters.FilterSet):
    plan = django_filters.ModelChoiceFilter(
        queryset=Plan.objects.none(), empty_label="All plans", label="Plan"
    )
    owner = OwnerFilter(
        queryset=get_user_model().objects.none(), empty_label="Anyone", label="Owner"
    )
    name = django_filters.CharFilter(lookup_expr="icontains", label="Name contains")

    class Meta:
        model = Measure
        fields = ["plan", "owner", "name"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        plans = Plan.objects.visible_to(user)
        self.filters["plan"].queryset = plans
        self.filters["owner"].queryset = (
            get_user_model().objects.filter(owned_measures__plan__in=plans).distinct()
        )

    @property
    def applied(self) -> list[tuple[str, str]]:
        """The filters in force, in words, for the line above the results."""
        return applied_filters(self.form)

    @property
    def clear_query(self) -> str:
        return clear_query(self.data)


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any status"), *STATUS_CHOICES]
    )

    @property
    def applied(self) -> list[tuple[str, str]]:
        return applied_filters(self)

    @property
    def filters(self) -> bool:
        """Whether a status is chosen (then every measure must be assessed)."""
        return self.is_valid() and bool(self.cleaned_data["status"])

    def keep(self, state) -> bool:
        if not self.is_valid() or not self.cleaned_data["status"]:
            return True
        wanted = self.cleaned_data["status"]
        if wanted == "none":
            return state.status is None
        return state.status is not None and state.status.value == wanted

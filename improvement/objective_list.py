"""The list of objectives across the plans a person may read, as at a date, filtered by
organisation, plan, section, owner, rolled-up status and evidence (rated, overdue, stale):
the list each objective count on the dashboard links to.

An objective's status is a roll-up (`improvement.history`), not a column, so the plans'
states are worked out in a fixed number of queries and the objectives filtered in Python;
the filters use exactly the rules the dashboard counts with.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.utils import timezone

from improvement.action_list import PlanItemChoiceField
from improvement.dashboard_form import STATUS_CHOICES, OwnerChoiceField, owners_of
from improvement.filter_summary import applied_filters, clear_query
from improvement.forms import AsAtForm
from improvement.history import ObjectiveState, plan_states_as_at
from improvement.models import Plan, Section
from improvement.status import is_rated

PER_PAGE = 50
YES_NO = [("", "Either"), ("yes", "Yes"), ("no", "No")]


class ObjectiveFilterForm(AsAtForm):
    organisation = forms.ChoiceField(label="Organisation", required=False)
    plan = forms.ModelChoiceField(
        label="Plan", queryset=Plan.objects.none(), required=False, empty_label="All plans"
    )
    section = PlanItemChoiceField(
        label="Section", queryset=Section.objects.none(), required=False, empty_label="Any section"
    )
    owner = OwnerChoiceField(
        label="Owner",
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label="Anyone",
        help_text="Owns the objective or one of its actions.",
    )
    status = forms.ChoiceField(label="Status", required=False, choices=STATUS_CHOICES)
    rated = forms.ChoiceField(label="Rated", required=False, choices=YES_NO)
    overdue = forms.ChoiceField(label="Has overdue actions", required=False, choices=YES_NO)
    stale = forms.ChoiceField(label="Stale", required=False, choices=YES_NO)

    def __init__(self, data=None, *, user):
        super().__init__(data)
        plans = Plan.objects.visible_to(user)
        organisations = (
            plans.order_by("organisation").values_list("organisation", flat=True).distinct()
        )
        self.fields["organisation"].choices = [("", "All organisations")] + [
            (o, o) for o in organisations
        ]
        self.fields["plan"].queryset = plans.order_by("title")
        self.fields["section"].queryset = Section.objects.filter(plan__in=plans).select_related(
            "plan"
        )
        self.fields["owner"].queryset = owners_of(plans)

    def value(self, name: str):
        if not self.is_bound or name in self.errors:
            return None
        return self.cleaned_data.get(name) or None

    @property
    def as_at_date(self):
        return self.value("as_at") or timezone.localdate()

    @property
    def applied(self) -> list[tuple[str, str]]:
        """The filters in force, in words, for the line above the results."""
        return applied_filters(self)

    @property
    def clear_query(self) -> str:
        return clear_query(self.data)


def _yes(value, flag: bool) -> bool:
    return value is None or (value == "yes") == flag


def objectives_for(user, form: ObjectiveFilterForm) -> list[ObjectiveState]:
    """The objectives the form's filters select, in plan order, as at its date."""
    plans = Plan.objects.visible_to(user)
    if organisation := form.value("organisation"):
        plans = plans.filter(organisation=organisation)
    if plan := form.value("plan"):
        plans = plans.filter(pk=plan.pk)
    section = form.value("section")
    if section is not None:
        plans = plans.filter(pk=section.plan_id)
    owner = form.value("owner")
    status = form.value("status")
    rated, overdue, stale = form.value("rated"), form.value("overdue"), form.value("stale")
    result = []
    for state in plan_states_as_at(plans, form.as_at_date, summary=True):
        for o in state.objectives:
            if section is not None and o.objective.section_id != section.pk:
                continue
            if owner is not None and not (
                o.objective.owner_id == owner.pk
                or any(a.action.owner_id == owner.pk for a in o.actions)
            ):
                continue
            if status and (o.status.value if o.status is not None else "none") != status:
                continue
            if not _yes(rated, is_rated(o.status)):
                continue
            if not _yes(overdue, bool(o.overdue_actions)) or not _yes(stale, o.stale):
                continue
            result.append(o)
    return result


def page_of(objectives: list, number) -> Paginator:
    return Paginator(objectives, PER_PAGE).get_page(number)

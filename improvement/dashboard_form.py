"""The dashboard's choices, all in the address (a GET form) so a view can be bookmarked and
shared: the as-at date, what to compare with (a date or a reporting period), and the
filters by organisation, plan, owner and status. Bad input gets a message next to its
field and the page falls back to the default for it."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from improvement.forms import AsAtForm
from improvement.models import Plan
from improvement.periods import periods_for
from improvement.status import NO_STATUS, ROLLED_UP_CHOICES

STATUS_CHOICES = [("", "Any status"), *ROLLED_UP_CHOICES, ("none", NO_STATUS)]


def owners_of(plans):
    """The people who own an action or an objective in `plans`."""
    return (
        get_user_model()
        .objects.filter(
            Q(owned_actions__objective__plan__in=plans) | Q(owned_objectives__plan__in=plans)
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user) -> str:
        return user.get_full_name() or user.get_username()


def _listed(form: forms.Form, name: str, make_queryset) -> None:
    """The drop-down's options read in one query when the form is drawn (and not at all
    when the page comes from the cache): left to the queryset, drawing it would count
    them and then read them. The queryset itself is built only when it is needed: to
    check a value given in the address, or to draw the options (building the owners' and
    periods' querysets costs milliseconds on every view, cached or not). The field still
    accepts only what its queryset holds."""

    field = form.fields[name]

    def options():
        queryset = make_queryset()
        return [
            ("", field.empty_label),
            *((field.prepare_value(o), field.label_from_instance(o)) for o in queryset),
        ]

    if form.is_bound and form.data.get(name):
        field.queryset = make_queryset()
    field.choices = options


class DashboardForm(AsAtForm):
    organisation = forms.ChoiceField(label="Organisation", required=False)
    plan = forms.ModelChoiceField(
        label="Plan",
        queryset=Plan.objects.none(),
        required=False,
        to_field_name="slug",
        empty_label="All plans",
    )
    owner = OwnerChoiceField(
        label="Owner",
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label="Anyone",
        help_text="Their actions, and the objectives they own or have actions in.",
    )
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=STATUS_CHOICES,
        help_text="Plans and objectives with this status.",
    )
    compare = forms.ModelChoiceField(
        label="Or compare with a period",
        queryset=None,
        required=False,
        empty_label="Each plan's previous period",
        help_text="What moved since the end of this reporting period.",
    )

    def __init__(self, data=None, *, user):
        super().__init__(data, with_since=True)
        plans = Plan.objects.visible_to(user)
        self.fields["since"].label = "Compare with a date"
        self.fields["since"].help_text = "What moved since the end of this day."
        organisations = (
            plans.order_by("organisation").values_list("organisation", flat=True).distinct()
        )
        # Read when drawn or checked, not when the page comes from the cache.
        self.fields["organisation"].choices = lambda: (
            [("", "All organisations")] + [(o, o) for o in organisations]
        )
        made = {
            "plan": lambda: plans.order_by("title").only("slug", "title"),
            "owner": lambda: owners_of(plans).only("username", "first_name", "last_name"),
            "compare": lambda: periods_for(plans),
        }
        for name, make_queryset in made.items():
            _listed(self, name, make_queryset)
        self.order_fields(["as_at", "since", "compare", "organisation", "plan", "owner", "status"])

    def clean(self):
        cleaned = super().clean()
        as_at = cleaned.get("as_at") or timezone.localdate()
        period = cleaned.get("compare")
        if period is not None:
            if cleaned.get("since"):
                self.add_error("compare", "Choose a date or a period to compare with, not both.")
            elif period.end >= as_at:
                self.add_error(
                    "compare",
                    f"{period.name} ends on {period.end:%-d %B %Y}, not before the as-at "
                    "date: choose an earlier period.",
                )
        return cleaned

    def value(self, name: str):
        """A filter's valid value (None when missing or invalid: that filter is not applied)."""
        if not self.is_bound or name in self.errors:  # `errors` cleans the form once
            return None
        return self.cleaned_data.get(name) or None

    @property
    def as_at_date(self):
        """The valid as-at date, or today (a bad filter elsewhere does not reset it)."""
        return self.value("as_at") or timezone.localdate()

    @property
    def since_date(self):
        return self.value("since")

    @property
    def query_string(self) -> str:
        return f"?as_at={self.as_at_date:%Y-%m-%d}"

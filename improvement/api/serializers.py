"""What each item of the API looks like, and the query parameters each list takes.

Items are read from the states `improvement.history` and `metrics.selectors` work out
(`PlanState`, `ObjectiveState`, `MeasureState`) or from actions annotated by
`history.with_status_as_at`: nothing here decides a status, it only writes one down.
Every status is given twice: `status` is the standard value every plan shares
("on_track", or null for no status), `status_label` the plan's own word for it ("Objective
will be met"). A rolled-up status (a plan's, an objective's) may also be
"not_enough_updates": too few of its children are rated for a colour. Beside each
rolled-up status stands its `coverage`: how many children are rated, unrated, overdue and
stale. Dates are ISO (YYYY-MM-DD); values are Decimals written as strings, so no BI tool
ever reads 0.1 as 0.1000000000000000055.
"""

from __future__ import annotations

from datetime import date

from rest_framework import serializers

from improvement.forms import DATE_OUT_OF_RANGE, EARLIEST_DAY, LATEST_DAY
from improvement.periods import stale_before
from improvement.rollup import is_stale
from improvement.status import (
    DISPLAY_ORDER,
    NO_STATUS,
    ROLLED_UP_CHOICES,
    Status,
    as_status,
    status_word,
)
from metrics.models import DataPoint, Direction, Indicator, Target, TargetPath
from metrics.units import Unit, format_value
from metrics.wording import target_words

TREND_CHOICES = [
    ("better", "Better"),
    ("worse", "Worse"),
    ("same", "Same"),
    ("up", "Up (no stated direction)"),
    ("down", "Down (no stated direction)"),
]


def _decimal(**kwargs) -> serializers.DecimalField:
    """A value as a string, written as entered ("9.5", "41000"), whatever its scale."""
    return serializers.DecimalField(
        max_digits=None, decimal_places=None, normalize_output=True, allow_null=True, **kwargs
    )


class StatusField(serializers.ChoiceField):
    """A standard status value; null for no status (`None`, or "" in annotated SQL)."""

    def __init__(self, *, rolled_up: bool = False, **kwargs):
        choices = ROLLED_UP_CHOICES if rolled_up else Status.choices
        super().__init__(choices=choices, allow_null=True, **kwargs)

    def to_representation(self, value) -> str | None:
        status = as_status(value)
        return status.value if status is not None else None


_status = StatusField


class CoverageSerializer(serializers.Serializer):
    """The evidence behind a rolled-up status: its children counted."""

    total = serializers.IntegerField()
    rated = serializers.IntegerField(help_text="Children with one of the five statuses.")
    unrated = serializers.IntegerField(help_text="No status, or not enough updates.")
    not_enough_updates = serializers.IntegerField(
        source="not_enough", help_text="Of the unrated: children with not enough updates."
    )
    overdue = serializers.IntegerField()
    stale = serializers.IntegerField(
        help_text="Latest evidence older than the plan's staleness window."
    )
    percent_rated = serializers.IntegerField()
    words = serializers.CharField(help_text='"1 of 19 actions rated; 13 overdue".')


def _label(plan, status: Status | str | None) -> str:
    """The plan's own word for a status ("No status" when there is none)."""
    return status_word(status, plan.labels())


def _person(user) -> str | None:
    return (user.get_full_name() or user.get_username()) if user is not None else None


class _ItemSerializer(serializers.Serializer):
    # The API never writes: every field is output only (and so marked in the schema).
    def get_fields(self) -> dict:
        fields = super().get_fields()
        for field in fields.values():
            field.read_only = True
        return fields

    def _url(self, path: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path

    def _as_at(self) -> date:
        return self.context["as_at"]


# -- plans ------------------------------------------------------------------------------


class ActionCountsSerializer(serializers.Serializer):
    """How many of the plan's actions have each status as at the date."""

    complete = serializers.IntegerField()
    on_track = serializers.IntegerField()
    at_risk = serializers.IntegerField()
    off_track = serializers.IntegerField()
    not_started = serializers.IntegerField()
    no_status = serializers.IntegerField(help_text="Reported on, but no update gives a status.")

    def to_representation(self, state) -> dict:
        counts = {status.value: state.action_count(status) for status in DISPLAY_ORDER}
        return {**counts, "no_status": state.unrated_action_count}


class StatusLabelsSerializer(serializers.Serializer):
    """The plan's own word for each standard status (its status key)."""

    complete = serializers.CharField()
    on_track = serializers.CharField()
    at_risk = serializers.CharField()
    off_track = serializers.CharField()
    not_started = serializers.CharField()

    def to_representation(self, plan) -> dict:
        return {status.value: label for status, label in plan.labels().items()}


class PlanSerializer(_ItemSerializer):
    """A plan with its status as at the date, rolled up from its objectives."""

    id = serializers.IntegerField(source="plan.id")
    slug = serializers.CharField(source="plan.slug")
    title = serializers.CharField(source="plan.title")
    organisation = serializers.CharField(source="plan.organisation")
    kind = serializers.CharField(source="plan.kind")
    kind_label = serializers.CharField(source="plan.get_kind_display")
    reports_to = serializers.CharField(source="plan.reports_to")
    objective_term = serializers.CharField(
        source="plan.objective_term", help_text="What the plan calls its objectives."
    )
    start_date = serializers.DateField(source="plan.start_date", allow_null=True)
    end_date = serializers.DateField(source="plan.end_date", allow_null=True)
    restricted = serializers.BooleanField(source="plan.restricted")
    rollup_rule = serializers.CharField(source="plan.rollup_rule")
    overdue_at_risk = serializers.BooleanField(source="plan.overdue_at_risk")
    minimum_rated = serializers.IntegerField(
        source="plan.minimum_rated", help_text="Below this % rated: not_enough_updates."
    )
    staleness_periods = serializers.IntegerField(
        source="plan.staleness_periods",
        help_text="Evidence older than this many reporting periods is stale.",
    )
    as_at = serializers.DateField()
    status = _status(rolled_up=True, help_text="Rolled up from the objectives by the plan's rule.")
    status_label = serializers.SerializerMethodField(help_text="The plan's own word for it.")
    status_reason = serializers.CharField(source="rollup.reason")
    coverage = CoverageSerializer(help_text="Its objectives: rated, unrated, overdue, stale.")
    action_coverage = CoverageSerializer(help_text="All its actions.")
    latest_evidence_on = serializers.DateField(allow_null=True)
    stale_before = serializers.DateField(
        allow_null=True, help_text="Evidence dated before this day is stale."
    )
    objective_count = serializers.SerializerMethodField()
    action_count = serializers.SerializerMethodField()
    overdue_action_count = serializers.IntegerField(source="overdue_count")
    action_status_counts = ActionCountsSerializer(source="*")
    status_labels = StatusLabelsSerializer(source="plan")
    url = serializers.SerializerMethodField(help_text="The plan's page.")

    def get_status_label(self, state) -> str:
        return _label(state.plan, state.status)

    def get_objective_count(self, state) -> int:
        return len(state.objectives)

    def get_action_count(self, state) -> int:
        return len(state.actions)

    def get_url(self, state) -> str:
        return self._url(state.plan.get_absolute_url())


# -- objectives -------------------------------------------------------------------------


class ObjectiveSerializer(_ItemSerializer):
    """An objective (outcome, requirement, theme) as at the date: the status it feeds into
    its plan, the status its actions roll up to and its own assessed status."""

    id = serializers.IntegerField(source="objective.id")
    plan = serializers.CharField(source="objective.plan.slug", help_text="The plan's slug.")
    plan_title = serializers.CharField(source="objective.plan.title")
    section = serializers.CharField(source="objective.section.title", allow_null=True)
    reference = serializers.CharField(source="objective.reference")
    label = serializers.CharField(source="objective.label", help_text='"Requirement 12".')
    title = serializers.CharField(source="objective.title")
    description = serializers.CharField(source="objective.description")
    source_reference = serializers.CharField(source="objective.source_reference")
    owner = serializers.SerializerMethodField()
    as_at = serializers.SerializerMethodField()
    status = _status(rolled_up=True, help_text="What the objective feeds into its plan.")
    status_label = serializers.SerializerMethodField(help_text="The plan's own word for it.")
    status_basis = serializers.ChoiceField(
        source="basis",
        choices=[("actions", "Rolled up from its actions"), ("assessment", "Its assessment")],
        allow_null=True,
        help_text="Whether the status is rolled up from the actions or is the assessment.",
    )
    status_reason = serializers.CharField(source="reason")
    coverage = CoverageSerializer(help_text="Its actions (and counted measures).")
    stale = serializers.BooleanField(help_text="The evidence behind its status is stale.")
    latest_evidence_on = serializers.DateField(allow_null=True)
    rolled_up_status = _status(
        rolled_up=True, source="derived.status", help_text="From its actions."
    )
    rolled_up_status_label = serializers.SerializerMethodField()
    assessed_status = _status(source="assessed", help_text="Its latest objective-level update.")
    assessed_status_label = serializers.SerializerMethodField()
    assessed_on = serializers.DateField(allow_null=True)
    assessed_stale = serializers.BooleanField(help_text="The assessment is stale.")
    assessment_kinder = serializers.BooleanField(
        help_text="The assessment paints a better picture than the actions do."
    )
    action_count = serializers.SerializerMethodField()
    overdue_action_count = serializers.SerializerMethodField()
    last_update_on = serializers.DateField(source="latest_update.as_at", allow_null=True)
    awaiting_sign_off = serializers.SerializerMethodField()
    measure_ids = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField(help_text="The objective's page.")

    def get_owner(self, state) -> str | None:
        return _person(state.objective.owner)

    def get_as_at(self, state) -> date:
        return self._as_at()

    def get_status_label(self, state) -> str:
        return _label(state.objective.plan, state.status)

    def get_rolled_up_status_label(self, state) -> str:
        return _label(state.objective.plan, state.derived.status)

    def get_assessed_status_label(self, state) -> str:
        return _label(state.objective.plan, state.assessed)

    def get_action_count(self, state) -> int:
        return len(state.actions)

    def get_overdue_action_count(self, state) -> int:
        return len(state.overdue_actions)

    def get_awaiting_sign_off(self, state) -> bool:
        return state.awaiting_sign_off is not None

    def get_measure_ids(self, state) -> list[int]:
        return [m.measure.pk for m in state.measures]

    def get_url(self, state) -> str:
        return self._url(state.objective.get_absolute_url())


# -- actions ----------------------------------------------------------------------------


class ActionSerializer(_ItemSerializer):
    """An action with its status as at the date (that of its latest update giving one),
    whether it is overdue, and when it was last reported on."""

    # Read from an action annotated by `history.with_status_as_at` (`current_status`,
    # `is_overdue`, `last_update_on`): the same values ?status= and ?overdue= select on.

    id = serializers.IntegerField()
    plan = serializers.CharField(source="objective.plan.slug", help_text="The plan's slug.")
    plan_title = serializers.CharField(source="objective.plan.title")
    objective_id = serializers.IntegerField()
    objective_reference = serializers.CharField(source="objective.reference")
    reference = serializers.CharField()
    title = serializers.CharField()
    source_reference = serializers.CharField()
    benefit = serializers.CharField(help_text="Benefit to the customer.")
    steps = serializers.CharField(help_text="Steps required.")
    responsible = serializers.CharField(help_text="The responsible person or team as written.")
    owner = serializers.SerializerMethodField()
    timescale = serializers.CharField(help_text="As written.")
    due_date = serializers.DateField(allow_null=True)
    as_at = serializers.SerializerMethodField()
    status = _status(source="current_status")
    status_label = serializers.SerializerMethodField()
    overdue = serializers.BooleanField(
        source="is_overdue", help_text="Past its due date and not complete."
    )
    last_update_on = serializers.DateField(allow_null=True)
    stale = serializers.SerializerMethodField(
        help_text="Its latest update is older than the plan's staleness window."
    )
    url = serializers.SerializerMethodField(help_text="The action's page.")

    def get_owner(self, action) -> str | None:
        return _person(action.owner)

    def get_stale(self, action) -> bool:
        return is_stale(
            evidence_on=action.last_update_on,
            status=action.current_status,
            stale_before=stale_before(action.objective.plan, self._as_at()),
        )

    def get_as_at(self, action) -> date:
        return self._as_at()

    def get_status_label(self, action) -> str:
        return _label(action.objective.plan, action.current_status)

    def get_url(self, action) -> str:
        return self._url(action.get_absolute_url())


# -- measures and data points -----------------------------------------------------------


class MeasureSerializer(_ItemSerializer):
    """A measure as at the date: its latest value, the target in force, its status and
    trend."""

    id = serializers.IntegerField(source="measure.id")
    plan = serializers.CharField(source="measure.plan.slug", help_text="The plan's slug.")
    plan_title = serializers.CharField(source="measure.plan.title")
    reference = serializers.CharField(source="measure.reference")
    name = serializers.CharField(source="measure.name")
    description = serializers.CharField(source="measure.description")
    unit = serializers.ChoiceField(source="measure.unit", choices=Unit.choices)
    unit_label = serializers.CharField(source="measure.get_unit_display")
    direction = serializers.ChoiceField(source="measure.direction", choices=Direction.choices)
    target_path = serializers.ChoiceField(
        source="measure.target_path",
        choices=TargetPath.choices,
        help_text="Before a target's date: the target itself (step) or a straight line.",
    )
    baseline_value = _decimal(source="measure.baseline_value")
    baseline_date = serializers.DateField(source="measure.baseline_date", allow_null=True)
    amber_tolerance = _decimal(source="measure.amber_tolerance")
    source = serializers.CharField(
        source="measure.source", help_text="Where the figures come from."
    )
    indicator = serializers.ChoiceField(
        source="measure.indicator",
        choices=[*Indicator.choices, ("", "Entered by hand")],
        help_text="The workforce indicator feeding it; empty when entered by hand.",
    )
    owner = serializers.SerializerMethodField()
    objective_ids = serializers.SerializerMethodField()
    action_ids = serializers.SerializerMethodField()
    as_at = serializers.SerializerMethodField()
    latest_value = _decimal(source="assessment.latest.value")
    latest_period_end = serializers.DateField(
        source="assessment.latest.period_end", allow_null=True
    )
    latest_reported = serializers.SerializerMethodField(
        help_text="True when the latest figure is dated by the report that gave it (the "
        "document gave no date of its own): latest_period_end is the report's date."
    )
    latest_display = serializers.SerializerMethodField(help_text='In its unit: "14.0%".')
    latest_text = serializers.SerializerMethodField(help_text="Qualitative measures only.")
    previous_value = _decimal(source="assessment.previous.value")
    previous_period_end = serializers.DateField(
        source="assessment.previous.period_end", allow_null=True
    )
    target_kind = serializers.ChoiceField(
        source="assessment.target.kind", choices=["interim", "final"], allow_null=True
    )
    target_value = _decimal(
        source="assessment.target.value",
        help_text="In force at the date: its number, a change from the baseline worked out "
        "from the baseline; null for a target in words or a change with no baseline yet.",
    )
    target_value_high = _decimal(source="assessment.target.value_high", help_text="Ranges only.")
    target_due_date = serializers.DateField(
        source="assessment.target.due_date",
        allow_null=True,
        help_text="Null when the plan gives no date (the latest value is judged against it).",
    )
    target_written = serializers.CharField(
        source="assessment.target.written",
        allow_null=True,
        help_text='The target as the plan words it ("10% increase", "halve", "7:10", "all '
        'staff"); empty for a plain number.',
    )
    target_change_by = serializers.ChoiceField(
        source="assessment.target.change_by",
        choices=[("", "Not a change"), *Target.ChangeBy.choices],
        allow_null=True,
        help_text="How a change from the baseline applies: a percentage of it, a multiple "
        "of it, or an amount added to it.",
    )
    target_display = serializers.SerializerMethodField(
        help_text='The target as pages show it: "15.4% (10% increase) by 31 March 2017".'
    )
    judged_against = _decimal(
        source="assessment.aim.value",
        help_text="What the latest value was judged against at its own date: the target, "
        "or (target_path line) the point on the line to it.",
    )
    status = _status(source="assessment.status")
    status_label = serializers.SerializerMethodField()
    status_reason = serializers.CharField(source="assessment.reason")
    status_note = serializers.CharField(
        source="assessment.note",
        help_text='With no status, why in a few words ("Direction not stated", "Target in '
        'words", "No baseline"); empty with a status.',
    )
    shortfall = _decimal(
        source="assessment.shortfall", help_text="How far from the target (zero or less: met)."
    )
    change_since_previous = _decimal(source="assessment.since_previous.change")
    trend_since_previous = serializers.ChoiceField(
        source="assessment.since_previous.direction",
        choices=TREND_CHOICES,
        allow_null=True,
    )
    change_since_baseline = _decimal(source="assessment.since_baseline.change")
    trend_since_baseline = serializers.ChoiceField(
        source="assessment.since_baseline.direction",
        choices=TREND_CHOICES,
        allow_null=True,
    )
    on_course = serializers.BooleanField(
        source="assessment.on_course",
        allow_null=True,
        help_text="Met, or heading to meet, the target by its date; null when unknown.",
    )
    url = serializers.SerializerMethodField(help_text="The measure's page.")

    def get_owner(self, state) -> str | None:
        return _person(state.measure.owner)

    def get_objective_ids(self, state) -> list[int]:
        return [o.pk for o in state.measure.objectives.all()]

    def get_action_ids(self, state) -> list[int]:
        return [a.pk for a in state.measure.actions.all()]

    def get_as_at(self, state) -> date:
        return self._as_at()

    def get_latest_display(self, state) -> str:
        latest = state.assessment.latest
        return format_value(latest.value if latest else None, state.measure.unit)

    def get_latest_reported(self, state) -> bool | None:
        latest = state.assessment.latest
        return latest.reported if latest else None

    def get_target_display(self, state) -> str | None:
        target = state.assessment.target
        return target_words(target, state.measure.unit) if target else None

    def get_latest_text(self, state) -> str | None:
        return state.texts[-1].text if state.texts else None

    def get_status_label(self, state) -> str:
        return _label(state.measure.plan, state.status)

    def get_url(self, state) -> str:
        return self._url(state.measure.get_absolute_url())


class DataPointSerializer(_ItemSerializer):
    """One value of a measure, for the period ending on `period_end`."""

    id = serializers.IntegerField()
    measure_id = serializers.IntegerField()
    measure_name = serializers.CharField(source="measure.name")
    plan = serializers.CharField(source="measure.plan.slug", help_text="The plan's slug.")
    period_end = serializers.DateField(
        help_text="The date the figure is for, or (dated: reported) the date of the report "
        "that gave it."
    )
    dated = serializers.ChoiceField(choices=DataPoint.Dated.choices)
    value = _decimal()
    text = serializers.CharField(help_text="Qualitative measures only.")
    note = serializers.CharField()
    source = serializers.ChoiceField(
        choices=[("entered", "Entered"), ("workforce", "Workforce returns")]
    )


# -- query parameters -------------------------------------------------------------------


def _as_at_in_range(value):
    if not (EARLIEST_DAY <= value <= LATEST_DAY):
        raise serializers.ValidationError(DATE_OUT_OF_RANGE)


class AsAtQuery(serializers.Serializer):
    as_at = serializers.DateField(
        required=False,
        input_formats=["iso-8601"],
        validators=[_as_at_in_range],
        help_text="Statuses as they stood at the end of this day (YYYY-MM-DD). Default: today.",
    )


class PlanFilterQuery(AsAtQuery):
    plan = serializers.SlugField(required=False, help_text="Only this plan (its slug).")


class ActionQuery(PlanFilterQuery):
    objective = serializers.IntegerField(required=False, help_text="Only this objective (id).")
    status = serializers.ChoiceField(
        choices=[*Status.choices, ("none", NO_STATUS)],
        required=False,
        help_text='Only actions with this status as at the date ("none": no status).',
    )
    overdue = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="true: only overdue actions; false: only those not overdue.",
    )


class DataPointQuery(PlanFilterQuery):
    measure = serializers.IntegerField(required=False, help_text="Only this measure (id).")

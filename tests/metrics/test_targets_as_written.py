"""Targets and figures as councils write them: a target's words read (or refused with
what to write instead), a change from the baseline judged once there is a baseline, a
target in words shown and never judged, a target with no date judged against the latest
value, a figure dated by its report, and a measure whose direction is not stated."""

from datetime import date
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from improvement.status import Status
from metrics.models import DataPoint, Measure, Target
from metrics.selectors import measure_states
from metrics.status import Point, TargetRow, assess
from metrics.wording import (
    CHANGE,
    NUMBER,
    TEXT,
    TargetNotUnderstood,
    read_target,
    target_words,
    words_out,
)
from tests.factories import DataPointFactory, MeasureFactory

AS_AT = date(2025, 6, 30)

READ = [
    # words, unit, kind, value, change_by, change, written kept
    ("80", "percent", NUMBER, "80", "", None, ""),
    ("14%", "percent", NUMBER, "14", "", None, ""),
    ("£41,000", "money", NUMBER, "41000", "", None, ""),
    ("-£4,000", "money", NUMBER, "-4000", "", None, ""),
    ("50.32 FTE", "fte", NUMBER, "50.32", "", None, ""),
    ("16 days", "days", NUMBER, "16", "", None, ""),
    ("7:10", "ratio", NUMBER, "0.7", "", None, "7:10"),
    ("1:3", "ratio", NUMBER, "0.3333", "", None, "1:3"),
    ("all staff", "percent", NUMBER, "100", "", None, "all staff"),
    ("100% of staff", "percent", NUMBER, "100", "", None, "100% of staff"),
    # As the seed plans word them: the one figure in the words.
    (
        "Sustainable 80% permanent social worker staff",
        "percent",
        NUMBER,
        "80",
        "",
        None,
        "Sustainable 80% permanent social worker staff",
    ),
    ("Minimum 4 per year", "count", NUMBER, "4", "", None, "Minimum 4 per year"),
    (
        "no more than 14 children",
        "ratio",
        NUMBER,
        "14",
        "",
        None,
        "no more than 14 children",
    ),
    ("10% increase", "percent", CHANGE, None, "percent", "10", "10% increase"),
    ("a 10% decrease", "count", CHANGE, None, "percent", "-10", "a 10% decrease"),
    ("reduce by 60%", "money", CHANGE, None, "percent", "-60", "reduce by 60%"),
    ("halve", "count", CHANGE, None, "factor", "0.5", "halve"),
    ("Double", "fte", CHANGE, None, "factor", "2", "Double"),
    ("+5 percentage points", "percent", CHANGE, None, "amount", "5", "+5 percentage points"),
    ("-2 pp", "percent", CHANGE, None, "amount", "-2", "-2 pp"),
    ("increase by 5", "count", CHANGE, None, "amount", "5", "increase by 5"),
    ('"all staff"', "count", TEXT, None, "", None, "all staff"),
    ("“a robust system in place”", "percent", TEXT, None, "", None, "a robust system in place"),
    ("Involved in decisions", "text", TEXT, None, "", None, "Involved in decisions"),
]


@pytest.mark.parametrize("words, unit, kind, value, change_by, change, written", READ)
def test_a_target_is_read_from_the_words_a_plan_uses(
    words, unit, kind, value, change_by, change, written
):
    read = read_target(words, unit)
    assert read.kind == kind
    assert read.value == (D(value) if value is not None else None)
    assert (read.change_by, read.change) == (change_by, D(change) if change else None)
    assert read.written == written


REFUSED = [
    ("10% more", "percent", "Target “10% more” is not understood: write a number, a change"),
    ("7:10", "percent", "is a ratio, but the measure's unit is Percentage"),
    ("14%", "count", "is a percentage, but the measure's unit is Count"),
    ("£5", "count", "is a sum of money"),
    ("all staff", "count", "is not understood"),
    ("increase by 5", "percent", "could mean 5 percentage points or 5% of the baseline"),
    ("+5 percentage points", "count", "is in percentage points"),
    ("150% decrease", "count", "nothing can fall by more than 100%"),
    # Two figures in one target: neither is taken for the whole target.
    ("80% good or better and no more than 5% inadequate", "percent", "is not understood"),
    ("95% within 45 days", "percent", "is not understood"),
    ("Review by 2017", "count", "is not understood"),
    ("Average caseloads at 16 children", "ratio", "is not understood"),
    ("", "percent", "The target is empty"),
    ('""', "percent", "The target in quotes is empty"),
]


@pytest.mark.parametrize("words, unit, message", REFUSED)
def test_words_that_are_not_a_target_are_refused_with_what_to_write(words, unit, message):
    with pytest.raises(TargetNotUnderstood) as refused:
        read_target(words, unit)
    assert message in str(refused.value)


@pytest.mark.parametrize("words, unit", [(w, u) for w, u, *_ in READ])
def test_a_target_written_back_reads_the_same(words, unit):
    read = read_target(words, unit)
    out = words_out(
        value=read.value, value_high=None, written=read.written, change_by=read.change_by
    )
    assert read_target(str(out), unit) == read


def row(value, due=date(2026, 3, 31), kind="final", **kw):
    return TargetRow(
        id=kw.pop("id", 1), kind=kind, due_date=due, value=D(value) if value else None, **kw
    )


def judge(points, targets, direction="higher", baseline=None, as_at=AS_AT, unit="percent"):
    return assess(
        unit=unit,
        direction=direction,
        tolerance=None,
        baseline=baseline,
        points=points,
        targets=targets,
        as_at=as_at,
    )


def test_a_target_with_no_date_is_judged_against_the_latest_value():
    points = [Point(date(2024, 3, 31), D(60)), Point(date(2025, 3, 31), D(85))]
    result = judge(points, [row(80, due=None)])
    assert result.status == Status.ON_TRACK
    assert result.reason == "On track: 85.0% meets the target of 80.0% (no date)."
    assert result.on_course is True


def test_an_unmet_target_with_no_date_is_off_track_and_its_course_unknown():
    points = [Point(date(2024, 3, 31), D(60)), Point(date(2025, 3, 31), D(70))]
    result = judge(points, [row(80, due=None)])
    assert result.status == Status.OFF_TRACK
    assert result.on_course is None


def test_a_dated_milestone_comes_before_a_target_with_no_date():
    points = [Point(date(2025, 3, 31), D(55))]
    targets = [row(80, due=None, id=1), row(50, due=date(2025, 9, 30), kind="interim", id=2)]
    assert judge(points, targets).target.id == 2
    later = [Point(date(2025, 12, 31), D(55))]
    assert judge(later, targets, as_at=date(2026, 1, 1)).target.id == 1


def test_a_target_in_words_is_shown_and_never_judged():
    result = judge([Point(date(2025, 3, 31), D(55))], [row(None, written="a robust system")])
    assert result.status is None
    assert result.target.written == "a robust system"
    assert result.note == "Target in words"


def test_a_change_with_no_baseline_is_not_judged():
    target = row(None, written="10% increase", change_by="percent")
    result = judge([Point(date(2025, 3, 31), D(55))], [target])
    assert result.status is None
    assert result.note == "No baseline"
    assert "“10% increase” is a change from the baseline" in result.reason


def test_a_measure_whose_direction_is_not_stated_has_no_colour():
    result = judge([Point(date(2025, 3, 31), D(55))], [row(80)], direction="none")
    assert result.status is None
    assert result.note == "Direction not stated"


def test_with_no_direction_a_change_says_which_way_it_aims_but_gives_no_colour():
    target = row("20", written="halve", change_by="factor", change=D("0.5"))
    result = judge([Point(date(2025, 3, 31), D(30))], [target], direction="none")
    assert result.status is None
    assert result.reason.endswith(
        "Its target “halve” aims lower: say on the measure that lower is better to colour it."
    )


def test_the_words_of_a_target_show_with_the_number_they_come_to():
    assert target_words(row("15.4", written="10% increase", change_by="percent"), "percent") == (
        "15.4% (10% increase) by 31 March 2026"
    )
    assert target_words(row(None, written="halve", change_by="factor", due=None), "count") == (
        "halve (no baseline yet) (no date)"
    )
    assert target_words(row("100", written="all staff"), "percent") == (
        "all staff (100.0%) by 31 March 2026"
    )
    assert target_words(row("0.7", written="7:10"), "ratio", short=True) == "7:10 by Mar 2026"
    assert target_words(row(None, written="a robust system"), "percent") == (
        "a robust system by 31 March 2026"
    )


# -- through the database ------------------------------------------------------------


@pytest.mark.django_db
def test_a_change_becomes_a_number_once_the_measure_has_a_baseline():
    measure = MeasureFactory(unit="count", direction="higher")
    Target.objects.create(
        measure=measure,
        due_date=None,
        written="10% increase",
        change_by="percent",
        change=10,
        set_on=None,
    )
    DataPointFactory(measure=measure, period_end=date(2025, 3, 31), value=33)
    (state,) = measure_states(Measure.objects.filter(pk=measure.pk), AS_AT)
    assert state.status is None and state.assessment.note == "No baseline"

    measure.baseline_value = D(30)
    measure.save()
    (state,) = measure_states(Measure.objects.filter(pk=measure.pk), AS_AT)
    assert state.target.value == D(33)
    assert state.status == Status.ON_TRACK
    (dashboard,) = measure_states(Measure.objects.filter(pk=measure.pk), AS_AT, latest_only=True)
    assert dashboard.status == Status.ON_TRACK


@pytest.mark.django_db
def test_a_change_that_takes_the_baseline_beyond_the_unit_is_refused():
    measure = MeasureFactory(unit="percent", baseline_value=D(60))
    target = Target(measure=measure, written="double", change_by="factor", change=2)
    with pytest.raises(ValidationError) as refused:
        target.full_clean()
    assert "From the baseline of 60.0%, “double” comes to 120.0%" in str(refused.value)


@pytest.mark.django_db
def test_a_target_needs_a_number_a_change_or_words():
    measure = MeasureFactory()
    with pytest.raises(ValidationError):
        Target(measure=measure, due_date=date(2026, 3, 31)).full_clean()


@pytest.mark.django_db
def test_a_reported_figure_is_judged_at_its_report_date():
    measure = MeasureFactory(unit="percent", direction="lower")
    Target.objects.create(measure=measure, value=10, due_date=None, set_on=None)
    DataPointFactory(measure=measure, period_end=date(2024, 3, 31), value=14)
    DataPointFactory(
        measure=measure, period_end=date(2025, 3, 31), value=8, dated=DataPoint.Dated.REPORTED
    )
    (state,) = measure_states(Measure.objects.filter(pk=measure.pk), AS_AT)
    assert state.assessment.latest == Point(date(2025, 3, 31), D(8), reported=True)
    assert state.status == Status.ON_TRACK
    (dashboard,) = measure_states(Measure.objects.filter(pk=measure.pk), AS_AT, latest_only=True)
    assert dashboard.assessment.latest.reported


@pytest.mark.django_db
def test_a_new_measure_states_no_direction_until_told():
    measure = Measure.objects.create(plan=MeasureFactory().plan, name="Visits", unit="percent")
    assert measure.direction == "none"


# -- the admin and the data-entry page --------------------------------------------------


@pytest.mark.django_db
def test_the_admin_takes_a_target_as_the_plan_words_it(client, staff_user):
    from django.urls import reverse

    from tests.metrics.admin_forms import admin_form_data

    measure = MeasureFactory(unit="count", baseline_value=D(30))
    client.force_login(staff_user)
    url = reverse("admin:metrics_measure_change", args=[measure.pk])
    rows = {"targets": [{"kind": "final", "words": "10% increase", "set_on": ""}]}
    response = client.post(url, admin_form_data(client.get(url), rows=rows))
    assert response.status_code == 302
    target = Target.objects.get(measure=measure)
    assert (target.value, target.written, target.change_by, target.change) == (
        None,
        "10% increase",
        "percent",
        10,
    )
    assert target.due_date is None
    assert target.resolved_value() == 33
    # Shown again as written, and words it cannot read are refused next to the field.
    page = client.get(url)
    assert 'value="10% increase"' in page.content.decode()
    rows = {"targets": [{"kind": "final", "words": "10% more", "set_on": ""}]}
    response = client.post(url, admin_form_data(client.get(url), rows=rows))
    assert response.status_code == 200
    assert "Target “10% more” is not understood" in response.content.decode()
    assert Target.objects.filter(measure=measure).count() == 1


@pytest.mark.django_db
def test_a_figure_entered_on_its_page_can_be_dated_by_its_report(client):
    from improvement import roles
    from tests.factories import user_with_role

    measure = MeasureFactory(unit="percent", direction="none")
    Target.objects.create(measure=measure, value=80, due_date=None, set_on=None)
    client.force_login(user_with_role(roles.ADMINISTRATOR))
    response = client.post(
        measure.get_absolute_url(),
        {"period_end": "2025-03-31", "dated": "reported", "value": "70"},
    )
    assert response.status_code == 302
    point = DataPoint.objects.get(measure=measure)
    assert (point.period_end, point.dated) == (date(2025, 3, 31), "reported")
    html = client.get(measure.get_absolute_url() + "?as_at=2025-06-30").content.decode()
    assert "70.0% (reported 31 March 2025)" in html
    assert "Direction not stated" in html
    assert "80.0% no date" in html
    assert "reported 31 Mar 2025" in html


# -- query counts: targets as written cost no query per measure or per target --------------


def _written_measures(plan, n):
    for i in range(n):
        measure = MeasureFactory(plan=plan, name=f"Measure {i:03d}", baseline_value=D(40))
        Target.objects.create(
            measure=measure, written="10% increase", change_by="percent", change=10, set_on=None
        )
        Target.objects.create(
            measure=measure,
            kind="interim",
            written="a plan in place",
            due_date=date(2024, 12, 31),
            set_on=None,
        )
        DataPointFactory(measure=measure, period_end=date(2025, 3, 31), value=41, dated="reported")


@pytest.mark.django_db
def test_the_measure_list_and_plan_page_count_the_same_queries_for_5_or_50_measures(signed_in):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from tests.factories import ObjectiveFactory, PlanFactory

    counts = []
    for n in (5, 50):
        plan = PlanFactory()
        objective = ObjectiveFactory(plan=plan, reference="1")
        _written_measures(plan, n)
        for measure in plan.measures.all():
            measure.objectives.add(objective)
        pages = []
        for url in (reverse("measure-list") + "?as_at=2025-06-30", plan.get_absolute_url()):
            with CaptureQueriesContext(connection) as captured:
                response = signed_in.get(url)
            assert response.status_code == 200
            assert "44.0% (10% increase)" in response.content.decode()
            pages.append(len(captured))
        counts.append(pages)
    assert counts[0] == counts[1]


@pytest.mark.django_db
def test_a_measure_page_counts_the_same_queries_for_5_or_50_targets(signed_in):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for n in (5, 50):
        measure = MeasureFactory(baseline_value=D(40))
        for i in range(n):
            Target.objects.create(
                measure=measure,
                kind="interim",
                written="10% increase",
                change_by="percent",
                change=10,
                due_date=date(2020 + i, 3, 31),
                set_on=None,
            )
            DataPointFactory(
                measure=measure, period_end=date(2020 + i, 3, 31), value=41, dated="reported"
            )
        with CaptureQueriesContext(connection) as captured:
            response = signed_in.get(measure.get_absolute_url() + "?as_at=2025-06-30")
        assert response.status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]

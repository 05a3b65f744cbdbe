"""Importing workforce returns from CSV (the service and `import_workforce_returns`): all
or nothing, every problem reported by row and column, formulas never worked out, and the
measures the returns feed recomputed after a successful import."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from metrics.models import DataPoint
from tests.workforce.factories import (
    ServiceAreaFactory,
    TeamFactory,
    WorkforceReturnFactory,
    indicator_measure,
)
from workforce.models import WorkforceReturn
from workforce.resources import COLUMNS
from workforce.services import read_csv, workforce_returns_import

pytestmark = pytest.mark.django_db

HEADER = ",".join(COLUMNS)


def line(team="Team A", area="Area 1", as_at="2025-09-30", **figures) -> str:
    values = {
        "establishment_fte": "12",
        "permanent_fte": "10",
        "agency_fte": "2",
        "agency_covering_vacancies_fte": "1.5",
        "vacancies_fte": "2",
        "starters_fte": "1",
        "starters_headcount": "1",
        "leavers_fte": "0.5",
        "leavers_headcount": "1",
        "leavers_under_two_years": "0",
        "sickness_days": "12.5",
        "cases": "180",
        "case_holding_fte": "11",
        "newly_qualified": "2",
        "students": "1",
    }
    values.update(figures)
    cells = [area, team, as_at, *values.values()]
    return ",".join(f'"{c}"' if "," in c else c for c in cells)


def csv(*lines: str) -> str:
    return "\n".join([HEADER, *lines]) + "\n"


@pytest.fixture
def teams():
    area = ServiceAreaFactory(name="Area 1")
    return TeamFactory(name="Team A", service_area=area), TeamFactory(
        name="Team B", service_area=area
    )


def run(text: str, **kwargs):
    return workforce_returns_import(dataset=read_csv(text.encode("utf-8-sig")), **kwargs)


def test_a_good_file_adds_its_returns(teams):
    outcome = run(
        csv(line(), line(team="Team B", cases="1,200", permanent_fte="60", case_holding_fte="60"))
    )
    assert outcome.ok, outcome.problems
    assert (outcome.new, outcome.updated) == (2, 0)
    a = WorkforceReturn.objects.get(team=teams[0])
    assert a.as_at == datetime.date(2025, 9, 30)
    assert a.agency_covering_vacancies_fte == Decimal("1.5")
    assert a.sickness_days == Decimal("12.5")
    assert WorkforceReturn.objects.get(team=teams[1]).cases == 1200


def test_importing_the_same_file_again_changes_nothing_and_a_changed_row_updates(teams):
    run(csv(line()))
    history = WorkforceReturn.history.count()
    again = run(csv(line()))
    assert (again.new, again.updated, again.unchanged) == (0, 0, 1)
    assert WorkforceReturn.history.count() == history
    changed = run(csv(line(permanent_fte="9.5")))
    assert changed.updated == 1
    assert WorkforceReturn.objects.get().permanent_fte == Decimal("9.5")


def test_a_file_with_one_bad_row_saves_nothing_and_names_the_row_and_column(teams):
    outcome = run(csv(line(), line(team="Team B", permanent_fte="ten")))
    assert not outcome.ok
    assert WorkforceReturn.objects.count() == 0
    [problem] = outcome.problems
    assert (problem.row, problem.column) == (2, "permanent_fte")
    assert "'ten' is not a number" in problem.message
    assert str(problem).startswith("Row 2 (line 3 of the file), column permanent_fte:")


def test_every_problem_in_every_row_is_reported(teams):
    outcome = run(
        csv(
            line(agency_fte="-1"),
            line(team="Team B", cases="=SUM(A1:A9)", as_at="31/02/2025"),
        )
    )
    found = {(p.row, p.column) for p in outcome.problems}
    assert {(1, "agency_fte"), (2, "cases"), (2, "as_at")} <= found
    assert WorkforceReturn.objects.count() == 0


def test_a_negative_fte_is_refused(teams):
    [problem] = run(csv(line(permanent_fte="-2.5"))).problems
    assert problem.column == "permanent_fte"
    assert "negative" in problem.message


@pytest.mark.parametrize("cell", ["=1+1", "+5", "@SUM(A1)", "-A1", '=HYPERLINK("x")'])
def test_a_formula_looking_cell_is_refused_as_not_a_number_and_never_worked_out(teams, cell):
    [problem] = run(csv(line(leavers_fte=cell.replace('"', '""')))).problems
    assert problem.column == "leavers_fte"
    assert "is not a number" in problem.message
    assert "formula" in problem.message
    assert WorkforceReturn.objects.count() == 0


def test_headcounts_must_be_whole_numbers_and_ftes_at_most_two_decimal_places(teams):
    problems = run(csv(line(cases="180.5", permanent_fte="10.125"))).problems
    assert {p.column for p in problems} == {"cases", "permanent_fte"}


def test_an_unknown_team_is_refused_not_created(teams):
    outcome = run(csv(line(team="Team Z")))
    [problem] = outcome.problems
    assert problem.column == "team"
    assert "no team called 'Team Z'" in problem.message
    assert WorkforceReturn.objects.count() == 0


def test_a_team_name_in_two_service_areas_needs_its_service_area(teams):
    TeamFactory(name="Team A", service_area=ServiceAreaFactory(name="Area 2"))
    [problem] = run(csv(line(area=""))).problems
    assert "give the service area" in problem.message
    assert run(csv(line(area="Area 2"))).ok
    assert WorkforceReturn.objects.get().team.service_area.name == "Area 2"


def test_two_rows_for_the_same_team_and_date_are_refused(teams):
    [problem] = run(csv(line(), line(permanent_fte="9"))).problems
    assert (problem.row, problem.column) == (2, "as_at")
    assert "Row 1" in problem.message


def test_checks_across_figures_apply_to_imports_too(teams):
    [problem] = run(csv(line(agency_covering_vacancies_fte="2", vacancies_fte="1"))).problems
    assert problem.column == "agency_covering_vacancies_fte"
    assert "cannot be more than the vacancies" in problem.message


def test_missing_or_unknown_columns_refuse_the_whole_file(teams):
    text = csv(line()).replace("permanent_fte", "permanant_fte")
    problems = run(text).problems
    assert [p.row for p in problems] == [None, None]
    assert "Columns missing: permanent_fte" in problems[0].message
    assert "not recognised: permanant_fte" in problems[1].message
    assert run("").problems[0].message.startswith("The file is empty")


def test_a_dry_run_checks_the_file_and_saves_nothing(teams):
    outcome = run(csv(line()), dry_run=True)
    assert outcome.ok and outcome.new == 1
    assert WorkforceReturn.objects.count() == 0


def test_an_import_recomputes_the_measures_the_returns_feed(teams):
    measure = indicator_measure("agency")
    WorkforceReturnFactory(team=teams[0], as_at=datetime.date(2025, 6, 30))
    outcome = run(csv(line(permanent_fte="6", agency_fte="2", case_holding_fte="8")))
    assert outcome.refreshed.measures == 1
    points = {p.period_end: p for p in DataPoint.objects.filter(measure=measure)}
    assert points[datetime.date(2025, 9, 30)].value == Decimal("25.0000")
    assert points[datetime.date(2025, 9, 30)].source == "workforce"
    assert "1 workforce return " in points[datetime.date(2025, 9, 30)].note


def test_a_failed_import_leaves_the_measures_as_they_were(teams):
    measure = indicator_measure("agency")
    run(csv(line(permanent_fte="6", agency_fte="2", case_holding_fte="8")))
    run(csv(line(permanent_fte="2", agency_fte="2", case_holding_fte="4"), line(team="Nobody")))
    assert DataPoint.objects.get(measure=measure).value == Decimal("25.0000")


def test_the_command_imports_a_file_and_prints_what_it_did(teams, tmp_path):
    path = tmp_path / "returns.csv"
    path.write_text(csv(line(), line(team="Team B")), encoding="utf-8")
    out = StringIO()
    call_command("import_workforce_returns", str(path), stdout=out)
    assert "Added 2 return(s)" in out.getvalue()
    assert WorkforceReturn.objects.count() == 2


def test_the_command_prints_every_row_error_and_saves_nothing(teams, tmp_path):
    path = tmp_path / "returns.csv"
    path.write_text(csv(line(cases="=1+1"), line(team="Team Z")), encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError, match="nothing imported, 2 problem"):
        call_command("import_workforce_returns", str(path), stderr=err)
    assert "Row 1 (line 2 of the file), column cases:" in err.getvalue()
    assert "Row 2 (line 3 of the file), column team:" in err.getvalue()
    assert WorkforceReturn.objects.count() == 0


def test_the_command_dry_run_saves_nothing(teams, tmp_path):
    path = tmp_path / "returns.csv"
    path.write_text(csv(line()), encoding="utf-8")
    out = StringIO()
    call_command("import_workforce_returns", str(path), "--dry-run", stdout=out)
    assert "Dry run, nothing saved" in out.getvalue()
    assert WorkforceReturn.objects.count() == 0

"""The DfE workforce indicators: each formula on a worked example, the national checks,
group figures from sums (never an average of rates), zero denominators, the 12 months,
and the "start" turnover setting."""

import datetime
from decimal import Decimal

import pytest

from metrics.models import Indicator
from workforce import indicators
from workforce.indicators import (
    absence_rate,
    agency_worker_rate,
    average_caseload,
    figures_at,
    permanent_rate,
    rounded,
    series,
    turnover_rate,
    twelve_months_before,
    vacancies_covered_rate,
    vacancy_rate,
)
from workforce.models import WorkforceReturn

D = datetime.date
SEP_2025 = D(2025, 9, 30)


def a_return(team_id=1, as_at=SEP_2025, **figures) -> WorkforceReturn:
    """An unsaved return: the indicators need no database."""
    values = {
        "permanent_fte": "0",
        "agency_fte": "0",
        "agency_covering_vacancies_fte": "0",
        "vacancies_fte": "0",
        "establishment_fte": "0",
        "leavers_fte": "0",
        "sickness_days": "0",
        "case_holding_fte": "0",
    }
    values.update({k: v for k, v in figures.items() if k != "cases"})
    return WorkforceReturn(
        team_id=team_id,
        as_at=as_at,
        cases=figures.get("cases", 0),
        **{k: Decimal(v) for k, v in values.items()},
    )


def test_the_national_2025_turnover_rate_is_11_8_percent():
    rate = turnover_rate(Decimal("4276.3"), Decimal("36186.3"))
    assert rounded(rate) == Decimal("11.8")
    assert indicators.display(rate, "turnover") == "11.8%"


def test_the_national_2025_average_caseload_is_15_2():
    caseload = average_caseload(321661, Decimal("21105.4"))
    assert rounded(caseload) == Decimal("15.2")
    assert indicators.display(caseload, "caseload") == "15.2"


def test_the_national_checks_hold_when_worked_out_from_a_return():
    figures = figures_at(
        [
            a_return(
                leavers_fte="4276.3",
                permanent_fte="36186.3",
                cases=321661,
                case_holding_fte="21105.4",
            )
        ],
        SEP_2025,
    )
    assert rounded(figures.turnover) == Decimal("11.8")
    assert rounded(figures.caseload) == Decimal("15.2")


def test_the_agency_rate_counts_agency_workers_against_agency_plus_staff_in_post():
    assert agency_worker_rate(Decimal("20"), Decimal("80")) == Decimal("20")
    assert permanent_rate(Decimal("20"), Decimal("80")) == Decimal("80")
    # 7.5 / (7.5 + 22.5) = 25%: not 7.5 / 22.5, which would be a third.
    assert agency_worker_rate(Decimal("7.5"), Decimal("22.5")) == Decimal("25")


def test_the_vacancy_rate_counts_vacancies_against_vacancies_plus_staff_in_post():
    assert vacancy_rate(Decimal("25"), Decimal("75")) == Decimal("25")
    assert rounded(vacancy_rate(Decimal("3.5"), Decimal("40.25"))) == Decimal("8.0")


def test_vacancies_covered_is_agency_covering_vacancies_over_vacancies():
    assert vacancies_covered_rate(Decimal("15"), Decimal("20")) == Decimal("75")


def test_the_absence_rate_counts_253_working_days_for_each_fte_in_post():
    # 506 days lost by 40 FTE: 506 / (40 x 253) = 5%.
    assert absence_rate(Decimal("506"), Decimal("40")) == Decimal("5")
    assert rounded(absence_rate(Decimal("123.5"), Decimal("12.5"))) == Decimal("3.9")


def test_every_indicator_is_a_decimal_never_a_float():
    figures = figures_at(
        [
            a_return(
                permanent_fte="10",
                agency_fte="3",
                agency_covering_vacancies_fte="1",
                vacancies_fte="2",
                leavers_fte="1",
                sickness_days="12",
                cases=150,
                case_holding_fte="11",
            )
        ],
        SEP_2025,
    )
    for code in indicators.INDICATORS:
        assert isinstance(figures.value(code), Decimal), code


def test_turnover_and_absence_add_up_the_returns_in_the_12_months_to_the_date():
    returns = [
        a_return(as_at=D(2024, 9, 30), leavers_fte="5", sickness_days="100"),  # a year before
        a_return(as_at=D(2024, 12, 31), leavers_fte="1", sickness_days="10"),
        a_return(as_at=D(2025, 3, 31), leavers_fte="2", sickness_days="20"),
        a_return(as_at=D(2025, 6, 30), leavers_fte="1", sickness_days="30"),
        a_return(as_at=SEP_2025, leavers_fte="1", sickness_days="66.5", permanent_fte="50"),
        a_return(as_at=D(2025, 12, 31), leavers_fte="9", sickness_days="999"),  # after
    ]
    figures = figures_at(returns, SEP_2025)
    assert figures.leavers_fte_12_months == Decimal("5")
    assert figures.turnover == Decimal("10")  # 5 / 50, at the end of the 12 months
    # 126.5 days / (50 FTE x 253 days) = 1%.
    assert figures.absence == Decimal("1")


def test_twelve_months_before_keeps_month_ends_as_month_ends():
    assert twelve_months_before(D(2025, 9, 30)) == D(2024, 9, 30)
    assert twelve_months_before(D(2025, 2, 28)) == D(2024, 2, 29)
    assert twelve_months_before(D(2024, 2, 29)) == D(2023, 2, 28)
    assert twelve_months_before(D(2025, 5, 15)) == D(2024, 5, 15)


def test_a_service_area_adds_up_its_teams_rather_than_averaging_their_rates():
    small = a_return(
        team_id=1,
        permanent_fte="10",
        agency_fte="10",
        leavers_fte="5",
        cases=100,
        case_holding_fte="5",
    )
    large = a_return(
        team_id=2,
        permanent_fte="90",
        agency_fte="0",
        leavers_fte="9",
        cases=150,
        case_holding_fte="15",
    )
    group = figures_at([small, large], SEP_2025)
    alone = [figures_at([r], SEP_2025) for r in (small, large)]

    # Agency: 50% and 0% average to 25%; the group has 10 agency FTE of 110.
    assert [a.agency for a in alone] == [Decimal("50"), Decimal("0")]
    assert group.agency == Decimal(10) / Decimal(110) * 100
    assert rounded(group.agency) == Decimal("9.1")
    # Turnover: 50% and 10% average to 30%; the group lost 14 FTE of 100.
    assert group.turnover == Decimal("14")
    # Caseload: 20 and 10 average to 15; the group holds 250 cases over 20 FTE.
    assert group.caseload == Decimal("12.5")
    assert group.returns == 2


def test_a_group_at_a_date_counts_only_the_teams_with_a_return_at_that_date():
    returns = [
        a_return(team_id=1, permanent_fte="10", agency_fte="10"),
        a_return(team_id=2, as_at=D(2025, 6, 30), permanent_fte="90"),
    ]
    figures = figures_at(returns, SEP_2025)
    assert figures.returns == 1
    assert figures.agency == Decimal("50")
    assert [f.as_at for f in series(returns)] == [D(2025, 6, 30), SEP_2025]


def test_nothing_to_divide_by_gives_no_value_never_an_error():
    figures = figures_at([a_return(leavers_fte="1", sickness_days="3", cases=4)], SEP_2025)
    for code in indicators.INDICATORS:
        assert figures.value(code) is None, code
        assert indicators.display(figures.value(code), code) == "No data"
    # Staff in post but no vacancies: every rate but "vacancies covered".
    staffed = figures_at([a_return(permanent_fte="10")], SEP_2025)
    assert staffed.vacancy == Decimal("0")
    assert staffed.vacancies_covered is None
    assert staffed.caseload is None
    assert turnover_rate(Decimal("1"), Decimal("0")) is None


@pytest.fixture
def start_turnover(settings):
    settings.WORKFORCE_TURNOVER_DENOMINATOR = "start"


def two_years():
    return [
        a_return(team_id=1, as_at=D(2024, 9, 30), permanent_fte="40", leavers_fte="3"),
        a_return(team_id=1, as_at=D(2025, 3, 31), permanent_fte="45", leavers_fte="2"),
        a_return(team_id=1, as_at=SEP_2025, permanent_fte="50", leavers_fte="3"),
    ]


def test_turnover_is_against_staff_in_post_at_the_end_of_the_12_months_by_default():
    assert figures_at(two_years(), SEP_2025).turnover == Decimal("10")  # 5 / 50


def test_a_council_may_count_turnover_against_staff_in_post_at_the_start(start_turnover):
    assert figures_at(two_years(), SEP_2025).turnover == Decimal("12.5")  # 5 / 40


def test_with_the_start_setting_a_team_without_a_return_a_year_earlier_is_left_out(
    start_turnover,
):
    newcomer = a_return(team_id=2, permanent_fte="10", leavers_fte="9")
    assert figures_at([*two_years(), newcomer], SEP_2025).turnover == Decimal("12.5")
    assert figures_at([newcomer], SEP_2025).turnover is None


def test_an_unknown_turnover_setting_is_refused(settings):
    settings.WORKFORCE_TURNOVER_DENOMINATOR = "middle"
    with pytest.raises(ValueError, match="WORKFORCE_TURNOVER_DENOMINATOR"):
        figures_at(two_years(), SEP_2025).turnover  # noqa: B018


def test_a_12_month_rate_from_fewer_than_12_months_of_returns_is_flagged():
    returns = two_years()
    assert figures_at(returns, SEP_2025).part_year("turnover") is False
    assert figures_at(returns, D(2025, 3, 31)).part_year("turnover") is True
    assert figures_at(returns, D(2025, 3, 31)).part_year("absence") is True
    assert figures_at(returns, D(2025, 3, 31)).part_year("agency") is False


def test_the_indicator_codes_are_the_measures_indicator_choices():
    assert set(indicators.INDICATORS) == set(Indicator.values)

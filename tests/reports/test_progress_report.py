"""The committee progress report's content: every action in natural order with its status
in the plan's own words, the same statuses the history gives as at the date, the key,
the summary, an objective with no actions, the measures and their charts; and the page."""

import datetime

import pytest
from django.urls import reverse

from improvement.history import plan_state_as_at
from improvement.reports.assembly import progress_report
from tests.reports.conftest import AS_AT, ORDER

pytestmark = pytest.mark.django_db


def page(client, plan, query="?as_at=2025-06-30"):
    response = client.get(reverse("plan-report", kwargs={"slug": plan.slug}) + query)
    assert response.status_code == 200
    return response


def test_every_action_is_in_the_report_in_natural_order(plan):
    report = progress_report(plan, AS_AT)
    assert [a.reference for a in report.actions] == ORDER


def test_statuses_are_in_the_plans_own_words(plan):
    report = progress_report(plan, AS_AT)
    labels = {a.reference: a.status_label for a in report.actions}
    assert labels["1.1"] == "Complete"
    assert labels["1.2"] == "Amber"
    assert labels["1.10"] == "Red"
    assert report.status_label == "Red"
    assert report.status_reason == "Off track because objective 1 is off track."


@pytest.mark.parametrize("as_at", [datetime.date(2025, 3, 31), AS_AT, datetime.date(2024, 1, 1)])
def test_the_report_as_at_a_date_says_what_the_history_says(plan, as_at):
    report = progress_report(plan, as_at)
    state = plan_state_as_at(plan, as_at)
    labels = plan.labels()
    assert [(a.reference, a.status.status) for a in report.actions] == [
        (a.action.reference, a.status) for a in state.actions
    ]
    assert [a.status_label for a in report.actions] == [
        labels[a.status] if a.status else "No status" for a in state.actions
    ]
    assert [o.status.status for o in report.objectives] == [o.status for o in state.objectives]
    assert report.status.status == state.status


def test_updates_after_the_date_do_not_count(plan):
    """June's updates are not in a report as at March, however late it is drawn."""
    before = progress_report(plan, datetime.date(2025, 3, 31))
    assert [a.status_label for a in before.actions] == ["Green", "Green", "Amber"] + [
        "Not started"
    ] * 4


def test_the_key_gives_the_standard_word_where_the_plans_differs(plan):
    key = {line.label: line for line in progress_report(plan, AS_AT).key}
    assert key["Green"].standard_word == "On track"
    assert key["Green"].meaning == "Will be met on time."
    assert key["Complete"].standard_word == ""
    # A status the plan gives no meaning for still says what it means.
    assert key["Complete"].meaning == "The work is finished."


def test_the_key_lists_only_the_labels_the_report_shows(plan):
    report = progress_report(plan, AS_AT)
    # Nothing is not started or without a status as at June: neither is in the key.
    assert [line.label for line in report.key] == ["Complete", "Green", "Amber", "Red", "Overdue"]
    march = progress_report(plan, datetime.date(2025, 3, 31))
    assert "Not started" in [line.label for line in march.key]
    assert "Complete" not in [line.label for line in march.key]


def test_the_page_has_the_title_lines_key_summary_and_every_action(signed_in, plan):
    html = page(signed_in, plan).content.decode()
    report = progress_report(plan, AS_AT)
    for text in [
        "Anytown Council",
        "Children&#x27;s services improvement plan",
        "Progress report: Children&#x27;s services improvement plan",
        "Children and Young People Scrutiny Committee",
        "As at</dt>",
        "30 June 2025",
        "Status key",
        "On track: Will be met on time.",
        report.summary,
        "Off track because objective 1 is off track.",
    ]:
        assert text in html, text
    positions = [
        html.index(f'<th scope="row" class="govuk-table__header" data-label="Ref">{ref}</th>')
        for ref in ORDER
    ]
    assert positions == sorted(positions)
    assert '<strong class="app-status app-status--red">Red</strong>' in html
    assert '<strong class="app-flag app-flag--overdue">Overdue</strong>' in html
    # Text is escaped, never markup.
    assert "Cut agency use &lt;below 10%&gt;" in html
    assert "Agency use is 14% &amp; rising." in html


def test_the_page_groups_objectives_under_sections_with_headings_in_order(signed_in, plan):
    html = page(signed_in, plan).content.decode()
    assert (
        '<h2 class="govuk-heading-m">Objective 1: Recruit &amp; retain social workers</h2>' in html
    )
    assert '<h2 class="govuk-heading-l app-report-section">Governance</h2>' in html
    assert '<h3 class="govuk-heading-m">Objective 3: Better performance data</h3>' in html
    assert html.index("Objective 2") < html.index("Governance") < html.index("Objective 3:")
    assert (
        '<caption class="govuk-table__caption govuk-table__caption--s">Actions for Objective 1'
        in html
    )
    assert '<th scope="col" class="govuk-table__header app-col-progress">Progress</th>' in html


def test_an_objective_with_no_actions_shows_its_assessment(signed_in, plan):
    html = page(signed_in, plan).content.decode()
    section = html[html.index("Objective 2") : html.index("Governance")]
    for text in [
        "Review the membership of the board.",
        "The board has been restructured.",
        "Achievements to date",
        "New chair in place",
        "Structure chart",
        "Key areas for development for Objective 2",
        "Engage schools",
        "Quarter 3",
    ]:
        assert text in section, text


def test_the_measures_table_and_charts(signed_in, plan):
    html = page(signed_in, plan).content.decode()
    measures = html[html.index("Measures as at 30 June 2025") :]
    for heading in ["Measure", "Baseline", "Latest", "Target", "Status", "Trend"]:
        assert f">{heading}</th>" in measures
    assert "14.0% (Jun 2025)" in measures and "8.0% by Mar 2026" in measures
    assert "↑ better (-2.0 percentage points)" in measures
    assert measures.count('<svg xmlns="http://www.w3.org/2000/svg"') == 2
    assert "Vacancy rate: values over time" in measures


def test_a_reporting_period_draws_the_report_as_at_its_end(signed_in, plan):
    from improvement.models import ReportingPeriod

    q4 = ReportingPeriod.objects.get(name="Q4 2024/25")
    url = reverse("plan-report", kwargs={"slug": plan.slug})
    response = signed_in.get(f"{url}?as_at=2025-06-30&period={q4.pk}")
    # The page shows one date: the period's end, in the date field and the report.
    assert response.status_code == 302 and response.url == f"{url}?as_at=2025-03-31"
    response = signed_in.get(response.url)
    assert response.context["report"].as_at == datetime.date(2025, 3, 31)
    html = response.content.decode()
    assert 'value="2025-03-31"' in html and "31 March 2025" in html
    assert "30 June 2025" not in html
    # A download with a period is drawn as at its end, with no detour.
    file = signed_in.get(f"{url}?as_at=2025-06-30&period={q4.pk}&format=csv")
    assert file.status_code == 200 and "2025-03-31" in file["Content-Disposition"]


def test_a_bad_date_is_explained_next_to_the_field(signed_in, plan):
    response = page(signed_in, plan, "?as_at=2025-13-45")
    html = response.content.decode()
    assert "There is a problem" in html and 'class="govuk-error-message"' in html
    assert response.context["report"] is None
    bad_file = signed_in.get(
        reverse("plan-report", kwargs={"slug": plan.slug}) + "?as_at=nonsense&format=docx"
    )
    assert bad_file.status_code == 400


def test_an_unknown_format_is_refused(signed_in, plan):
    response = signed_in.get(reverse("plan-report", kwargs={"slug": plan.slug}) + "?format=exe")
    assert response.status_code == 400


def test_the_page_offers_every_format_and_saving(signed_in, plan):
    html = page(signed_in, plan).content.decode()
    for fmt in ["docx", "pdf", "xlsx", "csv", "html&amp;download=1"]:
        assert f"as_at=2025-06-30&amp;format={fmt}" in html
    assert "Save as issued" in html
    assert 'rel="stylesheet" href="/static/css/report.css"' in html


def test_the_plan_page_links_to_its_reports(signed_in, plan):
    html = signed_in.get(plan.get_absolute_url() + "?as_at=2025-06-30").content.decode()
    assert reverse("plan-report", kwargs={"slug": plan.slug}) + "?as_at=2025-06-30" in html
    assert reverse("plan-exceptions", kwargs={"slug": plan.slug}) + "?as_at=2025-06-30" in html


def test_the_web_page_file_stands_alone_with_no_navigation(signed_in, plan):
    response = signed_in.get(
        reverse("plan-report", kwargs={"slug": plan.slug}) + "?as_at=2025-06-30&download=1"
    )
    assert response["Content-Disposition"] == (
        'attachment; filename="anytown-progress-as-at-2025-06-30.html"'
    )
    html = response.content.decode()
    assert html.startswith("<!DOCTYPE html>")
    assert "<style>" in html and "@page" in html  # the print stylesheet travels with it
    assert "<nav" not in html and "<form" not in html and "Save as issued" not in html
    assert "<a " not in html  # no links back into the app
    report = progress_report(plan, AS_AT)
    assert report.summary in html
    for reference in ORDER:
        assert (
            f'<th scope="row" class="govuk-table__header" data-label="Ref">{reference}</th>' in html
        )


def test_every_status_is_shown_through_one_helper(plan):
    from improvement.reports.assembly import report_status

    labels = plan.labels()
    green = report_status("on_track", labels)
    assert (green.label, green.standard, green.colour, green.differs) == (
        "Green",
        "On track",
        "green",
        True,
    )
    none = report_status(None, labels)
    assert (none.code, none.label, none.colour) == ("", "No status", "none")
    assert report_status(None, labels, none_label="No data").label == "No data"
    report = progress_report(plan, AS_AT)
    shown = [a.status for a in report.actions] + [o.status for o in report.objectives]
    assert all(s == report_status(s.code, labels) for s in shown)

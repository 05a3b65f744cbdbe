"""The dashboard answers "what is red, why, and what changed": every count on it is a link
to a list of exactly the items counted (at N=5 and N=50 actions, in a constant number of
queries); filters kept in the address; tiles by section with a history strip; what moved
against any earlier date, with a message when there is nothing to compare with."""

import datetime
import re
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from improvement.models import Plan
from tests.factories import (
    ActionFactory,
    DataPointFactory,
    MeasureFactory,
    ObjectiveFactory,
    PlanFactory,
    ProgressUpdateFactory,
    ReportingPeriodFactory,
    SectionFactory,
    StatusKeyEntryFactory,
    TargetFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date
AS_AT = D(2025, 9, 1)
QUARTERS = [
    ("Q3 2024/25", D(2024, 10, 1), D(2024, 12, 31)),
    ("Q4 2024/25", D(2025, 1, 1), D(2025, 3, 31)),
    ("Q1 2025/26", D(2025, 4, 1), D(2025, 6, 30)),
    ("Q2 2025/26", D(2025, 7, 1), D(2025, 9, 30)),
]
# What each action reports, by its position: (status, date of its latest update).
PATTERN = [
    ("on_track", D(2025, 8, 15)),
    ("off_track", D(2025, 8, 15)),
    ("at_risk", D(2025, 1, 15)),  # older than two quarters on 1 September: stale
    ("complete", D(2025, 7, 20)),
    ("", D(2025, 7, 10)),  # reported on, with no status
    (None, None),  # never reported on: not started
]


# Periods are each plan's own: once a test asks for the quarters, every plan it has and
# every plan `build` makes afterwards gets them.
_QUARTERS = {"wanted": False}


@pytest.fixture(autouse=True)
def _quarters_not_wanted_yet():
    _QUARTERS["wanted"] = False


def add_quarters(plan):
    for name, start, end in QUARTERS:
        ReportingPeriodFactory(
            plan=plan,
            name=name,
            start=start,
            end=end,
            update_deadline=end + datetime.timedelta(days=10),
        )


def periods():
    _QUARTERS["wanted"] = True
    for plan in Plan.objects.all():
        add_quarters(plan)


def build(n, *, owner=None, organisation="Anytown Council", title="Anytown plan"):
    """A plan with `n` actions of every kind (rated or not, overdue, stale, not updated this
    period, moved since last quarter), an objective known only by an old assessment, one
    with too few rated actions, measures off target and at risk."""
    owner = owner or UserFactory()
    plan = PlanFactory(title=title, organisation=organisation)
    if _QUARTERS["wanted"]:
        add_quarters(plan)
    StatusKeyEntryFactory(plan=plan, status="at_risk", label="Amber")
    StatusKeyEntryFactory(plan=plan, status="off_track", label="Red")
    first, second = (SectionFactory(plan=plan, title=t, position=i) for i, t in
                     enumerate(["Leadership and governance", "Workforce"]))  # fmt: skip
    busy = ObjectiveFactory(plan=plan, reference="1", title="Recruit and keep social workers",
                            section=first, owner=owner)  # fmt: skip
    assessed = ObjectiveFactory(plan=plan, reference="2", section=first)
    quiet = ObjectiveFactory(plan=plan, reference="3", section=second)
    for i in range(n):
        status, on = PATTERN[i % len(PATTERN)]
        action = ActionFactory(
            objective=busy,
            reference=f"1.{i + 1}",
            owner=owner if i % 2 else UserFactory(),
            due_date=D(2025, 6, 30) if i % 4 == 0 else D(2026, 3, 31),
        )
        if status is not None:
            ProgressUpdateFactory(action=action, as_at=D(2024, 12, 1), status="on_track")
            ProgressUpdateFactory(action=action, as_at=on, status=status)
    ProgressUpdateFactory(action=None, objective=assessed, as_at=D(2024, 12, 1), status="at_risk")
    for i in range(3):
        ProgressUpdateFactory(
            action=ActionFactory(objective=quiet, reference=f"3.{i + 1}"),
            as_at=D(2025, 8, 1),
            status="",
        )
    for value, status_value in ((40, "off"), (78, "amber")):
        measure = MeasureFactory(plan=plan, amber_tolerance=5, name=f"Measure {status_value}")
        TargetFactory(measure=measure, value=80)
        DataPointFactory(measure=measure, period_end=D(2025, 6, 30), value=value)
    return plan


class Links(HTMLParser):
    """Every link whose text starts with a number: (the number, the address)."""

    def __init__(self):
        super().__init__()
        self.links, self._href, self._text = [], None, ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and "app-tile__link" not in (attrs.get("class") or ""):
            self._href, self._text = attrs.get("href"), ""

    def handle_data(self, data):
        if self._href is not None:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "a" and self._href is not None:
            number = re.match(r"\s*(\d+)", self._text)
            if number:
                self.links.append((int(number.group(1)), self._href))
            self._href = None


def counted_links(html):
    parser = Links()
    parser.feed(html)
    return parser.links


def list_length(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    context = response.context
    path = urlsplit(url).path
    if path == reverse("action-list") or path == reverse("objective-list"):
        return context["count"]
    if path == reverse("measure-list"):
        return context["table"].paginator.count
    return len(context["changes"])  # a plan's "what moved", filtered by direction


def dashboard(client, query="as_at=2025-09-01"):
    response = client.get(f"{reverse('dashboard')}?{query}")
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("n", [5, 50])
def test_every_count_links_to_a_list_of_exactly_those_items(signed_in, n):
    periods()
    build(n)
    response = dashboard(signed_in)
    links = counted_links(response.content.decode())
    kinds = {urlsplit(url).path for _, url in links}
    assert {reverse("action-list"), reverse("objective-list"), reverse("measure-list")} <= kinds
    assert any("moved=" in url for _, url in links)
    for count, url in set(links):
        assert list_length(signed_in, url) == count, url
    row = response.context["board"].rows[0]
    # The counts are the plan's: spot-check them against the pattern.
    assert row.action_total.count == n + 3
    assert row.overdue.count == sum(
        1 for i in range(n) if i % 4 == 0 and PATTERN[i % 6][0] != "complete"
    )
    assert row.stale_actions.count == sum(1 for i in range(n) if i % 6 == 2)


def test_with_an_owner_filter_every_count_is_still_exact(signed_in, n=50):
    periods()
    owner = UserFactory()
    build(n, owner=owner)
    response = dashboard(signed_in, f"as_at=2025-09-01&owner={owner.pk}")
    links = counted_links(response.content.decode())
    action_links = [(c, u) for c, u in links if urlsplit(u).path == reverse("action-list")]
    assert action_links and all(parse_qs(urlsplit(u).query)["owner"] == [str(owner.pk)]
                                for _, u in action_links)  # fmt: skip
    for count, url in set(links):
        assert list_length(signed_in, url) == count, url
    assert response.context["board"].rows[0].action_total.count == n // 2


def test_the_dashboard_query_count_is_the_same_at_5_and_50_actions(signed_in):
    periods()

    def count():
        with CaptureQueriesContext(connection) as queries:
            dashboard(signed_in)
        return len(queries)

    build(5)
    few = count()
    build(50, title="Second plan")
    build(50, organisation="Othertown Council", title="Third plan")
    assert count() == few


def test_the_objective_list_query_count_is_the_same_at_5_and_50_actions(signed_in):
    periods()
    url = reverse("objective-list") + "?as_at=2025-09-01&stale=yes"

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert signed_in.get(url).status_code == 200
        return len(queries)

    build(5)
    few = count()
    build(50, title="Second plan")
    assert count() == few


def test_filters_are_kept_in_the_address_and_narrow_the_plans(signed_in):
    periods()
    anytown = build(5)
    build(5, organisation="Othertown Council", title="Othertown plan")
    response = dashboard(signed_in, "as_at=2025-09-01&organisation=Othertown+Council")
    assert [r.plan.title for r in response.context["board"].rows] == ["Othertown plan"]
    html = response.content.decode()
    assert '<option value="Othertown Council" selected>' in html
    response = dashboard(signed_in, f"as_at=2025-09-01&plan={anytown.slug}&status=at_risk")
    (row,) = response.context["board"].rows
    assert [t.state.objective.reference for g in row.groups for t in g.tiles] == ["2"]
    assert f'<option value="{anytown.slug}" selected>' in response.content.decode()


def test_a_bad_filter_gets_a_message_next_to_it_and_the_rest_still_apply(signed_in):
    periods()
    build(5)
    response = dashboard(signed_in, "as_at=2025-09-01&status=purple&since=2025-10-01")
    html = response.content.decode()
    assert response.context["form"].errors.keys() == {"status", "since"}
    assert 'id="id_status-error"' in html and 'id="id_since-error"' in html
    assert response.context["board"].as_at == AS_AT


def test_tiles_show_reference_and_short_title_under_their_section_headings(signed_in):
    periods()
    build(5)
    html = dashboard(signed_in).content.decode()
    workforce = html.index(">Workforce</h4>")
    leadership = html.index(">Leadership and governance</h4>")
    assert leadership < html.index("Recruit and keep social workers") < workforce
    assert '<span class="app-tile__ref">1</span>' in html


def test_the_history_strip_gives_each_objectives_status_at_the_last_period_ends(signed_in):
    periods()
    build(5)
    row = dashboard(signed_in).context["board"].rows[0]
    tiles = {t.state.objective.reference: t for g in row.groups for t in g.tiles}
    strip = [(c.period.name, c.status and c.status.value) for c in tiles["1"].strip]
    # Three periods had ended by 1 September: in December 2024 all five were on track;
    # action 1.3 has been at risk since January.
    assert strip == [
        ("Q3 2024/25", "on_track"),
        ("Q4 2024/25", "at_risk"),
        ("Q1 2025/26", "at_risk"),
    ]
    html = dashboard(signed_in).content.decode()
    assert "at the end of each of the last 3 reporting periods" in html
    # The periods are named once per plan (not in every tile), oldest first; each strip
    # merges periods running at one status: 1.x was on track, then at risk twice.
    assert "from Q3 2024/25 (to 31 December 2024) to Q1 2025/26 (to 30 June 2025)" in html
    assert "</strong> ×2</li></ol>" in html


def test_the_strip_holds_at_most_six_periods(signed_in):
    plan = build(5)
    for year in range(2022, 2025):
        for half, (start, end) in enumerate([((4, 1), (9, 30)), ((10, 1), (3, 31))]):
            ReportingPeriodFactory(
                plan=plan,
                name=f"H{half + 1} {year}",
                start=D(year, *start),
                end=D(year + half, *end),
                update_deadline=D(year + half, *end),
            )
    row = dashboard(signed_in).context["board"].rows[0]
    strip = row.groups[0].tiles[0].strip
    assert [c.period.name for c in strip] == [
        "H1 2022", "H2 2022", "H1 2023", "H2 2023", "H1 2024", "H2 2024",
    ]  # fmt: skip


def test_what_moved_since_any_earlier_date(signed_in):
    periods()
    build(5)
    row = dashboard(signed_in, "as_at=2025-09-01&since=2025-02-01").context["board"].rows[0]
    assert row.comparison.label == "1 February 2025"
    assert dict(row.change_counts)["worse"] >= 1


def test_nothing_to_compare_with_says_so(signed_in):
    build(5)  # no reporting periods at all
    row = dashboard(signed_in).context["board"].rows[0]
    assert row.comparison.message == (
        "Nothing to compare with: no reporting period ended before 1 September 2025. "
        "Choose a date to compare with."
    )
    plan_started_late = dashboard(signed_in, "as_at=2025-09-01&since=2024-01-01")
    assert plan_started_late.context["board"].rows[0].comparison.message == (
        "Nothing to compare with: the plan started on 1 April 2024, after 1 January 2024."
    )


def test_the_plan_status_is_in_its_own_words_with_the_standard_word_in_brackets(signed_in):
    periods()
    build(5)
    html = dashboard(signed_in).content.decode()
    # Where plans are compared, the standard word too; within the plan, its own words.
    assert '<strong class="app-status app-status--red">Red (Off track)</strong>' in html
    assert '<strong class="app-status app-status--amber">Amber</strong>' in html

"""A committee plan to report on: its own status words, a section, actions whose
references sort naturally ("1.2" before "1.10"), narratives with "&", "<" and text a
spreadsheet would take for a formula, an objective with no actions (assessed, with
achievements, evidence and areas for development), and measures with values."""

import datetime

import pytest

from improvement import roles
from tests.factories import (
    ActionFactory,
    AreaForDevelopmentFactory,
    DataPointFactory,
    MeasureFactory,
    ObjectiveFactory,
    PlanFactory,
    ProgressUpdateFactory,
    ReportingPeriodFactory,
    SectionFactory,
    TargetFactory,
    UserFactory,
    user_with_role,
)

D = datetime.date
AS_AT = D(2025, 6, 30)
# Text a spreadsheet program would run as a formula if written as it is.
FORMULAS = ['=HYPERLINK("http://evil")', "+1", "-2", "@SUM(A1:A9)"]
# Every action, in the order the report must show them.
ORDER = ["1.1", "1.2", "1.10", "3.1", "3.2", "3.3", "3.4"]


@pytest.fixture
def clerk(db):
    return user_with_role(roles.CLERK)


@pytest.fixture
def plan(db):
    """Anytown's plan, as at 30 June 2025 (quarter 1 ended 31 March, quarter 2 30 June)."""
    plan = PlanFactory(
        slug="anytown",
        title="Children's services improvement plan",
        organisation="Anytown Council",
        reports_to="Children and Young People Scrutiny Committee",
    )
    plan.status_key.create(status="on_track", label="Green", description="Will be met on time.")
    plan.status_key.create(status="at_risk", label="Amber", description="Some slippage.")
    plan.status_key.create(status="off_track", label="Red", description="Will not be met.")
    ReportingPeriodFactory(plan=plan, name="Q4 2024/25", start=D(2025, 1, 1), end=D(2025, 3, 31))
    ReportingPeriodFactory(plan=plan, name="Q1 2025/26", start=D(2025, 4, 1), end=D(2025, 6, 30))

    owner = UserFactory(first_name="Priya", last_name="Shah")
    workforce = ObjectiveFactory(plan=plan, reference="1", title="Recruit & retain social workers")
    # Made out of order: the report must put them in natural order.
    late = ActionFactory(
        objective=workforce,
        reference="1.10",
        title="Cut agency use <below 10%>",
        owner=owner,
        responsible="Head of Service & HR",
        timescale="Quarter 2",
        due_date=D(2025, 5, 31),
    )
    risky = ActionFactory(objective=workforce, reference="1.2", title="Fill vacancies", owner=None)
    done = ActionFactory(objective=workforce, reference="1.1", title="Agree a workforce plan")
    for action, before, after, narrative in [
        (done, "on_track", "complete", "Agreed by Cabinet & published."),
        (risky, "on_track", "at_risk", "Adverts out; 3 < 10 posts filled."),
        (late, "at_risk", "off_track", "Agency use is 14% & rising."),
    ]:
        ProgressUpdateFactory(action=action, as_at=D(2025, 3, 15), status=before)
        ProgressUpdateFactory(
            action=action,
            as_at=D(2025, 6, 15),
            status=after,
            narrative=narrative,
            evidence=["Minutes of the Board, 4 June", "Workforce dashboard"],
        )

    # An improvement-notice style requirement: no actions, assessed directly.
    assessed = ObjectiveFactory(
        plan=plan, reference="2", title="", description="Review the membership of the board."
    )
    update = ProgressUpdateFactory(
        action=None,
        objective=assessed,
        as_at=D(2025, 6, 20),
        status="on_track",
        narrative="The board has been restructured.",
        achievements=["New chair in place", "Membership reviewed"],
        evidence=["Structure chart"],
    )
    AreaForDevelopmentFactory(update=update, description="Engage schools", timescale="Quarter 3")

    governance = SectionFactory(plan=plan, title="Governance")
    data = ObjectiveFactory(
        plan=plan, reference="3", title="Better performance data", section=governance
    )
    for index, text in enumerate(FORMULAS, start=1):
        action = ActionFactory(objective=data, reference=f"3.{index}", title=f"Data task {index}")
        ProgressUpdateFactory(action=action, as_at=D(2025, 6, 1), status="on_track", narrative=text)

    vacancy = MeasureFactory(
        plan=plan, name="Vacancy rate", direction="lower", baseline_value=20, amber_tolerance=2
    )
    vacancy.objectives.add(workforce)
    TargetFactory(measure=vacancy, value=8, due_date=D(2026, 3, 31))
    DataPointFactory(measure=vacancy, period_end=D(2025, 3, 31), value=16)
    DataPointFactory(measure=vacancy, period_end=D(2025, 6, 30), value=14)
    stable = MeasureFactory(plan=plan, name="Permanent staff", baseline_value=60)
    TargetFactory(measure=stable, value=70, due_date=D(2026, 3, 31))
    DataPointFactory(measure=stable, period_end=D(2025, 6, 30), value=75)
    return plan


# The seed plans (fixtures/plans/*.yaml), each with the date its latest update reports.
SEED_PLANS = {
    "nottinghamshire-2004": D(2004, 2, 29),
    "slough-2014": D(2014, 9, 30),
    "herefordshire-2013": D(2013, 7, 1),
}
# A committee paper's cover block, as a clerk enters it on the report page.
COVER = {
    "committee": "Children and Young People Scrutiny Committee",
    "meeting_date": D(2030, 1, 15),
    "agenda_item": "7",
    "report_of": "Director of Children's Services",
    "author": "Alex Clerk",
    "contact": "alex.clerk@example.gov.uk, 01234 567890",
    "document_reference": "CYP/2030/07",
    "purpose": "To update the committee on progress against the improvement plan.",
    "recommendations": "Note the progress made.\nAgree the actions for the next quarter.",
}


@pytest.fixture
def seed_plan(db, request):
    """One seed plan loaded from its plan file, with a cover entered for its reports:
    `request.param` is its slug."""
    from django.conf import settings

    from improvement.models import ReportCover
    from improvement.plan_files import load_plan_file

    plan = load_plan_file(settings.BASE_DIR / "fixtures" / "plans" / f"{request.param}.yaml")
    ReportCover.objects.create(plan=plan, **COVER)
    return plan

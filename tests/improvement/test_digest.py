"""The weekly digest: what turned red or amber, what became overdue, what completed and
what falls due soon, across the plans each reader may read, once a week."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from improvement import roles
from improvement.models import DigestLog, NotificationPreference
from improvement.notifications import digests_due, week_starting
from tests.factories import (
    ActionFactory,
    ObjectiveFactory,
    PlanFactory,
    ProgressUpdateFactory,
    StatusKeyEntryFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

D = datetime.date
SITE = "https://tracker.example.gov.uk"
# A Wednesday: the digest looks back to Wednesday 5 March and forward to 26 March.
TODAY = D(2025, 3, 12)
LONG_AGO = D(2025, 2, 1)


@pytest.fixture(autouse=True)
def _email_settings(settings):
    settings.SITE_URL = SITE


def reader(role=roles.VIEWER, *, weekly_digest=True, **kwargs):
    """Someone who asked for the digest (or not), holding `role`."""
    user = UserFactory(**kwargs)
    NotificationPreference.objects.create(user=user, weekly_digest=weekly_digest)
    if role:
        user.groups.add(roles.sync_roles()[role])
    return user


def action(objective, reference, *, status="on_track", due_date=None, **kwargs):
    """An action reported on long ago, with `status` since."""
    made = ActionFactory(objective=objective, reference=reference, due_date=due_date, **kwargs)
    ProgressUpdateFactory(action=made, as_at=LONG_AGO, status=status)
    return made


def worked_example(**plan_fields):
    """A plan in which, in the week to 12 March, one action went off track, one became
    overdue and one completed; one falls due in 10 days, one in 20, one done is due in 3."""
    plan = PlanFactory(**plan_fields)
    StatusKeyEntryFactory(plan=plan, status="off_track", label="Off target")
    StatusKeyEntryFactory(plan=plan, status="complete", label="Achieved")
    workforce = ObjectiveFactory(plan=plan, reference="1", title="Workforce")
    practice = ObjectiveFactory(plan=plan, reference="2", title="Practice")
    audit = ObjectiveFactory(plan=plan, reference="3", title="Audit")
    later = ObjectiveFactory(plan=plan, reference="4", title="Later work")
    worse = action(workforce, "1.1", title="Recruit permanent social workers")
    ProgressUpdateFactory(action=worse, as_at=D(2025, 3, 10), status="off_track")
    late = action(practice, "2.1", title="Refresh the practice framework", due_date=D(2025, 3, 7))
    done = action(audit, "3.1", title="Audit case files")
    ProgressUpdateFactory(action=done, as_at=D(2025, 3, 11), status="complete")
    soon = action(later, "4.1", title="Train the managers", due_date=D(2025, 3, 22))
    not_yet = action(later, "4.2", title="Review the front door", due_date=D(2025, 4, 1))
    finished = action(later, "4.3", title="Agree the terms", status="complete", due_date=TODAY)
    actions = {"worse": worse, "late": late, "done": done, "soon": soon}
    return plan, actions | {"not_yet": not_yet, "finished": finished}


def send(today=TODAY, *args):
    out = StringIO()
    call_command("send_digest", "--today", today.isoformat(), *args, stdout=out)
    return out.getvalue()


def html_of(message):
    [(content, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return content


def test_the_digest_reports_each_of_its_four_sections_on_a_worked_example(mailoutbox, settings):
    plan, actions = worked_example(title="Anytown improvement plan")
    director = reader(first_name="Priya", last_name="Shah")

    [digest] = digests_due(TODAY)
    worse = [(line.level, line.name, line.status, line.was) for line in digest.turned_red_or_amber]
    assert worse == [
        ("plan", "Anytown improvement plan (the whole plan)", "Off target", "On track"),
        ("objective", "Objective 1: Workforce", "Off target", "On track"),
        ("action", "Action 1.1: Recruit permanent social workers", "Off target", "On track"),
        # Its action 2.1 became overdue, and overdue work counts as at risk.
        ("objective", "Objective 2: Practice", "At risk", "On track"),
    ]
    assert [(line.name, line.due_date) for line in digest.became_overdue] == [
        ("Action 2.1: Refresh the practice framework", D(2025, 3, 7))
    ]
    assert [(line.name, line.status) for line in digest.completed] == [
        ("Objective 3: Audit", "Achieved"),
        ("Action 3.1: Audit case files", "Achieved"),
    ]
    assert [(line.name, line.due_date) for line in digest.due_soon] == [
        ("Action 4.1: Train the managers", D(2025, 3, 22))
    ]

    output = send()

    [message] = mailoutbox
    assert message.to == [director.email]
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert message.subject == (
        "Weekly digest to 12 March 2025: 4 turned red or amber, 1 became overdue, "
        "2 completed, 1 due in the next 14 days"
    )
    assert f"Sent to {director.email}: {message.subject}" in output
    assert "1 digest sent." in output
    text, html = message.body, html_of(message)
    assert "Dear Priya Shah" in text
    assert "for the week from 5 March 2025 to 12 March 2025" in text
    sections = [
        "TURNED RED OR AMBER (4)",
        "BECAME OVERDUE (1)",
        "COMPLETED (2)",
        "DUE IN THE NEXT 14 DAYS (BY 26 MARCH 2025) (1)",
    ]
    assert [text.index(heading) for heading in sections] == sorted(
        text.index(heading) for heading in sections
    )
    assert "Action 1.1: Recruit permanent social workers\nPlan: Anytown improvement plan\n" in text
    assert "Now: Off target (was On track)" in text
    assert "Was due: 7 March 2025. Status: On track" in text
    assert "Status: Achieved" in text
    assert "Due: 22 March 2025. Status: On track" in text
    assert f"in your email settings: {SITE}/account/email/" in text
    assert "Now: <strong>Off target</strong> (was On track)" in html
    assert "Status: <strong>Achieved</strong>" in html
    for body in (text, html):
        for left_out in ("Review the front door", "Agree the terms"):
            assert left_out not in body
    for item in (plan, actions["worse"], actions["late"], actions["done"], actions["soon"]):
        assert f"{SITE}{item.get_absolute_url()}" in text
        assert f'href="{SITE}{item.get_absolute_url()}"' in html


def test_the_digest_leaves_out_plans_the_reader_may_not_read(mailoutbox):
    worked_example(title="Open plan")
    worked_example(title="Restricted plan", restricted=True)
    manager = reader(roles.ACTION_OWNER)  # reads plans that are not restricted
    director = reader(roles.VIEWER)  # reads every plan

    send()

    [to_manager] = [m for m in mailoutbox if m.to == [manager.email]]
    [to_director] = [m for m in mailoutbox if m.to == [director.email]]
    assert "Open plan" in to_manager.body
    assert "Restricted plan" not in to_manager.body
    assert "Restricted plan" not in html_of(to_manager)
    assert "Open plan" in to_director.body
    assert "Restricted plan" in to_director.body


def test_someone_who_may_read_no_plan_gets_no_digest(mailoutbox):
    worked_example(title="Open plan")
    reader(role=None)  # no role and nothing to look after: reads nothing

    assert send() == "0 digests sent.\n"
    assert mailoutbox == []
    assert not DigestLog.objects.exists()


def test_the_digest_goes_once_a_week(mailoutbox):
    worked_example()
    director = reader()

    send(TODAY)
    assert send(D(2025, 3, 14)) == "0 digests sent.\n"  # Friday, same week
    assert len(mailoutbox) == 1
    assert DigestLog.objects.get().week_starting == D(2025, 3, 10) == week_starting(TODAY)

    send(D(2025, 3, 17))  # the next Monday: action 4.1 is still due within 14 days
    assert len(mailoutbox) == 2
    assert sorted(DigestLog.objects.values_list("user", "week_starting")) == [
        (director.pk, D(2025, 3, 10)),
        (director.pk, D(2025, 3, 17)),
    ]


def test_nobody_who_has_not_asked_for_the_digest_gets_one(mailoutbox):
    worked_example()
    reader(weekly_digest=False)
    UserFactory().groups.add(roles.sync_roles()[roles.VIEWER])  # never said either way
    reader(is_active=False)
    reader(email="")

    send()

    assert mailoutbox == []
    assert not DigestLog.objects.exists()


def test_nobody_gets_a_digest_with_nothing_in_it(mailoutbox):
    plan = PlanFactory()
    objective = ObjectiveFactory(plan=plan)
    action(objective, "1.1", due_date=D(2025, 12, 31))
    action(objective, "1.2", status="complete", due_date=D(2025, 1, 31))
    reader()

    assert send() == "0 digests sent.\n"
    assert mailoutbox == []
    assert not DigestLog.objects.exists()


def test_a_dry_run_prints_what_would_be_sent_and_sends_and_records_nothing(mailoutbox):
    worked_example()
    director = reader()

    output = send(TODAY, "--dry-run")

    assert output.splitlines() == [
        f"Would send to {director.email}: Weekly digest to 12 March 2025: 4 turned red or "
        "amber, 1 became overdue, 2 completed, 1 due in the next 14 days",
        "1 digest would be sent (dry run: nothing sent or recorded).",
    ]
    assert mailoutbox == []
    assert not DigestLog.objects.exists()


def test_plan_states_are_worked_out_once_whatever_the_number_of_plans():
    worked_example()
    reader(roles.VIEWER)
    reader(roles.ACTION_OWNER)
    with CaptureQueriesContext(connection) as one_plan:
        digests_due(TODAY)

    for _ in range(3):
        worked_example()
    with CaptureQueriesContext(connection) as four_plans:
        digests = digests_due(TODAY)

    assert len(digests) == 2
    assert len(digests[0].due_soon) == 4
    assert len(four_plans) == len(one_plan)

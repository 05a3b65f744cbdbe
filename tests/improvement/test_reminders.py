"""Update reminders: action owners are emailed about the actions needing an update or
overdue, before a period's update deadline and after it, once each."""

import datetime
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import resolve

from improvement import roles
from improvement.models import Plan, ReminderLog, ReportingPeriod
from improvement.notifications import reminder_kind, reminders_due, send_reminder
from tests.factories import (
    ActionFactory,
    ObjectiveFactory,
    PlanFactory,
    ProgressUpdateFactory,
    ReportingPeriodFactory,
    StatusKeyEntryFactory,
    UserFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db

D = datetime.date
SITE = "https://tracker.example.gov.uk"


@pytest.fixture(autouse=True)
def _email_settings(settings):
    settings.SITE_URL = SITE
    settings.REMINDER_DAYS_BEFORE_DEADLINE = 3


def owner_user(**kwargs):
    """Reminders are for holders of the Action owner role."""
    return user_with_role(roles.ACTION_OWNER, **kwargs)


def the_plan():
    """The plan the tests' actions are in (periods are each plan's own)."""
    return Plan.objects.order_by("pk").first() or PlanFactory()


def quarter_one(plan=None):
    """Quarter 1 2025/26, updates due by 10 July: the window opens on 7 July."""
    return ReportingPeriodFactory(
        plan=plan or the_plan(),
        name="Quarter 1 2025/26",
        start=D(2025, 4, 1),
        end=D(2025, 6, 30),
        update_deadline=D(2025, 7, 10),
    )


def stale_action(owner, **kwargs):
    """An action last updated before the period started, so it needs an update."""
    kwargs.setdefault("objective", ObjectiveFactory(plan=the_plan()))
    action = ActionFactory(owner=owner, **kwargs)
    ProgressUpdateFactory(action=action, as_at=D(2025, 3, 31), status="on_track")
    return action


def remind(today, *args):
    out = StringIO()
    call_command("send_update_reminders", "--today", today.isoformat(), *args, stdout=out)
    return out.getvalue()


def to(mailbox, user):
    return [message for message in mailbox if message.to == [user.email]]


def html_of(message):
    [(content, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return content


def test_the_reminder_lists_exactly_the_owners_outstanding_and_overdue_actions(
    mailoutbox, settings
):
    owner = owner_user(first_name="Sam", last_name="Okafor")
    plan = PlanFactory(title="Anytown improvement plan")
    period = quarter_one(plan)
    StatusKeyEntryFactory(plan=plan, status="on_track", label="On target")
    StatusKeyEntryFactory(plan=plan, status="at_risk", label="Some concerns")
    objective = ObjectiveFactory(plan=plan, reference="1")
    stale = stale_action(
        owner,
        objective=objective,
        reference="1.1",
        title="Recruit permanent social workers",
        due_date=D(2025, 12, 31),
        timescale="Quarter 3",
    )
    late = ActionFactory(
        owner=owner,
        objective=objective,
        reference="1.2",
        title="Audit case files",
        due_date=D(2025, 6, 30),
    )
    ProgressUpdateFactory(action=late, as_at=D(2025, 6, 15), status="at_risk", period=period)
    up_to_date = ActionFactory(
        owner=owner, objective=objective, reference="1.3", title="Refresh supervision policy"
    )
    ProgressUpdateFactory(action=up_to_date, as_at=D(2025, 6, 15), status="on_track")
    done = ActionFactory(
        owner=owner, objective=objective, reference="1.4", title="Appoint a principal"
    )
    ProgressUpdateFactory(action=done, as_at=D(2025, 3, 1), status="complete")
    stale_action(
        owner_user(), objective=objective, reference="1.5", title="Publish practice framework"
    )

    remind(D(2025, 7, 7))

    [message] = to(mailoutbox, owner)
    assert message.subject == "Update needed by 10 July 2025: 2 actions (Quarter 1 2025/26)"
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    text, html = message.body, html_of(message)
    assert "Dear Sam Okafor" in text
    for body in (text, html):
        assert "1.1 Recruit permanent social workers" in body
        assert "1.2 Audit case files" in body
        assert "Anytown improvement plan" in body
        for left_out in ("Refresh supervision policy", "Appoint a principal", "Publish practice"):
            assert left_out not in body
    assert "NEEDS AN UPDATE FOR QUARTER 1 2025/26 (1)" in text
    assert text.index("Recruit permanent") < text.index("OVERDUE (1)") < text.index("Audit case")
    assert "Status: On target\n" in text
    assert "Status: Some concerns (overdue)" in text
    assert "Due: 31 December 2025 (Quarter 3)" in text
    assert "Last update: as at 31 March 2025" in text
    assert "Last update: as at 15 June 2025" in text
    assert f"All your actions: {SITE}/my-actions/" in text
    assert "Status: <strong>On target</strong>" in html
    assert "Status: <strong>Some concerns</strong> (<strong>overdue</strong>)" in html
    for action in (stale, late):
        link = f"{SITE}/actions/{action.pk}/update/"
        assert f"Record an update: {link}" in text
        assert f'href="{link}"' in html
        match = resolve(urlsplit(link).path)
        assert match.url_name == "action-update"
        assert match.kwargs == {"pk": action.pk}


@pytest.mark.parametrize(
    ("today", "sent"),
    [
        (D(2025, 7, 6), 0),  # the day before the window opens
        (D(2025, 7, 7), 1),  # its first day: three days before the deadline
        (D(2025, 7, 10), 1),  # the deadline itself
    ],
)
def test_the_before_the_deadline_reminder_goes_only_inside_its_window(mailoutbox, today, sent):
    quarter_one()
    stale_action(owner_user())

    remind(today)

    assert len(mailoutbox) == sent
    assert ReminderLog.objects.count() == sent
    if sent:
        assert mailoutbox[0].subject.startswith("Update needed by 10 July 2025")
        assert ReminderLog.objects.get().kind == ReminderLog.Kind.BEFORE_DEADLINE


@pytest.mark.parametrize(
    ("today", "sent"),
    [
        (D(2025, 7, 11), 1),  # the day after the deadline
        (D(2025, 7, 24), 1),  # fourteen days after it
        (D(2025, 7, 25), 0),  # too late to be worth an email
    ],
)
def test_the_after_the_deadline_reminder_goes_in_the_fortnight_after_it(mailoutbox, today, sent):
    quarter_one()
    stale_action(owner_user())

    remind(today)

    assert len(mailoutbox) == sent
    if sent:
        [message] = mailoutbox
        assert message.subject == (
            "Update deadline passed on 10 July 2025: 1 action (Quarter 1 2025/26)"
        )
        assert "The deadline for Quarter 1 2025/26 updates was 10 July 2025" in message.body
        assert ReminderLog.objects.get().kind == ReminderLog.Kind.AFTER_DEADLINE


def test_each_reminder_goes_once_per_period_and_kind(mailoutbox):
    period = quarter_one()
    owner = owner_user()
    stale_action(owner)

    first = remind(D(2025, 7, 7))
    again = remind(D(2025, 7, 7))
    next_day = remind(D(2025, 7, 8))
    assert len(mailoutbox) == 1
    assert f"Sent to {owner.email}: Update needed by 10 July 2025" in first
    assert "1 reminder sent." in first
    assert again == next_day == "0 reminders sent.\n"

    remind(D(2025, 7, 11))
    remind(D(2025, 7, 12))
    assert len(mailoutbox) == 2
    assert sorted(ReminderLog.objects.values_list("user", "period", "kind")) == [
        (owner.pk, period.pk, "after_deadline"),
        (owner.pk, period.pk, "before_deadline"),
    ]


def test_an_owner_whose_actions_are_all_updated_in_the_period_or_complete_gets_nothing(
    mailoutbox,
):
    quarter_one()
    owner = owner_user()
    updated = ActionFactory(owner=owner, due_date=D(2025, 9, 30))
    ProgressUpdateFactory(action=updated, as_at=D(2025, 5, 20), status="at_risk")
    done = ActionFactory(owner=owner, due_date=D(2025, 3, 31))
    ProgressUpdateFactory(action=done, as_at=D(2025, 3, 1), status="complete")

    output = remind(D(2025, 7, 8))

    assert mailoutbox == []
    assert not ReminderLog.objects.exists()
    assert output == "0 reminders sent.\n"


def test_nobody_is_reminded_about_actions_someone_else_owns(mailoutbox):
    quarter_one()
    owner, colleague = owner_user(), owner_user()
    stale_action(owner, title="Recruit permanent social workers")
    own = ActionFactory(owner=colleague, title="Review the front door")
    ProgressUpdateFactory(action=own, as_at=D(2025, 6, 1), status="on_track")

    remind(D(2025, 7, 8))

    assert [message.to for message in mailoutbox] == [[owner.email]]
    assert to(mailoutbox, colleague) == []


def test_delegates_are_not_emailed_about_the_actions_they_help_with(mailoutbox):
    quarter_one()
    owner, delegate = owner_user(), owner_user()
    helped_with = stale_action(owner, title="Recruit permanent social workers")
    helped_with.delegates.add(delegate)
    # The delegate owns an action of their own, up to date, so they are an owner too.
    own = ActionFactory(owner=delegate, title="Review the front door")
    ProgressUpdateFactory(action=own, as_at=D(2025, 6, 1), status="on_track")

    remind(D(2025, 7, 8))

    [message] = mailoutbox
    assert message.to == [owner.email]
    assert "Recruit permanent social workers" in message.body


def test_inactive_owners_and_owners_without_an_email_address_get_nothing(mailoutbox):
    quarter_one()
    stale_action(owner_user(is_active=False))
    stale_action(owner_user(email=""))

    remind(D(2025, 7, 8))

    assert mailoutbox == []
    assert not ReminderLog.objects.exists()


def test_a_dry_run_prints_what_would_be_sent_and_sends_and_records_nothing(mailoutbox):
    quarter_one()
    owner = owner_user()
    stale_action(owner)
    stale_action(owner)

    output = remind(D(2025, 7, 8), "--dry-run")

    assert output.splitlines() == [
        f"Would send to {owner.email}: "
        "Update needed by 10 July 2025: 2 actions (Quarter 1 2025/26)",
        "1 reminder would be sent (dry run: nothing sent or recorded).",
    ]
    assert mailoutbox == []
    assert not ReminderLog.objects.exists()
    remind(D(2025, 7, 8))
    assert len(mailoutbox) == 1


def test_an_owner_is_reminded_separately_for_each_period_whose_deadline_is_near(mailoutbox):
    quarter_one()
    ReportingPeriodFactory(
        plan=the_plan(),
        name="Quarter 2 2025/26",
        start=D(2025, 7, 1),
        end=D(2025, 9, 30),
        update_deadline=D(2025, 7, 20),  # an unusually early deadline, inside Q1's fortnight
    )
    stale_action(owner_user())

    remind(D(2025, 7, 18))

    assert sorted(message.subject for message in mailoutbox) == [
        "Update deadline passed on 10 July 2025: 1 action (Quarter 1 2025/26)",
        "Update needed by 20 July 2025: 1 action (Quarter 2 2025/26)",
    ]


@pytest.mark.parametrize(
    ("today", "kind"),
    [
        (D(2025, 7, 6), None),
        (D(2025, 7, 7), ReminderLog.Kind.BEFORE_DEADLINE),
        (D(2025, 7, 10), ReminderLog.Kind.BEFORE_DEADLINE),
        (D(2025, 7, 11), ReminderLog.Kind.AFTER_DEADLINE),
        (D(2025, 7, 24), ReminderLog.Kind.AFTER_DEADLINE),
        (D(2025, 7, 25), None),
    ],
)
def test_which_reminder_a_period_calls_for_on_each_day(today, kind):
    period = ReportingPeriod(update_deadline=D(2025, 7, 10))
    assert reminder_kind(period, today) == kind


def test_a_date_not_written_yyyy_mm_dd_is_refused():
    with pytest.raises(CommandError, match="is not a date written YYYY-MM-DD"):
        call_command("send_update_reminders", "--today", "7/7/2025")


def test_a_reminder_another_run_sent_meanwhile_is_not_sent_again(mailoutbox):
    quarter_one()
    stale_action(owner_user())
    [reminder] = reminders_due(D(2025, 7, 8))
    ReminderLog.objects.create(user=reminder.user, period=reminder.period, kind=reminder.kind)

    assert send_reminder(reminder) is False
    assert mailoutbox == []


class RefusingBackend(BaseEmailBackend):
    """A mail server that accepts the connection, then refuses every email."""

    def send_messages(self, email_messages):
        raise OSError("451 try again later")


def test_a_reminder_the_mail_server_refuses_is_not_recorded_so_the_next_run_retries(
    mailoutbox, settings
):
    quarter_one()
    owner = owner_user()
    stale_action(owner)
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"

    with pytest.raises(CommandError, match="1 reminder not sent; run again to retry"):
        remind(D(2025, 7, 8))
    assert not ReminderLog.objects.exists()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    remind(D(2025, 7, 9))
    assert [message.to for message in mailoutbox] == [[owner.email]]
    assert ReminderLog.objects.count() == 1


def test_an_owner_who_lost_the_action_owner_role_is_not_reminded(mailoutbox):
    quarter_one()
    former = UserFactory()  # still the owner, but no longer holds the role
    stale_action(former)
    remind(D(2025, 7, 7))
    assert to(mailoutbox, former) == []


def test_plans_sharing_a_period_share_one_reminder_and_other_plans_periods_count_apart(
    mailoutbox,
):
    """Periods are each plan's own: two quarterly plans in the same quarter give their
    owner one reminder about both; a monthly plan's period gives its own."""
    owner = owner_user()
    first, second = PlanFactory(title="First plan"), PlanFactory(title="Second plan")
    monthly = PlanFactory(title="Monthly plan", reporting_cadence="monthly")
    shared = quarter_one(first)
    quarter_one(second)
    ReportingPeriodFactory(
        plan=monthly,
        name="June 2025",
        start=D(2025, 6, 1),
        end=D(2025, 6, 30),
        update_deadline=D(2025, 7, 9),
    )
    for plan in (first, second, monthly):
        stale_action(owner, objective=ObjectiveFactory(plan=plan), title=f"Work in {plan}")
    # A plan with no period near its deadline is not reminded about.
    stale_action(owner, objective=ObjectiveFactory(plan=PlanFactory(title="Quiet plan")))

    remind(D(2025, 7, 8))

    subjects = sorted(message.subject for message in mailoutbox)
    assert subjects == [
        "Update needed by 10 July 2025: 2 actions (Quarter 1 2025/26)",
        "Update needed by 9 July 2025: 1 action (June 2025)",
    ]
    quarterly = next(m for m in mailoutbox if "Quarter 1" in m.subject)
    assert "Work in First plan" in quarterly.body and "Work in Second plan" in quarterly.body
    assert "Monthly plan" not in quarterly.body and "Quiet plan" not in quarterly.body
    assert ReminderLog.objects.filter(period=shared).count() == 1
    remind(D(2025, 7, 8))
    assert len(mailoutbox) == 2

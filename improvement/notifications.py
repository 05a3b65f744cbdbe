"""Update reminders and the weekly digest: who gets which email, and what it says.

Plain functions over the models, testable without a request. The commands
`send_update_reminders` and `send_digest` only pick the day, print and send.

Update reminders go to action owners (never delegates: the owner answers for the action)
about the actions `my_actions` says need an update in a reporting period or are overdue:
once in the days before the period's update deadline, once in the fortnight after it.

The weekly digest goes to people who asked for it: what turned red or amber, what became
overdue, what completed and what falls due soon, across the plans they may read.

Every email is recorded (ReminderLog, DigestLog) in the same transaction as it is sent,
and the logs' unique constraints refuse a second one, so a command run twice, or two runs
at once, send nothing new. Nobody gets an email with nothing in it.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import QuerySet, prefetch_related_objects
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.text import Truncator

from improvement.history import ActionState, Change, PlanState, changes_between, plan_states_as_at
from improvement.models import DigestLog, Objective, Plan, ReminderLog, ReportingPeriod
from improvement.permissions import visible_plans
from improvement.selectors import my_actions
from improvement.status import Status
from improvement.templatetags.tracker import status_label

# The after-the-deadline reminder goes on the first run in this fortnight (a missed
# cron run or two still sends it; a month-old deadline is for a manager, not an email).
AFTER_DEADLINE_DAYS = 14
# The digest looks back one week and forward two.
DIGEST_DAYS = 7
DUE_SOON_DAYS = 14
# What the digest calls "turned red or amber".
RED_OR_AMBER = {Status.OFF_TRACK, Status.AT_RISK}


# Shared by both emails and both commands.


def long_date(day: date | None) -> str:
    """ "5 December 2026", as the pages write dates."""
    return date_format(day, "j F Y") if day else ""


def counted(number: int, noun: str) -> str:
    """ "1 action", "3 actions"."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


def absolute_url(path: str) -> str:
    """A link that works from an email: the site's address and the page's path."""
    return f"{settings.SITE_URL}{path}"


def parse_day(value: str) -> date:
    """The commands' `--today`: a date written YYYY-MM-DD."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date written YYYY-MM-DD") from None


def _recipients():
    """People an email can reach: active, with an email address."""
    return get_user_model().objects.filter(is_active=True).exclude(email="")


def _email(user, subject: str, template: str, context: dict, connection=None):
    """The email with a text body and an HTML alternative, both from `template`."""
    # A subject is one header line: a period or plan name typed with a line break must not
    # break it.
    subject = " ".join(subject.split())
    context = {
        **context,
        "subject": subject,
        "name": user.get_full_name() or user.get_username(),
        "home_url": absolute_url(reverse("home")),
        "my_actions_url": absolute_url(reverse("my-actions")),
        "preferences_url": absolute_url(reverse("preferences")),
    }
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"email/{template}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        connection=connection,
    )
    message.attach_alternative(render_to_string(f"email/{template}.html", context), "text/html")
    return message


def _send_once(log, message) -> bool:
    """Record `log` and send `message` together: the log is kept only if the email went,
    and the email goes only if no log was there already. False when one was."""
    try:
        with transaction.atomic():
            log.save()
            message.send()
    except IntegrityError:
        return False  # another run got there first
    return True


@dataclass(frozen=True)
class EmailSection:
    """A headed list in an email; `key` tells the templates which details to show."""

    key: str
    heading: str
    lines: list


def _sections(*sections: EmailSection) -> list[EmailSection]:
    return [section for section in sections if section.lines]


# Update reminders.


def reminder_kind(period: ReportingPeriod, today: date) -> ReminderLog.Kind | None:
    """Which reminder, if any, `period` calls for on `today`."""
    deadline = period.update_deadline
    if deadline - timedelta(days=settings.REMINDER_DAYS_BEFORE_DEADLINE) <= today <= deadline:
        return ReminderLog.Kind.BEFORE_DEADLINE
    if deadline < today <= deadline + timedelta(days=AFTER_DEADLINE_DAYS):
        return ReminderLog.Kind.AFTER_DEADLINE
    return None


def periods_to_remind(today: date) -> list[tuple[ReportingPeriod, ReminderLog.Kind, list[int]]]:
    """The periods whose update deadline is close or just past, with the reminder due and
    the plans in them. Plans sharing a period (the same name, dates and deadline) share
    one reminder: its first copy stands for all (and its log records the reminder)."""
    near = ReportingPeriod.objects.filter(
        update_deadline__gte=today - timedelta(days=AFTER_DEADLINE_DAYS),
        update_deadline__lte=today + timedelta(days=settings.REMINDER_DAYS_BEFORE_DEADLINE),
    ).order_by("update_deadline", "id")
    shared: dict[tuple, list[ReportingPeriod]] = {}
    for period in near:
        key = (period.name, period.start, period.end, period.update_deadline)
        shared.setdefault(key, []).append(period)
    return [
        (same[0], kind, [p.plan_id for p in same])
        for same in shared.values()
        if (kind := reminder_kind(same[0], today))
    ]


@dataclass(frozen=True)
class ReminderLine:
    """One action in a reminder, as its owner reads it."""

    plan_title: str
    reference: str
    title: str
    status: str  # in the plan's own words
    overdue: bool
    due_date: date | None
    timescale: str
    last_updated_on: date | None
    update_url: str

    @classmethod
    def from_state(cls, state: ActionState) -> ReminderLine:
        action = state.action
        plan = action.objective.plan
        return cls(
            plan_title=plan.title,
            reference=action.reference,
            title=action.title,
            status=status_label(state.status, plan.labels()),
            overdue=state.overdue,
            due_date=action.due_date,
            timescale=action.timescale,
            last_updated_on=state.last_updated_on,
            update_url=absolute_url(reverse("action-update", kwargs={"pk": action.pk})),
        )


@dataclass
class Reminder:
    """One owner's reminder for one period: the actions needing an update, then the
    overdue ones."""

    user: object
    period: ReportingPeriod
    kind: ReminderLog.Kind
    needs_update: list[ReminderLine]
    overdue: list[ReminderLine]

    @property
    def count(self) -> int:
        return len(self.needs_update) + len(self.overdue)

    @property
    def before_deadline(self) -> bool:
        return self.kind == ReminderLog.Kind.BEFORE_DEADLINE

    @property
    def sections(self) -> list[EmailSection]:
        return _sections(
            EmailSection(
                "needs_update", f"Needs an update for {self.period.name}", self.needs_update
            ),
            EmailSection("overdue", "Overdue", self.overdue),
        )

    @property
    def subject(self) -> str:
        deadline = long_date(self.period.update_deadline)
        what = f"{counted(self.count, 'action')} ({self.period.name})"
        if self.before_deadline:
            return f"Update needed by {deadline}: {what}"
        return f"Update deadline passed on {deadline}: {what}"

    def message(self, connection=None) -> EmailMultiAlternatives:
        return _email(
            self.user,
            self.subject,
            "update_reminder",
            {
                "reminder": self,
                "period": self.period,
                "deadline": long_date(self.period.update_deadline),
            },
            connection,
        )


def reminder_for(
    owner, period: ReportingPeriod, kind: ReminderLog.Kind, today: date, plan_ids=None
):
    """`owner`'s reminder for `period` (about their actions in the plans in it: `plan_ids`,
    else the period's plan), or None when none of their actions needs one."""
    mine = my_actions(
        owner,
        today,
        include_delegated=False,
        period=period,
        plans=plan_ids if plan_ids is not None else [period.plan_id],
    )
    if not mine.outstanding:
        return None
    # Every line shows its plan's own word for the status: one query for all the keys.
    prefetch_related_objects([s.action.objective.plan for s in mine.outstanding], "status_key")
    return Reminder(
        user=owner,
        period=period,
        kind=kind,
        needs_update=[ReminderLine.from_state(s) for s in mine.needs_update],
        overdue=[ReminderLine.from_state(s) for s in mine.overdue],
    )


def reminders_due(today: date) -> list[Reminder]:
    """Every reminder to send on `today` that has not gone already."""
    reminders = []
    for period, kind, plan_ids in periods_to_remind(today):
        already = ReminderLog.objects.filter(period=period, kind=kind).values("user_id")
        owners = (
            _recipients()
            .filter(owned_actions__objective__plan__in=plan_ids)
            .exclude(pk__in=already)
            .distinct()
            .order_by(get_user_model().USERNAME_FIELD)
        )
        for owner in owners:
            reminder = reminder_for(owner, period, kind, today, plan_ids)
            if reminder is not None:
                reminders.append(reminder)
    return reminders


def send_reminder(reminder: Reminder, *, connection=None) -> bool:
    """Send a reminder and record it; False (and nothing sent) if it had gone already."""
    log = ReminderLog(user=reminder.user, period=reminder.period, kind=reminder.kind)
    return _send_once(log, reminder.message(connection))


# The weekly digest.


def week_starting(day: date) -> date:
    """The Monday of `day`'s week: a digest goes once in it."""
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class DigestLine:
    """One plan, objective or action in the digest."""

    level: str  # "plan", "objective" or "action"
    plan_title: str
    name: str
    url: str
    status: str  # now, in the plan's own words
    was: str = ""  # before, for what turned red or amber
    due_date: date | None = None

    @property
    def in_plan(self) -> bool:
        """Whether the line needs its plan named (a plan's own line is the plan)."""
        return self.level != "plan"


def _name(item) -> str:
    if isinstance(item, Plan):
        return f"{item.title} (the whole plan)"
    if isinstance(item, Objective):  # in the plan's own word: "Requirement 12: ..."
        return f"{item.label}: {item.display_title}"
    return f"Action {item.reference}: {Truncator(item.title).words(25)}"


def _line(level: str, item, plan: Plan, status, labels, *, was=None, due_date=None):
    return DigestLine(
        level=level,
        plan_title=plan.title,
        name=_name(item),
        url=absolute_url(item.get_absolute_url()),
        status=status_label(status, labels),
        was=status_label(was, labels) if was is not None else "",
        due_date=due_date,
    )


def _change_line(change: Change, plan: Plan, labels) -> DigestLine:
    was = change.before if change.direction == "worse" else None
    return _line(change.level, change.item, plan, change.after, labels, was=was)


def _action_line(state: ActionState, plan: Plan, labels) -> DigestLine:
    action = state.action
    return _line("action", action, plan, state.status, labels, due_date=action.due_date)


@dataclass
class PlanWeek:
    """What happened in one plan in the week to a day: worked out once per run and
    shared by everyone who may read the plan."""

    plan: Plan
    turned_red_or_amber: list[DigestLine] = field(default_factory=list)
    became_overdue: list[DigestLine] = field(default_factory=list)
    completed: list[DigestLine] = field(default_factory=list)
    due_soon: list[DigestLine] = field(default_factory=list)


def plan_week(week_ago: PlanState, now: PlanState) -> PlanWeek:
    """The digest's four lists for one plan, from its states a week ago and now."""
    plan, today = now.plan, now.as_at
    labels = plan.labels()
    week = PlanWeek(plan)
    for change in changes_between(week_ago, now):
        if change.direction == "worse" and change.after in RED_OR_AMBER:
            week.turned_red_or_amber.append(_change_line(change, plan, labels))
        elif change.direction == "completed":
            week.completed.append(_change_line(change, plan, labels))
    overdue_before = {a.action.pk for a in week_ago.actions if a.overdue}
    week.became_overdue = [
        _action_line(a, plan, labels)
        for a in now.actions
        if a.overdue and a.action.pk not in overdue_before
    ]
    horizon = today + timedelta(days=DUE_SOON_DAYS)
    due_soon = [
        a
        for a in now.actions
        if a.status != Status.COMPLETE
        and a.action.due_date is not None
        and today < a.action.due_date <= horizon
    ]
    due_soon.sort(key=lambda a: a.action.due_date)  # stable: plan order within a day
    week.due_soon = [_action_line(a, plan, labels) for a in due_soon]
    return week


def plan_weeks(plans: QuerySet[Plan], today: date) -> dict[int, PlanWeek]:
    """Each plan's week to `today`, by plan id, in plan order."""
    week_ago = {
        state.plan.pk: state
        for state in plan_states_as_at(plans, today - timedelta(days=DIGEST_DAYS))
    }
    return {
        now.plan.pk: plan_week(week_ago[now.plan.pk], now)
        for now in plan_states_as_at(plans, today)
    }


@dataclass
class Digest:
    """One person's weekly digest across the plans they may read."""

    user: object
    today: date
    turned_red_or_amber: list[DigestLine] = field(default_factory=list)
    became_overdue: list[DigestLine] = field(default_factory=list)
    completed: list[DigestLine] = field(default_factory=list)
    due_soon: list[DigestLine] = field(default_factory=list)

    @classmethod
    def from_weeks(cls, user, today: date, weeks: list[PlanWeek]) -> Digest:
        digest = cls(user, today)
        for week in weeks:
            digest.turned_red_or_amber += week.turned_red_or_amber
            digest.became_overdue += week.became_overdue
            digest.completed += week.completed
            digest.due_soon += week.due_soon
        digest.due_soon.sort(key=lambda line: line.due_date)
        return digest

    @property
    def week_starting(self) -> date:
        return week_starting(self.today)

    @property
    def is_empty(self) -> bool:
        return not (
            self.turned_red_or_amber or self.became_overdue or self.completed or self.due_soon
        )

    @property
    def sections(self) -> list[EmailSection]:
        due_by = long_date(self.today + timedelta(days=DUE_SOON_DAYS))
        return _sections(
            EmailSection("red_or_amber", "Turned red or amber", self.turned_red_or_amber),
            EmailSection("overdue", "Became overdue", self.became_overdue),
            EmailSection("completed", "Completed", self.completed),
            EmailSection(
                "due_soon", f"Due in the next {DUE_SOON_DAYS} days (by {due_by})", self.due_soon
            ),
        )

    @property
    def summary(self) -> str:
        parts = [
            (self.turned_red_or_amber, "turned red or amber"),
            (self.became_overdue, "became overdue"),
            (self.completed, "completed"),
            (self.due_soon, f"due in the next {DUE_SOON_DAYS} days"),
        ]
        return ", ".join(f"{len(lines)} {words}" for lines, words in parts if lines)

    @property
    def subject(self) -> str:
        return f"Weekly digest to {long_date(self.today)}: {self.summary}"

    def message(self, connection=None) -> EmailMultiAlternatives:
        return _email(
            self.user,
            self.subject,
            "digest",
            {
                "digest": self,
                "since": long_date(self.today - timedelta(days=DIGEST_DAYS)),
                "today": long_date(self.today),
                "due_by": long_date(self.today + timedelta(days=DUE_SOON_DAYS)),
            },
            connection,
        )


def digests_due(today: date) -> list[Digest]:
    """Every digest to send on `today`: to people who asked for one, have not had this
    week's, may read a plan and have something in it."""
    this_week = DigestLog.objects.filter(week_starting=week_starting(today)).values("user_id")
    readers = list(
        _recipients()
        .filter(notification_preference__weekly_digest=True)
        .exclude(pk__in=this_week)
        .order_by(get_user_model().USERNAME_FIELD)
    )
    readable = {
        reader.pk: set(visible_plans(reader).values_list("pk", flat=True)) for reader in readers
    }
    every_plan = set().union(*readable.values())
    if not every_plan:
        return []
    # The plans' states are worked out once, for everyone, then shared out per reader.
    weeks = plan_weeks(Plan.objects.filter(pk__in=every_plan), today)
    digests = []
    for reader in readers:
        mine = [week for plan_id, week in weeks.items() if plan_id in readable[reader.pk]]
        digest = Digest.from_weeks(reader, today, mine)
        if not digest.is_empty:
            digests.append(digest)
    return digests


def send_digest(digest: Digest, *, connection=None) -> bool:
    """Send a digest and record it; False (and nothing sent) if this week's had gone."""
    log = DigestLog(user=digest.user, week_starting=digest.week_starting)
    return _send_once(log, digest.message(connection))

"""The status timeline: the pure rules that turn one subject's updates into dated rows, the
rows agreeing with the replay of the updates at every date on random histories, every
write path writing them in its own transaction, and the command that checks them."""

from __future__ import annotations

import datetime
import threading
from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from improvement import roles, services, status_timeline
from improvement.history import (
    action_state_as_at,
    replayed_states,
    timeline_states,
    with_status_as_at,
)
from improvement.models import Action, Objective, ProgressUpdate, SignOff, StatusInterval
from improvement.status import Status
from improvement.status_timeline import Interval, State, UpdateFacts, intervals_from
from tests.factories import (
    ActionFactory,
    ObjectiveFactory,
    PlanFactory,
    ProgressUpdateFactory,
    UserFactory,
    user_with_role,
)
from tests.improvement.test_sign_off import decide, setting, submit  # noqa: F401  (fixture)

D = date
T0 = datetime.datetime(2025, 1, 1, 9, tzinfo=datetime.UTC)


def facts(pk, as_at, status="on_track", *, hour=None, sign_off=None, decided_on=None):
    """An update's facts: sign_off None (none needed), "awaiting", "approved", "returned"."""
    return UpdateFacts(
        id=pk,
        as_at=as_at,
        recorded_at=T0 + timedelta(hours=pk if hour is None else hour),
        status=status,
        needs_sign_off=sign_off is not None,
        decision=None if sign_off in (None, "awaiting") else sign_off,
        decided_on=decided_on,
    )


def state(status, rated, rated_on, latest, latest_on) -> State:
    return State(status, rated, rated_on, latest, latest_on)


# -- the pure rules ------------------------------------------------------------------------


def test_no_updates_no_rows():
    assert intervals_from([]) == []


def test_each_update_starts_a_row_and_the_last_row_is_open():
    rows = intervals_from([facts(2, D(2025, 2, 1), "at_risk"), facts(1, D(2025, 1, 1), "on_track")])
    assert rows == [
        Interval(
            D(2025, 1, 1), D(2025, 2, 1), state("on_track", 1, D(2025, 1, 1), 1, D(2025, 1, 1))
        ),
        Interval(D(2025, 2, 1), None, state("at_risk", 2, D(2025, 2, 1), 2, D(2025, 2, 1))),
    ]


def test_an_update_without_a_status_moves_the_latest_date_but_keeps_the_status():
    rows = intervals_from([facts(1, D(2025, 1, 1), "on_track"), facts(2, D(2025, 2, 1), "")])
    assert rows[-1].state == state("on_track", 1, D(2025, 1, 1), 2, D(2025, 2, 1))
    only_blank = intervals_from([facts(1, D(2025, 1, 1), "")])
    assert only_blank == [Interval(D(2025, 1, 1), None, state("", None, None, 1, D(2025, 1, 1)))]


def test_an_approval_counts_from_its_own_day_and_a_return_or_a_wait_never_counts():
    rows = intervals_from(
        [
            facts(1, D(2025, 1, 1), "on_track"),
            facts(2, D(2025, 1, 5), "off_track", sign_off="approved", decided_on=D(2025, 1, 9)),
            facts(3, D(2025, 1, 6), "complete", sign_off="returned", decided_on=D(2025, 1, 7)),
            facts(4, D(2025, 1, 8), "complete", sign_off="awaiting"),
        ]
    )
    assert [(r.valid_from, r.valid_to, r.state.status) for r in rows] == [
        (D(2025, 1, 1), D(2025, 1, 9), "on_track"),
        (D(2025, 1, 9), None, "off_track"),
    ]
    # Approved before its own date (an administrator's entry): it counts from its date.
    early = intervals_from(
        [facts(1, D(2025, 3, 1), "at_risk", sign_off="approved", decided_on=D(2025, 2, 1))]
    )
    assert early[0].valid_from == D(2025, 3, 1)


def test_a_backdated_entry_recorded_later_wins_its_day_and_a_change_of_nothing_adds_no_row():
    rows = intervals_from(
        [
            facts(1, D(2025, 1, 1), "on_track", hour=1),
            facts(2, D(2025, 1, 10), "at_risk", hour=2),
            # Recorded later, dated the same day as update 1: newer on that day.
            facts(3, D(2025, 1, 1), "off_track", hour=3),
            # Approved late, but dated before update 2: nothing changes on its approval.
            facts(4, D(2025, 1, 5), "complete", sign_off="approved", decided_on=D(2025, 1, 20)),
        ]
    )
    assert [(r.valid_from, r.valid_to, r.state.status, r.state.latest_update_id) for r in rows] == [
        (D(2025, 1, 1), D(2025, 1, 10), "off_track", 3),
        (D(2025, 1, 10), None, "at_risk", 2),
    ]


def test_differences_are_merged_stretches():
    one = state("on_track", 1, D(2025, 1, 1), 1, D(2025, 1, 1))
    two = state("at_risk", 2, D(2025, 1, 5), 2, D(2025, 1, 5))
    stored = [Interval(D(2025, 1, 1), None, one)]
    replayed = [Interval(D(2025, 1, 1), D(2025, 1, 5), one), Interval(D(2025, 1, 5), None, two)]
    assert status_timeline.differences(stored, replayed) == [(D(2025, 1, 5), None, one, two)]
    assert status_timeline.differences(replayed, replayed) == []
    assert status_timeline.differences([], stored) == [(D(2025, 1, 1), None, None, one)]


# -- the timeline agrees with the replay at every date, on random histories -----------------

BASE = D(2025, 1, 1)
DAYS = 12
STATUSES = ["on_track", "at_risk", "off_track", "complete", "not_started", ""]

new_update = st.tuples(
    st.just("update"),
    st.integers(0, 2),  # subject: two actions and an objective
    st.integers(0, DAYS),  # as at
    st.integers(0, 4),  # recorded (hours; ties happen)
    st.sampled_from(STATUSES),
    st.booleans(),  # needs sign-off
)
decision = st.tuples(
    st.just("decide"),
    st.integers(0, 30),  # which update (modulo those that wait)
    st.sampled_from(["approved", "returned"]),
    st.integers(0, DAYS),  # decided on
)
correction = st.tuples(
    st.just("correct"),
    st.integers(0, 30),  # which update
    st.integers(0, DAYS),  # its new date (often backdated)
    st.sampled_from(STATUSES),
    st.integers(0, 2),  # its new subject
)
histories = st.lists(st.one_of(new_update, new_update, decision, correction), max_size=14)


def play(history, subjects: list[dict], editor) -> list[ProgressUpdate]:
    """Write a random history (`histories`) on these subjects, as the app would."""
    updates: list[ProgressUpdate] = []
    for step in history:
        if step[0] == "update":
            _, who, day, hour, status, waits = step
            updates.append(
                ProgressUpdate.objects.create(
                    **{"action": None, "objective": None, **subjects[who]},
                    as_at=BASE + timedelta(days=day),
                    recorded_at=T0 + timedelta(hours=hour),
                    status=status,
                    needs_sign_off=waits,
                )
            )
        elif step[0] == "decide":
            waiting = [u for u in updates if u.needs_sign_off and not hasattr(u, "_decided")]
            if not waiting:
                continue
            update = waiting[step[1] % len(waiting)]
            update._decided = True
            SignOff.objects.create(
                update=update,
                decision=step[2],
                comment="Say more" if step[2] == "returned" else "",
                decided_by=editor,
                decided_on=BASE + timedelta(days=step[3]),
            )
        elif updates:
            _, which, day, status, who = step
            update = updates[which % len(updates)]
            update.action, update.objective = None, None
            for name, subject in subjects[who].items():
                setattr(update, name, subject)
            update.as_at, update.status = BASE + timedelta(days=day), status
            update.correction = True
            update.save(administrator_edit=True)
    return updates


class TimelineAgreesWithTheReplay(HypothesisTestCase):
    """Updates, sign-offs, returns, administrators' corrections and backdated entries, in
    any order: as at every day, the timeline says what the replay of the updates says."""

    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(histories)
    def test_the_timeline_and_the_replay_agree_at_every_date(self, history):
        editor = UserFactory()
        plan = PlanFactory()
        objective = ObjectiveFactory(plan=plan)
        actions = [ActionFactory(objective=objective), ActionFactory(objective=objective)]
        subjects = [{"action": actions[0]}, {"action": actions[1]}, {"objective": objective}]
        play(history, subjects, editor)

        all_actions = Action.objects.filter(objective__plan=plan)
        objectives = Objective.objects.filter(plan=plan)
        for offset in range(-1, DAYS + 2):
            day = BASE + timedelta(days=offset)
            replayed_actions = replayed_states(all_actions, day)  # replayed once, used twice
            assert timeline_states(all_actions, day) == replayed_actions, day
            assert timeline_states(objectives, day) == replayed_states(objectives, day), day
            listed = {
                a.pk: (a.current_status, a.last_update_on)
                for a in with_status_as_at(all_actions, day)
            }
            for pk, replayed in replayed_actions.items():
                expected = (
                    (Status.NOT_STARTED.value, None)
                    if replayed is None
                    else (replayed.status, replayed.latest_on)
                )
                assert listed[pk] == expected, (day, pk)
        assert status_timeline.compare(actions=all_actions, objectives=objectives) == []


# -- every write path writes the timeline, in its transaction -------------------------------

pytestmark = pytest.mark.django_db


def rows(subject) -> list[tuple]:
    return list(
        subject.status_intervals.order_by("valid_from").values_list(
            "valid_from", "valid_to", "status"
        )
    )


def test_the_update_form_writes_the_timeline(client, setting):  # noqa: F811
    action, today = setting["action"], timezone.localdate()
    editor = setting["editor"]
    assert submit(client, editor, action, status="at_risk").status_code == 302
    assert rows(action)[-1] == (today, None, "at_risk")


def test_approval_writes_the_timeline_and_a_return_leaves_it(client, setting):  # noqa: F811
    action, today = setting["action"], timezone.localdate()
    before = rows(action)
    submit(client, setting["owner"], action, status="off_track")
    update = ProgressUpdate.objects.filter(action=action).latest("id")
    assert rows(action) == before  # waiting: it does not count
    assert decide(client, setting["editor"], update, "returned", "Say more").status_code == 302
    assert rows(action) == before
    submit(client, setting["owner"], action, status="complete")
    update = ProgressUpdate.objects.filter(action=action).latest("id")
    assert decide(client, setting["editor"], update, "approved").status_code == 302
    assert rows(action)[-1] == (today, None, "complete")


def test_an_administrators_correction_in_the_admin_rewrites_the_past(client):
    update = ProgressUpdateFactory(as_at=D(2025, 6, 30), status="on_track")
    action = update.action
    client.force_login(user_with_role(roles.ADMINISTRATOR))
    data = {
        "action": action.pk,
        "as_at": "2025-03-31",
        "status": "off_track",
        "narrative": "Corrected",
        "achievements": "",
        "evidence": "",
        "areas_for_development-TOTAL_FORMS": "0",
        "areas_for_development-INITIAL_FORMS": "0",
    }
    url = f"/admin/improvement/progressupdate/{update.pk}/change/"
    assert client.post(url, data).status_code == 302
    assert rows(action) == [(D(2025, 3, 31), None, "off_track")]
    assert action_state_as_at(action, D(2025, 4, 1)).status == Status.OFF_TRACK


def test_moving_an_update_to_another_action_rewrites_both():
    update = ProgressUpdateFactory(as_at=D(2025, 6, 30), status="on_track")
    first, second = update.action, ActionFactory()
    update.action = second
    update.save(administrator_edit=True)
    assert rows(first) == []
    assert rows(second) == [(D(2025, 6, 30), None, "on_track")]


def test_a_failure_after_the_update_rolls_back_both():
    action = ActionFactory()
    with pytest.raises(RuntimeError), transaction.atomic():
        ProgressUpdateFactory(action=action, as_at=D(2025, 1, 1))
        assert rows(action)  # written with the update, in its transaction
        raise RuntimeError
    assert rows(action) == []
    assert not ProgressUpdate.objects.filter(action=action).exists()


def test_a_failure_writing_the_timeline_saves_no_update(monkeypatch, setting):  # noqa: F811
    action = setting["action"]
    count = ProgressUpdate.objects.count()
    before = rows(action)

    def refuse(**kwargs):
        raise RuntimeError("the timeline could not be written")

    monkeypatch.setattr(status_timeline, "rebuild", refuse)
    with pytest.raises(RuntimeError):
        services.progress_update_create(
            subject=action,
            author=setting["editor"],
            based_on=services.latest_update_marker(action),
            status="complete",
            narrative="Done",
        )
    assert ProgressUpdate.objects.count() == count
    assert rows(action) == before


def test_a_failed_approval_leaves_the_timeline_and_the_update_waiting(monkeypatch, setting):  # noqa: F811
    action = setting["action"]
    update = ProgressUpdateFactory(
        action=action, as_at=timezone.localdate(), status="off_track", needs_sign_off=True
    )
    before = rows(action)
    monkeypatch.setattr(status_timeline, "rebuild", lambda **kwargs: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        services.sign_off_decide(update=update, user=setting["editor"], decision="approved")
    assert not SignOff.objects.filter(update=update).exists()
    assert rows(action) == before


def test_a_batch_writes_each_subject_once_on_leaving_and_nothing_if_it_fails():
    action = ActionFactory()
    with status_timeline.batch():
        for day in range(1, 4):
            ProgressUpdateFactory(action=action, as_at=D(2025, 1, day), status="on_track")
        assert rows(action) == []  # not yet
    assert [row[:2] for row in rows(action)] == [
        (D(2025, 1, 1), D(2025, 1, 2)),
        (D(2025, 1, 2), D(2025, 1, 3)),
        (D(2025, 1, 3), None),
    ]
    other = ActionFactory()
    with pytest.raises(RuntimeError), transaction.atomic(), status_timeline.batch():
        ProgressUpdateFactory(action=other, as_at=D(2025, 1, 1))
        raise RuntimeError
    assert rows(other) == []


def everything_agrees() -> bool:
    return (
        status_timeline.compare(actions=Action.objects.all(), objectives=Objective.objects.all())
        == []
    )


def test_loading_plan_files_writes_the_timelines():
    call_command("load_plans", verbosity=0)
    assert StatusInterval.objects.exists()
    assert everything_agrees()
    call_command("load_plans", "--replace", verbosity=0)  # deletes and loads again
    assert everything_agrees()


def test_generated_demo_data_has_its_timelines():
    call_command(
        "generate_demo_data",
        "--plans=2",
        "--objectives=4",
        "--actions=20",
        "--updates=200",
        "--measures=2",
        "--years=1",
        "--today=2025-06-30",
        stdout=open("/dev/null", "w"),  # noqa: SIM115
    )
    assert StatusInterval.objects.filter(action__isnull=False).exists()
    assert everything_agrees()
    call_command(
        "generate_demo_data",
        "--plans=2",
        "--objectives=4",
        "--actions=20",
        "--updates=200",
        "--measures=2",
        "--years=1",
        "--today=2025-06-30",
        "--replace",
        stdout=open("/dev/null", "w"),  # noqa: SIM115
    )
    assert everything_agrees()


# -- the rebuild command ------------------------------------------------------------------


def test_the_command_reports_each_difference_and_fixes_nothing_without_fix(capsys):
    update = ProgressUpdateFactory(as_at=D(2025, 1, 1), status="on_track", action__reference="1.1")
    ProgressUpdateFactory(action=update.action, as_at=D(2025, 2, 1), status="at_risk")
    objective_update = ProgressUpdateFactory(
        action=None, objective=ObjectiveFactory(reference="7"), as_at=D(2025, 1, 1)
    )
    # Make the stored timeline wrong in two ways: a status changed, a subject's rows gone.
    StatusInterval.objects.filter(action=update.action, valid_from=D(2025, 2, 1)).update(
        status="complete"
    )
    StatusInterval.objects.filter(objective=objective_update.objective).delete()
    broken = list(StatusInterval.objects.values_list("pk", "status", "valid_from"))

    with pytest.raises(CommandError, match="nothing changed"):
        call_command("rebuild_status_timeline")
    out = capsys.readouterr().out
    assert "action 1.1" in out and "from 2025-02-01 onwards" in out
    assert "the timeline says complete" in out and "the updates say at_risk" in out
    assert "objective 7" in out and "the timeline says not started" in out
    assert "2 difference(s)" in out
    assert list(StatusInterval.objects.values_list("pk", "status", "valid_from")) == broken

    call_command("rebuild_status_timeline", "--fix")
    assert "Rewrote 2 timeline(s)" in capsys.readouterr().out
    call_command("rebuild_status_timeline")
    assert "agrees" in capsys.readouterr().out


def test_the_command_names_an_unknown_plan():
    with pytest.raises(CommandError, match="No plan with the slug nope"):
        call_command("rebuild_status_timeline", "--plan", "nope")


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs row locks across connections (PostgreSQL)"
)
def test_two_approvals_on_one_action_at_the_same_moment_both_reach_the_timeline():
    action = ActionFactory()
    today = timezone.localdate()
    waiting = [
        ProgressUpdateFactory(action=action, as_at=today, status=status, needs_sign_off=True)
        for status in ("at_risk", "off_track")
    ]
    administrator = user_with_role(roles.ADMINISTRATOR)
    start = threading.Barrier(2)
    failures = []

    def approve(update):
        try:
            start.wait()
            services.sign_off_decide(update=update, user=administrator, decision="approved")
        except Exception as exc:  # noqa: BLE001  reported below
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(u,)) for u in waiting]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert everything_agrees()
    assert rows(action) == [(today, None, "off_track")]

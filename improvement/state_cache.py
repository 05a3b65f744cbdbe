"""Plans' states and rendered dashboard rows, kept in the shared cache by plan version.

Working out a plan's state as at a date reads every update of every action in it; the
dashboard does that for each plan at several dates and renders hundreds of links per
plan. Both are cached here under the plan's version (`improvement.plan_versions`), which
every write that can change what is shown of a plan moves on, in the writer's own
transaction, including a correction dated in the past. So a repeat view costs a cache
read, and a write anywhere in a plan shows at once: its new version names new keys, and
nothing cached under the old one is read again (old entries simply expire).

What goes into a key, and why:

- states (`plan_states_as_at`): the plan, its version, the as-at date and whether it is
  a summary. A state depends on nothing else (not the user: a plan's state is the same
  for everyone who may read the plan; "today" matters only through the as-at date, on
  which overdue and staleness depend). A state as at a past date changes only with a
  write into that past, which moves the version on like any other.
- dashboard rows (`dashboard_rows`) and the body of a plan's page
  (`plan_fragment`): the plan and its version, the dates (as at, and
  what it is compared with), the filters and the page's query string (its links carry
  them), and what the user may see and do: their roles and whether they edit the plan.
  Which plans a user may read is decided afresh on every request, never cached.

Reading order matters: the versions are read first and the data second, so what is
cached under a version is never older than the version says (see plan_versions).
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Callable, Iterable
from datetime import date
from urllib.parse import urlencode

from django.core.cache import cache
from django.db.models import QuerySet

from config.release import code_release
from improvement import history, plan_versions
from improvement.models import Plan
from improvement.permissions import is_administrator, user_roles

# A row the filters leave out is cached too (as this), so a repeat view skips it at once.
LEFT_OUT = ""


def _packed(html: str) -> bytes:
    """Rendered HTML as it is kept: compressed (a 500-action plan's page is 500 KB of
    HTML and about a tenth of that compressed, so the shared cache sends and stores a
    tenth; compressing at the fastest level costs about a millisecond)."""
    return zlib.compress(html.encode(), 1)


def _unpacked(value) -> str:
    return zlib.decompress(value).decode() if isinstance(value, bytes) else value


def _state_key(plan_id: int, version: int, as_at: date, summary: bool) -> str:
    return (
        f"plan-state:{code_release()}:{plan_id}:{version}:{as_at:%Y-%m-%d}:"
        f"{'summary' if summary else 'full'}"
    )


def plan_states_as_at(
    plans: QuerySet[Plan], as_at: date, *, summary: bool = False
) -> list[history.PlanState]:
    """`history.plan_states_as_at`, each plan's state read from the cache when it has one
    for the plan's current version, the others worked out (in one go) and cached."""
    ids = list(plans.values_list("pk", flat=True))
    if not ids:
        return []
    numbers = plan_versions.versions(ids)
    keys = {pk: _state_key(pk, numbers[pk], as_at, summary) for pk in ids}
    found = cache.get_many(keys.values())
    states = {pk: found[key] for pk, key in keys.items() if key in found}
    missing = [pk for pk in ids if pk not in states]
    if missing:
        worked_out = history.plan_states_as_at(
            Plan.objects.filter(pk__in=missing), as_at, summary=summary
        )
        for state in worked_out:
            states[state.plan.pk] = state
        cache.set_many({keys[s.plan.pk]: s for s in worked_out})
    return [states[pk] for pk in ids if pk in states]


def plan_state_as_at(plan: Plan, as_at: date) -> history.PlanState:
    """One plan's full state (its page), through the cache."""
    return plan_states_as_at(Plan.objects.filter(pk=plan.pk), as_at)[0]


def rights(user, plan_ids: Iterable[int]) -> dict[int, str]:
    """What the user may see and do in each plan, as a short text for a cache key: their
    roles, and whether they edit the plan. Two users with the same text see the same row."""
    ids = list(plan_ids)
    roles = ",".join(sorted(user_roles(user)))
    edited = set()
    # An administrator may do everything an editor may in every plan: whether they are
    # also named as one changes nothing they see, so it is not read.
    if ids and getattr(user, "is_authenticated", False) and not is_administrator(user):
        edited = set(user.edited_plans.filter(pk__in=ids).values_list("pk", flat=True))
    return {pk: f"{roles}|{'editor' if pk in edited else ''}" for pk in ids}


def _row_key(plan_id: int, version: int, page: str, right: str, kind: str) -> str:
    digest = hashlib.sha256(f"{page}#{right}".encode()).hexdigest()[:32]
    # "z": kept compressed (`_packed`); a server still keeping plain text uses other keys.
    return f"{kind}:z:{code_release()}:{plan_id}:{version}:{digest}"


def dashboard_rows(
    user,
    plan_ids: list[int],
    page: str,
    render_missing: Callable[[list[int]], dict[int, str]],
    *,
    kind: str = "dashboard-row",
) -> list[tuple[int, str]]:
    """Each plan's rendered dashboard row, in `plan_ids` order: from the cache where there
    is one for the plan's version, the page (`page`: its dates, filters and query string)
    and the user's rights in the plan; the rest rendered by `render_missing(ids)` (which
    answers {plan id: html}, leaving out plans the filters leave out) and cached. Plans
    the filters leave out are not in the answer."""
    if not plan_ids:
        return []
    numbers = plan_versions.versions(plan_ids)
    allowed = rights(user, plan_ids)
    keys = {pk: _row_key(pk, numbers[pk], page, allowed[pk], kind) for pk in plan_ids}
    found = cache.get_many(keys.values())
    html = {pk: _unpacked(found[key]) for pk, key in keys.items() if key in found}
    missing = [pk for pk in plan_ids if pk not in html]
    if missing:
        rendered = render_missing(missing)
        fresh = {pk: rendered.get(pk, LEFT_OUT) for pk in missing}
        html.update(fresh)
        cache.set_many({keys[pk]: _packed(text) for pk, text in fresh.items()})
    return [(pk, html[pk]) for pk in plan_ids if html[pk] != LEFT_OUT]


def plan_fragment(user, plan: Plan, page: str, render: Callable[[], str]) -> str:
    """The rendered body of a plan's page (from its status to its actions), cached like a
    dashboard row: by plan version, `page` (dates and query) and the user's rights."""
    found = dashboard_rows(
        user, [plan.pk], page, lambda missing: {plan.pk: render()}, kind="plan-page"
    )
    return found[0][1] if found else ""


def page_key(name: str, as_at: date, plan_ids: Iterable[int], query, *more: str) -> str:
    """What a page drawn from many plans is cached under besides the plans' versions and
    the reader's rights (`page_parts`): which page, its as-at day (today's when none is
    given: overdue and staleness depend on it), the plans it shows, anything else it
    depends on, and its query as typed (a mistyped value shows its message; its links
    carry the query)."""
    return "|".join(
        [
            name,
            f"{as_at:%Y-%m-%d}",
            *more,
            ",".join(map(str, plan_ids)),
            urlencode(sorted(query.lists()), doseq=True),
        ]
    )


def page_parts(
    user, plan_ids: Iterable[int], page: str, render: Callable[[], dict[str, str]]
) -> dict[str, str]:
    """A page's parts (texts by name: its body, and whatever else of the page it decides,
    such as whether its title says "Error") drawn from many plans, cached under every one
    of the plans' versions and the user's rights in each: a repeat view is the versions,
    the rights and one cache read, nothing worked out or rendered; a write to any of the
    plans makes a new key."""
    ids = sorted(set(plan_ids))
    numbers = plan_versions.versions(ids)
    allowed = rights(user, ids)
    who = ",".join(sorted(user_roles(user)))
    plans = ";".join(f"{pk}:{numbers[pk]}:{allowed[pk]}" for pk in ids)
    key = (
        f"page-parts:z:{code_release()}:"
        + hashlib.sha256(f"{page}#{who}#{plans}".encode()).hexdigest()
    )
    found = cache.get(key)
    if found is not None:
        return json.loads(_unpacked(found))
    parts = render()
    cache.set(key, _packed(json.dumps(parts)))
    return parts


def page_body(user, plan_ids: Iterable[int], page: str, render: Callable[[], str]) -> str:
    """A page's whole body drawn from many plans (the dashboard: its rows, and its filters'
    choices, which list those plans' people and periods), cached by `page_parts`; a write
    to any of the plans makes a new key (and only the rows of the plan written are
    rendered again, `dashboard_rows`)."""
    return page_parts(user, plan_ids, page, lambda: {"body": render()})["body"]

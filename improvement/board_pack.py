"""A board pack: one document (PDF or Word) holding several plans' progress reports for a
committee, with a cover and a contents page, made in a background job.

Requesting a pack stores it as queued and enqueues `improvement.tasks.build_board_pack`
once the request's transaction commits; a worker (`manage.py db_worker`) builds it, so
a web worker never lays out a thousand pages. The job records its progress (plans done
of plans to do, then the layout) on the pack, for the page to show, and keeps the
finished file in the database. Each plan's report is the same content as its own
report (`assembly.progress_report`, laid out by `paged.progress_document`), so a pack
says exactly what the plans' reports say, with each plan's remembered cover block; a
Word pack of one council's plans is written into that council's house style.

Who may see a pack: its requester, and anyone who may export every one of its plans
(the same people who could make the same pack); anyone else gets 404.
"""

from __future__ import annotations

import logging
from datetime import date

from django.db import transaction
from django.utils import timezone

from improvement.house_style import template_for
from improvement.models import BoardPack, Plan
from improvement.references import natural_key
from improvement.reports import paged, pdf, word
from improvement.reports.assembly import progress_report, remembered_cover
from improvement.reports.paged import Contents, Heading, PageBreak, PagedDocument

logger = logging.getLogger(__name__)
MAX_PLANS = 60


def may_see(user, pack: BoardPack) -> bool:
    if pack.requested_by_id == user.pk:
        return True
    plans = list(pack.plans.all())
    return bool(plans) and all(user.has_perm("improvement.export_plan", p) for p in plans)


@transaction.atomic
def board_pack_request(*, user, plans: list[Plan], title: str, as_at: date, fmt: str) -> BoardPack:
    """Store the pack as queued and enqueue its job when this transaction commits."""
    from improvement.tasks import build_board_pack

    pack = BoardPack(
        title=title,
        as_at=as_at,
        format=fmt,
        requested_by=user,
        progress_total=len(plans) + 1,
    )
    pack.full_clean(exclude=["data"])
    pack.save()
    pack.plans.set(plans)
    transaction.on_commit(lambda: build_board_pack.enqueue(pack.pk))
    return pack


def _ordered(plans) -> list[Plan]:
    return sorted(plans, key=lambda p: (natural_key(p.title), p.pk))


def pack_document(pack: BoardPack, on_plan=None) -> PagedDocument:
    """The pack as paged blocks: a cover with the contents, then each plan's report from
    a new page with its own running title. `on_plan(done)` is told after each plan."""
    as_at = f"{pack.as_at:%-d %B %Y}"
    document = PagedDocument(
        title=f"{pack.title}: board pack as at {as_at}",
        running_title=pack.title,
        as_at=f"As at {as_at}",
    )
    plans = _ordered(pack.plans.all())
    document.heading(pack.title, 1)
    document.para(f"Board pack: progress reports as at {as_at}", bold=True)
    document.para(
        f"{len(plans)} plan{'s' if len(plans) != 1 else ''}: "
        + "; ".join(f"{p.title} ({p.organisation})" for p in plans)
    )
    document.blocks.append(Contents())
    for done, plan in enumerate(plans, start=1):
        report = progress_report(plan, pack.as_at, remembered_cover(plan))
        part = paged.progress_document(report)
        document.blocks.append(PageBreak())
        document.parts.append((len(document.blocks), part.running_title))
        document.blocks.extend(part.blocks)
        if on_plan:
            on_plan(done)
    return document


def pack_template(pack: BoardPack) -> bytes | None:
    """The council's house style for a Word pack, where every plan in it is that
    council's (a pack across councils has no one house style: the standard one)."""
    plans = list(pack.plans.all())
    if len({plan.organisation for plan in plans}) != 1:
        return None
    return template_for(plans[0])


def contents_entries(document: PagedDocument) -> list[Heading]:
    return [b for b in document.blocks if isinstance(b, Heading) and b.level == 1][1:]


def build(pack: BoardPack) -> BoardPack:
    """Make the pack's file (in a worker), recording progress as it goes."""
    BoardPack.objects.filter(pk=pack.pk).update(
        status=BoardPack.Status.RUNNING, started_at=timezone.now(), progress_done=0
    )

    def progress(done: int) -> None:
        BoardPack.objects.filter(pk=pack.pk).update(progress_done=done)

    try:
        document = pack_document(pack, on_plan=progress)
        if pack.format == BoardPack.Format.PDF:
            content = pdf.render(document)
        else:
            content = word.render(document, template=pack_template(pack))
    except Exception as exc:
        logger.exception("Board pack %s failed", pack.pk)
        BoardPack.objects.filter(pk=pack.pk).update(
            status=BoardPack.Status.FAILED,
            finished_at=timezone.now(),
            message=f"The pack could not be made ({type(exc).__name__}). Try again; if it "
            "fails again, tell your administrator.",
        )
        raise
    pack.data = content
    pack.file_name = f"board-pack-{pack.as_at:%Y-%m-%d}-{pack.pk}.{pack.format}"
    pack.content_type = word.DOCX_TYPE if pack.format == BoardPack.Format.DOCX else pdf.PDF_TYPE
    pack.size = len(content)
    pack.status = BoardPack.Status.DONE
    pack.progress_done = pack.progress_total
    pack.finished_at = timezone.now()
    pack.save(
        update_fields=[
            "data",
            "file_name",
            "content_type",
            "size",
            "status",
            "progress_done",
            "finished_at",
        ]
    )
    return pack

"""Plans in and out of spreadsheets: the import page (upload, dry run, confirm), a plan's
export as a workbook or CSV files, and the blank template and the filled example.

Import is for administrators (any plan) and plan editors (into the plans they edit, or
a new plan, which they then edit). The upload is checked for size from the request's
Content-Length before Django reads its body, so a 50 MB file costs nothing; the dry run
keeps the file in a `PendingImport` (the database, not an app server's disk), with the
steps it showed, until the person confirms it. The confirmation is refused, showing what
changed, if the plan has changed in the tracker since the dry run.

A plan with a value too long for a spreadsheet cell is not exported cut short: the
export is refused with a page naming the sheet, row and column.
"""

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from improvement.models import PendingImport, Plan
from improvement.permissions import get_visible_or_404, require
from improvement.uploads import safe_name
from improvement.workbook import format as fmt
from improvement.workbook.forms import WorkbookForm
from improvement.workbook.results import ImportResult, steps_from_record, steps_record
from improvement.workbook.services import can_import_plans, plan_export, plan_import
from improvement.workbook.writer import (
    XLSX_TYPE,
    CellTooLong,
    example_sheets,
    template_sheets,
    to_xlsx,
)

TEMPLATE = "improvement/workbook/import.html"
# Room for the multipart framing around the file itself.
FRAMING_BYTES = 64 * 1024
SHOWN_PROBLEMS = 1000
SHOWN_STEPS = 2000


def _require_importer(user) -> None:
    if not can_import_plans(user):
        raise PermissionDenied


def _page(request, form, result: ImportResult | None = None, pending=None, status=200):
    problems = result.problems if result else []
    if all(not p.sheet and not p.row for p in problems):
        problems = []  # about the file as a whole: said next to the upload field
    changed = result.changed_since if result else []
    # The dry run, changes first: only when it holds (no problems, nothing changed since).
    shows_steps = result is not None and result.steps and not result.problems and not changed
    return render(
        request,
        TEMPLATE,
        {
            "form": form,
            "result": result,
            "pending": pending,
            "problems": problems[:SHOWN_PROBLEMS],
            "more_problems": max(0, len(problems) - SHOWN_PROBLEMS),
            "dry_run": result.dry_run(SHOWN_STEPS) if shows_steps else None,
            "changed": changed[:SHOWN_STEPS],
            "more_changed": max(0, len(changed) - SHOWN_STEPS),
        },
        status=status,
    )


@csrf_exempt  # CSRF is checked in _upload, once the size has been checked unread
@require_http_methods(["GET", "POST"])
def plan_import_page(request: HttpRequest) -> HttpResponse:
    _require_importer(request.user)
    if request.method == "GET":
        return _page(request, WorkbookForm())
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    limit = fmt.max_upload_bytes()
    if declared > limit + FRAMING_BYTES:
        # Refused before Django reads the body: no CSRF check is needed to say no.
        form = WorkbookForm(
            data={},
            refused=f"The file is about {filesizeformat(declared)}; a plan workbook must be "
            f"{filesizeformat(limit)} or smaller.",
        )
        form.is_valid()
        return _page(request, form, status=400)
    return _upload(request)


@csrf_protect
def _upload(request: HttpRequest) -> HttpResponse:
    form = WorkbookForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, form, status=400)
    upload = form.cleaned_data["workbook"]
    data = upload.read()
    name = safe_name(upload.name)
    result = plan_import(data=data, file_name=name, user=request.user)
    if result.problems:
        file_problems = [p for p in result.problems if not p.sheet and not p.row]
        if len(file_problems) == len(result.problems):
            for problem in file_problems:
                form.add_error("workbook", f"{problem.message} {problem.fix}".strip())
        else:
            count = len(result.problems)
            form.add_error(
                "workbook",
                f"“{name}” has {count} problem{'' if count == 1 else 's'}, listed below; "
                "nothing has been imported. Fix them and upload the workbook again.",
            )
        return _page(request, form, result, status=400)
    PendingImport.objects.expired().delete()
    pending = None
    if result.changes_anything:
        pending = PendingImport.objects.create(
            uploaded_by=request.user,
            file_name=name,
            plan_slug=result.plan_slug,
            data=data,
            planned=steps_record(result.steps),
        )
    return _page(request, WorkbookForm(), result, pending)


@require_POST
def plan_import_confirm(request: HttpRequest) -> HttpResponse:
    _require_importer(request.user)
    try:
        token = uuid.UUID(request.POST.get("token", ""))
    except ValueError:
        token = None
    pending = PendingImport.objects.live_for(request.user).filter(token=token).first()
    if pending is None:
        messages.error(
            request, "That upload has expired or was already imported: upload the workbook again."
        )
        return redirect("plan-import")
    result = plan_import(
        data=bytes(pending.data),
        file_name=pending.file_name,
        user=request.user,
        confirm=True,
        expected=steps_from_record(pending.planned),
    )
    if result.changed_since:
        pending.delete()  # it can never be confirmed now: its dry run is out of date
        form = WorkbookForm(
            data={},
            refused="Nothing was imported: the plan has changed in the tracker since you "
            "checked the workbook, so the import would no longer do what it showed you. "
            "What changed is listed below. Upload the workbook again to check it against "
            "the plan as it is now.",
        )
        form.is_valid()
        return _page(request, form, result, status=409)
    if not result.saved:
        form = WorkbookForm(
            data={},
            refused="Nothing was imported: the plan has changed since the check, and the "
            "workbook now has the problems listed below. Upload it again.",
        )
        form.is_valid()
        return _page(request, form, result, status=400)
    pending.delete()
    messages.success(request, f"Imported “{result.plan.title}”: {result.done_summary()}.")
    return redirect(result.plan.get_absolute_url())


@require_GET
def plan_export_page(request: HttpRequest, slug: str) -> HttpResponse:
    plan = get_visible_or_404(request.user, Plan.objects.prefetch_related("status_key"), slug=slug)
    require(request.user, "improvement.export_plan", plan)
    wanted = request.GET.get("format", "xlsx")
    if wanted not in ("xlsx", "csv", "zip", "zip-of-csv"):
        return HttpResponseBadRequest("Choose format=xlsx (a workbook) or format=csv (a zip).")
    try:
        exported = plan_export(plan=plan, as_csv=wanted != "xlsx")
    except CellTooLong as exc:
        return render(
            request,
            "improvement/workbook/export_refused.html",
            {"plan": plan, "problem": exc},
            status=409,
        )
    return _attachment(exported.data, exported.file_name, exported.content_type)


@require_GET
def workbook_template(request: HttpRequest) -> HttpResponse:
    return _attachment(to_xlsx(template_sheets()), "plan-template.xlsx", XLSX_TYPE)


@require_GET
def workbook_example(request: HttpRequest) -> HttpResponse:
    return _attachment(to_xlsx(list(example_sheets())), "plan-example.xlsx", XLSX_TYPE)


def _attachment(data: bytes, file_name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response

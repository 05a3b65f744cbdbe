"""Plans in and out of spreadsheets: the import page (upload, dry run, confirm), a plan's
export as a workbook or CSV files, and the blank template and the filled example.

Import is for administrators (any plan) and plan editors (into the plans they edit, or
a new plan, which they then edit). The upload is checked for size from the request's
Content-Length before Django reads its body, so a 50 MB file costs nothing; the dry run
keeps the file in a `PendingImport` (the database, not an app server's disk), with the
steps it showed, until the person confirms it. The confirmation is refused, showing what
changed, if the plan has changed in the tracker since the dry run.

Where the check finds status labels the plan's key lacks, the upload is kept too (only its
uploader can use it), and the page asks what each label means: choosing runs the check
again on the same file with those labels added (`workbook.adding_labels`); the import
then adds them to the key.

A plan with a value too long for a spreadsheet cell is not exported cut short: the
export is refused with a page naming the sheet, row and column.
"""

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from improvement.models import PendingImport, Plan
from improvement.permissions import get_visible_or_404, require
from improvement.status import Status
from improvement.uploads import safe_name
from improvement.workbook import adding_labels
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
SOURCE = "workbook"  # PendingImport.options["source"]: a plan workbook's upload
# Room for the multipart framing around the file itself.
FRAMING_BYTES = 64 * 1024
SHOWN_PROBLEMS = 1000
SHOWN_STEPS = 2000


def _require_importer(user) -> None:
    if not can_import_plans(user):
        raise PermissionDenied


def _page(
    request,
    form,
    result: ImportResult | None = None,
    pending=None,
    status=200,
    *,
    labels_pending=None,
    labels_form=None,
):
    problems = result.problems if result else []
    offers = adding_labels.offers(result) if labels_pending else []
    if offers and labels_form is None:
        labels_form = adding_labels.AddLabelsForm(offers=offers)
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
            "labels_pending": labels_pending if offers else None,
            "labels_form": labels_form if offers else None,
            "plan_labels": (
                adding_labels.plan_labels(result.plan_slug, request.user) if offers else []
            ),
            "added": _added(labels_pending or pending),
        },
        status=status,
    )


def _added(pending) -> list[tuple[str, str]]:
    """The labels chosen so far, with the standard status of each, in words."""
    if pending is None:
        return []
    return [
        (label, Status(status).label) for label, status in adding_labels.chosen(pending).items()
    ]


def _with_problems(name: str, result: ImportResult) -> WorkbookForm:
    """The upload field's message for a workbook with problems."""
    file_problems = [p for p in result.problems if not p.sheet and not p.row]
    if len(file_problems) == len(result.problems):
        message = " ".join(f"{p.message} {p.fix}".strip() for p in file_problems)
    else:
        count = len(result.problems)
        more = (
            "Fix them, or add the statuses below to the plan's key, and check again."
            if result.labels_to_add
            else "Fix them and upload the workbook again."
        )
        message = (
            f"“{name}” has {count} problem{'' if count == 1 else 's'}, listed below; "
            f"nothing has been imported. {more}"
        )
    form = WorkbookForm(data={}, refused=message)
    form.is_valid()
    return form


def _keep(request, name: str, result: ImportResult, data: bytes) -> PendingImport:
    """Keep the upload for its confirmation, or for labels to be added to its key."""
    PendingImport.objects.expired().delete()
    pending = PendingImport.objects.create(
        uploaded_by=request.user,
        file_name=name,
        plan_slug=result.plan_slug,
        data=data,
        planned=b"" if result.problems else steps_record(result.steps),
        options={"source": SOURCE, adding_labels.OPTION: {}},
    )
    PendingImport.objects.beyond_the_few_kept_for(request.user).delete()
    return pending


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
        # Labels the key lacks can be added here: the file is kept to check it again.
        kept = _keep(request, name, result, data) if result.labels_to_add else None
        return _page(request, _with_problems(name, result), result, status=400, labels_pending=kept)
    pending = _keep(request, name, result, data) if result.changes_anything else None
    return _page(request, WorkbookForm(), result, pending)


def _pending(request) -> PendingImport | None:
    try:
        token = uuid.UUID(request.POST.get("token", ""))
    except ValueError:
        return None
    return (
        PendingImport.objects.live_for(request.user)
        .exclude(options__source="document")
        .filter(token=token)
        .first()
    )


@require_POST
def plan_import_labels(request: HttpRequest) -> HttpResponse:
    """Add the labels the person chose to the plan's key and check the same upload
    again: its problems, what is left to add, or its dry run and the import button."""
    _require_importer(request.user)
    pending = _pending(request)
    if pending is None:
        # Someone else's upload, or one gone: nothing to say about it but that.
        raise Http404("That upload has expired or was already imported.")
    added = adding_labels.chosen(pending)
    data = bytes(pending.data)
    result = plan_import(
        data=data, file_name=pending.file_name, user=request.user, add_labels=added
    )
    offers = adding_labels.offers(result)
    form = adding_labels.AddLabelsForm(request.POST, offers=offers)
    if not offers:
        # Nothing left to add (the plan's key changed meanwhile): the check as it is.
        return _checked(request, pending, result)
    if not form.is_valid():
        return _page(
            request,
            WorkbookForm(),
            result,
            status=400,
            labels_pending=pending,
            labels_form=form,
        )
    adding_labels.keep_chosen(pending, form.cleaned_data["labels"])
    result = plan_import(
        data=data,
        file_name=pending.file_name,
        user=request.user,
        add_labels=adding_labels.chosen(pending),
    )
    return _checked(request, pending, result)


def _checked(request, pending: PendingImport, result: ImportResult) -> HttpResponse:
    """The page after a check of a kept upload: its problems, or its dry run."""
    if result.problems:
        pending.planned = b""
        pending.save(update_fields=["planned"])
        return _page(
            request,
            _with_problems(pending.file_name, result),
            result,
            status=400,
            labels_pending=pending,
        )
    pending.planned = steps_record(result.steps)
    pending.save(update_fields=["planned"])
    return _page(request, WorkbookForm(), result, pending if result.changes_anything else None)


@require_POST
def plan_import_confirm(request: HttpRequest) -> HttpResponse:
    _require_importer(request.user)
    pending = _pending(request)
    if pending is None:
        messages.error(
            request, "That upload has expired or was already imported: upload the workbook again."
        )
        return redirect("plan-import")
    if not pending.planned:
        messages.error(
            request,
            f"“{pending.file_name}” has problems to fix before it can be imported: "
            "upload the workbook again.",
        )
        return redirect("plan-import")
    result = plan_import(
        data=bytes(pending.data),
        file_name=pending.file_name,
        user=request.user,
        confirm=True,
        expected=steps_from_record(pending.planned),
        add_labels=adding_labels.chosen(pending),
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

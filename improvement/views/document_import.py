"""Importing a plan from a council's own Word document or tracker: upload it (with the
plan it is for and the date of the progress it holds), then check it: the tables found,
each column's field (guessed from its heading, or as saved for that table shape, and
changeable here), the status labels, a preview of the plan it would build and the same
dry run as the workbook import; then confirm. Nothing is saved before the confirmation,
and nothing at all if there is any problem.

For the same people as the workbook import (`services.can_import_plans`); the planner
decides, as for a workbook, which plans each may import into. The upload is kept in a
`PendingImport` with the person's choices, only they can see or confirm it, and the
confirmation is refused if the plan changed since the check they saw.

A status label the document uses that the plan's key lacks can be added to the key on
the check page (`workbook.adding_labels`): the choice is kept with the upload, the check
runs again on it, and the import adds the label to the key.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

from improvement.models import PendingImport, PlanKind
from improvement.permissions import editable_plans
from improvement.status import Status
from improvement.uploads import safe_name
from improvement.workbook import adding_labels
from improvement.workbook import format as fmt
from improvement.workbook.documents import ACCEPTED, document_import, read_document
from improvement.workbook.mapping import FIELDS, Choices, normalise
from improvement.workbook.results import steps_from_record, steps_record
from improvement.workbook.services import can_import_plans

SOURCE = "document"
FRAMING_BYTES = 64 * 1024
SHOWN = 1000
PREVIEWED = 500  # actions in the preview; the dry run lists every row
NEW_PLAN = ""


def _require_importer(user) -> None:
    if not can_import_plans(user):
        raise PermissionDenied


AS_AT_FORMATS = ("%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d %B %Y", "%d %b %Y")


def _as_at(text: str) -> date | None:
    """A date as people in the UK write it (day first), or None where blank."""
    text = " ".join((text or "").split())
    if not text:
        return None
    for pattern in AS_AT_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise forms.ValidationError(f"“{text[:40]}” is not a date. Write it as 31/03/2025.")


class DocumentForm(forms.Form):
    mark_optional = True  # "(optional)" on the fields a person may leave empty
    document = forms.FileField(
        label="The plan document",
        help_text="A Word document (.docx) whose plan is set out in tables, or an Excel "
        f"(.xlsx) or CSV tracker, up to {filesizeformat(fmt.max_upload_bytes())}.",
        error_messages={
            "required": "Choose the document to import.",
            "empty": "The file is empty. Choose the document again.",
        },
        widget=forms.FileInput(attrs={"accept": ACCEPTED}),
    )
    plan = forms.ChoiceField(label="Import into", required=False)
    title = forms.CharField(
        label="A new plan's title",
        required=False,
        max_length=300,
        help_text="Blank: the document's own title.",
    )
    organisation = forms.CharField(
        label="A new plan's organisation", required=False, max_length=200
    )
    kind = forms.ChoiceField(
        label="A new plan's kind", choices=PlanKind.choices, initial=PlanKind.ACTION_PLAN
    )
    as_at = forms.CharField(
        label="Date of the progress it records",
        required=False,
        help_text="For example 31/03/2025. Blank: the date the document states, else today.",
    )

    def __init__(self, *args, user=None, refused: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.refused = refused
        plans = editable_plans(user).order_by("title").values_list("slug", "title")
        self.fields["plan"].choices = [(NEW_PLAN, "A new plan"), *plans]

    def clean_document(self):
        upload = self.cleaned_data["document"]
        if upload.size > fmt.max_upload_bytes():
            raise forms.ValidationError(
                f"The file is {filesizeformat(upload.size)}; a document to import must be "
                f"{filesizeformat(fmt.max_upload_bytes())} or smaller."
            )
        return upload

    def clean_as_at(self):
        return _as_at(self.cleaned_data["as_at"])

    def clean(self):
        if self.refused:
            self.errors.pop("document", None)
            self.add_error("document", self.refused)
        data = super().clean()
        if not self.errors and not data.get("plan") and not data.get("organisation"):
            self.add_error("organisation", "Enter the council's name for the new plan.")
        return data


def _choices(form: DocumentForm) -> Choices:
    data = form.cleaned_data
    return Choices(
        plan_slug=data["plan"],
        title=data["title"] if not data["plan"] else "",
        organisation=data["organisation"] if not data["plan"] else "",
        kind=data["kind"],
        as_at=data["as_at"],
    )


def _upload_page(request, form, status=200):
    return render(request, "improvement/document_import/upload.html", {"form": form}, status=status)


@csrf_exempt  # CSRF is checked in _upload, once the size has been checked unread
@require_http_methods(["GET", "POST"])
def document_import_page(request: HttpRequest) -> HttpResponse:
    _require_importer(request.user)
    if request.method == "GET":
        return _upload_page(request, DocumentForm(user=request.user))
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    limit = fmt.max_upload_bytes()
    if declared > limit + FRAMING_BYTES:
        form = DocumentForm(
            data={},
            user=request.user,
            refused=f"The file is about {filesizeformat(declared)}; a document to import "
            f"must be {filesizeformat(limit)} or smaller.",
        )
        form.is_valid()
        return _upload_page(request, form, status=400)
    return _upload(request)


@csrf_protect
def _upload(request: HttpRequest) -> HttpResponse:
    form = DocumentForm(request.POST, request.FILES, user=request.user)
    if not form.is_valid():
        return _upload_page(request, form, status=400)
    upload = form.cleaned_data["document"]
    data, name = upload.read(), safe_name(upload.name)
    found = read_document(data, name)
    if not found.readable or found.is_plan_workbook:
        message = (
            f"“{found.file_name}” is a plan workbook: import it on the “Import a plan "
            "workbook” page."
            if found.is_plan_workbook
            else " ".join(f"{p.message} {p.fix}".strip() for p in found.problems)
        )
        form.add_error("document", message)
        return _upload_page(request, form, status=400)
    PendingImport.objects.expired().delete()
    choices = _choices(form)
    pending = PendingImport.objects.create(
        uploaded_by=request.user,
        file_name=name,
        plan_slug=choices.plan_slug,
        data=data,
        options={"source": SOURCE, **choices.as_options()},
    )
    PendingImport.objects.beyond_the_few_kept_for(request.user).delete()
    return redirect("document-import-check", token=pending.token)


def _pending(request, token) -> PendingImport:
    pending = (
        PendingImport.objects.live_for(request.user)
        .filter(token=token, options__source=SOURCE)
        .first()
    )
    if pending is None:
        raise Http404("That upload has expired or was already imported.")
    return pending


def _run(request, pending: PendingImport, *, confirm=False, expected=None):
    return document_import(
        data=bytes(pending.data),
        file_name=pending.file_name,
        choices=Choices.from_options(pending.options),
        user=request.user,
        confirm=confirm,
        expected=expected,
        add_labels=adding_labels.chosen(pending),
    )


_FIELD_CHOICES = [("", "Not imported"), *((f.key, f.label) for f in FIELDS)]
_STATUS_CHOICES = [("", "Not placed: choose one"), *Status.choices]


def _check_page(request, pending, outcome, *, errors=None, status=200, labels_form=None):
    result = outcome.result
    offers = adding_labels.offers(result)
    if offers and labels_form is None:
        labels_form = adding_labels.AddLabelsForm(offers=offers)
    problems = result.problems
    built = outcome.built
    tables = []
    if built is not None:
        for layout in built.layouts:
            tables.append(
                {
                    "layout": layout,
                    "columns": [
                        {
                            "name": f"field-{layout.key}-{index}",
                            "heading": heading or f"Column {index + 1}",
                            "field": field,
                            "guessed": layout.guessed[index] if index < len(layout.guessed) else "",
                        }
                        for index, (heading, field) in enumerate(
                            zip(layout.headings, layout.fields, strict=False)
                        )
                    ],
                }
            )
    labels = sorted((built.labels if built else {}).items())
    preview, shown = [], 0
    for objective in built.objectives if built else []:
        if shown >= PREVIEWED:
            break
        actions = objective.actions[: PREVIEWED - shown]
        shown += len(actions)
        preview.append((objective, actions))
    total = sum(len(o.actions) for o in built.objectives) if built else 0
    return render(
        request,
        "improvement/document_import/check.html",
        {
            "pending": pending,
            "outcome": outcome,
            "result": result,
            "built": built,
            "tables": tables,
            "labels": labels,
            "preview": preview,
            "more_previewed": total - shown,
            "field_choices": _FIELD_CHOICES,
            "status_choices": _STATUS_CHOICES,
            "problems": problems[:SHOWN],
            "more_problems": max(0, len(problems) - SHOWN),
            "dry_run": (
                result.dry_run(SHOWN)
                if result.steps and not problems and not result.changed_since
                else None
            ),
            "changed": result.changed_since[:SHOWN],
            "as_at_text": f"{built.as_at:%d/%m/%Y}" if built else "",
            "errors": errors or {},
            "can_confirm": not problems and result.changes_anything and not result.saved,
            "labels_form": labels_form if offers else None,
            "plan_labels": (
                adding_labels.plan_labels(result.plan_slug, request.user) if offers else []
            ),
            "added": [
                (label, Status(status).label)
                for label, status in adding_labels.chosen(pending).items()
            ],
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def document_import_check(request: HttpRequest, token: uuid.UUID) -> HttpResponse:
    _require_importer(request.user)
    pending = _pending(request, token)
    if request.method == "POST":
        errors = _take_choices(request, pending)
        if errors:
            outcome = _run(request, pending)
            return _check_page(request, pending, outcome, errors=errors, status=400)
        return redirect("document-import-check", token=pending.token)
    outcome = _run(request, pending)
    if outcome.raw_steps is not None:
        pending.planned = steps_record(outcome.raw_steps)
        pending.save(update_fields=["planned"])
    status = 400 if outcome.result.problems else 200
    return _check_page(request, pending, outcome, status=status)


def _take_choices(request, pending: PendingImport) -> dict[str, str]:
    """The mapping, labels and date the person changed on the check page."""
    options = dict(pending.options)
    layouts = dict(options.get("layouts") or {})
    fields_known = {key for key, _ in _FIELD_CHOICES}
    statuses_known = {key for key, _ in _STATUS_CHOICES}
    errors: dict[str, str] = {}
    by_shape: dict[str, dict[int, str]] = {}
    for name, value in request.POST.items():
        if not name.startswith("field-"):
            continue
        # field-<the table's shape>-<column>; anything else was not on the page.
        parts = name.split("-", 2)
        shape, index = (parts[1], parts[2]) if len(parts) == 3 else ("", "")
        if (
            value not in fields_known
            or not (index.isascii() and index.isdigit())
            or len(shape) != 40
        ):
            errors[name] = "Choose one of the fields."
            continue
        by_shape.setdefault(shape, {})[int(index)] = value
    for shape, columns in by_shape.items():
        if max(columns) > fmt.MAX_COLUMNS:
            continue
        layouts[shape] = [columns.get(i, "") for i in range(max(columns) + 1)]
    statuses = dict(options.get("statuses") or {})
    for name, label in request.POST.items():
        if not name.startswith("label-name-"):
            continue
        value = request.POST.get(f"label-{name.removeprefix('label-name-')}", "")
        if value not in statuses_known:
            errors[name] = "Choose one of the standard statuses."
        elif value:
            statuses[normalise(label)] = value
    try:
        as_at = _as_at(request.POST.get("as_at", ""))
    except forms.ValidationError as exc:
        errors["as_at"] = " ".join(exc.messages)
        as_at = None
    if errors:
        return errors
    options.update(
        layouts=layouts,
        statuses=statuses,
        as_at=as_at.isoformat() if as_at else options.get("as_at", ""),
    )
    pending.options = options
    pending.save(update_fields=["options"])
    return {}


@require_POST
def document_import_labels(request: HttpRequest, token: uuid.UUID) -> HttpResponse:
    """Add the labels the person chose to the plan's key, then check the same upload
    again (the check page shows what is left)."""
    _require_importer(request.user)
    pending = _pending(request, token)
    outcome = _run(request, pending)
    offers = adding_labels.offers(outcome.result)
    form = adding_labels.AddLabelsForm(request.POST, offers=offers)
    if offers and not form.is_valid():
        return _check_page(request, pending, outcome, status=400, labels_form=form)
    if offers:
        adding_labels.keep_chosen(pending, form.cleaned_data["labels"])
    return redirect("document-import-check", token=pending.token)


@require_POST
def document_import_confirm(request: HttpRequest, token: uuid.UUID) -> HttpResponse:
    _require_importer(request.user)
    pending = _pending(request, token)
    outcome = _run(request, pending, confirm=True, expected=steps_from_record(pending.planned))
    result = outcome.result
    if result.changed_since or not result.saved:
        return _check_page(request, pending, outcome, status=409 if result.changed_since else 400)
    pending.delete()
    messages.success(request, f"Imported “{result.plan.title}”: {result.done_summary()}.")
    return redirect(result.plan.get_absolute_url())


def check_url(pending: PendingImport) -> str:
    return reverse("document-import-check", kwargs={"token": pending.token})

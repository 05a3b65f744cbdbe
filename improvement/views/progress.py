"""Recording progress (the update form), evidence files, and signing updates off."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.utils import ErrorDict
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from improvement.forms import AreaFormSet, SignOffForm, UpdateForm
from improvement.models import Action, EvidenceFile, Objective, ProgressUpdate
from improvement.permissions import (
    get_visible_or_404,
    require,
    signs_off_anything,
)
from improvement.services import (
    AreaInput,
    StaleUpdate,
    latest_update_marker,
    needs_sign_off,
    progress_update_create,
    sign_off_decide,
)
from improvement.sign_off_queue import sign_off_queue
from improvement.task_list import task_list


def _latest(subject_filter) -> ProgressUpdate | None:
    return (
        ProgressUpdate.objects.filter(**subject_filter)
        .select_related("author", "sign_off__decided_by")
        .prefetch_related("areas_for_development", "files")
        .order_by("-as_at", "-recorded_at", "-id")
        .first()
    )


def _initial_from(update: ProgressUpdate | None) -> tuple[dict, list[dict]]:
    """A returned update's words, so the owner corrects rather than retypes them."""
    if update is None or update.sign_off_state != "returned":
        return {}, []
    initial = {
        "status": update.status,
        "narrative": update.narrative,
        "achievements": update.achievements,
        "evidence": update.evidence,
    }
    areas = [
        {"description": a.description, "timescale": a.timescale, "due_date": a.due_date}
        for a in update.areas_for_development.all()
    ]
    return initial, areas


def _with_one_more_area(data):
    """The form's data with room for one more area for development (the "Add another"
    button without JavaScript)."""
    data = data.copy()
    total = data.get("areas-TOTAL_FORMS", "0")
    data["areas-TOTAL_FORMS"] = str(min(int(total) + 1 if total.isdigit() else 1, 20))
    return data


def _quiet(form, areas):
    """Draw what was typed without error messages: nothing was submitted to be saved."""
    form.full_clean()
    form._errors = ErrorDict()
    areas.full_clean()
    for row in areas.forms:
        row._errors = ErrorDict()
    areas._errors = [ErrorDict() for _ in areas.forms]
    areas._non_form_errors = areas.error_class()


def next_needing_update(user, subject, today):
    """The next action or objective `user` looks after that still needs an update this
    period, after `subject` in the order "My actions" lists them (`task_list`), or None."""
    return task_list(user, today).next_after(subject)


def _record_progress(request, *, subject, plan, milestones, template, context):
    subject_filter = {"action" if isinstance(subject, Action) else "objective": subject}
    previous = _latest(subject_filter)
    conflict = None
    files_not_kept: list[str] = []
    today = timezone.localdate()
    if request.method == "POST":
        chosen = [f.name for f in request.FILES.getlist("files")]
        if "add_area" in request.POST:
            data = _with_one_more_area(request.POST)
            form = UpdateForm(data, plan=plan, milestones=milestones)
            areas = AreaFormSet(data, prefix="areas")
            _quiet(form, areas)
            files_not_kept = chosen
        else:
            form = UpdateForm(request.POST, request.FILES, plan=plan, milestones=milestones)
            areas = AreaFormSet(request.POST, prefix="areas")
        if "add_area" in request.POST:
            pass  # drawn again below with one more area, nothing saved
        elif form.is_valid() and areas.is_valid():
            try:
                progress_update_create(
                    subject=subject,
                    author=request.user,
                    based_on=form.cleaned_data["based_on"],
                    status=form.cleaned_data["status"],
                    narrative=form.cleaned_data["narrative"],
                    achievements=form.cleaned_data["achievements"],
                    evidence=form.cleaned_data["evidence"],
                    files=form.cleaned_data["files"],
                    milestones_done=form.cleaned_data["milestones_done"],
                    areas=[
                        AreaInput(a["description"], a["timescale"], a["due_date"])
                        for a in areas.cleaned_data
                        if a.get("description")
                    ],
                )
            except StaleUpdate as stale:
                conflict = stale.newer
                # Keep their words; base a resubmission on what they have now seen.
                data = request.POST.copy()
                data["based_on"] = latest_update_marker(subject)
                form = UpdateForm(data, plan=plan, milestones=milestones)
                form.is_valid()
                areas = AreaFormSet(data, prefix="areas")
                files_not_kept = chosen
            else:
                waiting = needs_sign_off(plan, request.user)
                saved = (
                    "Your update is saved and waits for sign-off by a plan editor."
                    if waiting
                    else "Your update is saved."
                )
                if request.POST.get("then") == "next":
                    following = next_needing_update(request.user, subject, today)
                    if following is None:
                        messages.success(
                            request,
                            f"{saved} Everything you look after has an update this period.",
                        )
                        return redirect("my-actions")
                    messages.success(request, f"{saved} This is the next one to update.")
                    return redirect(following.update_url)
                messages.success(request, saved)
                return redirect(subject.get_absolute_url())
        elif "files" not in form.errors:
            # Browsers cannot be given files back: say so next to the file input.
            files_not_kept = chosen
    else:
        initial, area_initial = _initial_from(previous)
        form = UpdateForm(
            initial={**initial, "based_on": latest_update_marker(subject)},
            plan=plan,
            milestones=milestones,
        )
        areas = AreaFormSet(prefix="areas", initial=area_initial)
        if area_initial:
            areas.extra = 0  # their areas are shown; "Add another" adds an empty one
    return render(
        request,
        template,
        {
            **context,
            "plan": plan,
            "labels": plan.labels(),
            "form": form,
            "areas": areas,
            "previous": previous,
            "conflict": conflict,
            "files_not_kept": files_not_kept,
            "has_next": next_needing_update(request.user, subject, today) is not None,
            "today": today,
        },
        status=409 if conflict else 200,
    )


@require_http_methods(["GET", "POST"])
def action_update(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_visible_or_404(
        request.user,
        Action.objects.select_related("objective__plan", "owner").prefetch_related(
            "objective__plan__status_key", "milestones"
        ),
        pk=pk,
    )
    require(request.user, "improvement.update_action", action)
    return _record_progress(
        request,
        subject=action,
        plan=action.objective.plan,
        milestones=list(action.milestones.all()),
        template="improvement/update_form.html",
        context={"action": action, "objective": action.objective, "subject": action},
    )


@require_http_methods(["GET", "POST"])
def objective_update(request: HttpRequest, pk: int) -> HttpResponse:
    objective = get_visible_or_404(
        request.user,
        Objective.objects.select_related("plan").prefetch_related("plan__status_key"),
        pk=pk,
    )
    require(request.user, "improvement.assess_objective", objective)
    return _record_progress(
        request,
        subject=objective,
        plan=objective.plan,
        milestones=[],
        template="improvement/update_form.html",
        context={"objective": objective, "subject": objective},
    )


@require_GET
def evidence_file(request: HttpRequest, public_id) -> HttpResponse:
    """A stored evidence file, only for people who may read its action or objective,
    streamed from the database a slice at a time."""
    file = get_visible_or_404(
        request.user,
        EvidenceFile.objects.select_related(
            "update__action__objective__plan", "update__objective__plan"
        ),
        public_id=public_id,
    )
    response = StreamingHttpResponse(file.chunks(), content_type=file.content_type)
    response["Content-Disposition"] = content_disposition_header(True, file.name)
    response["Content-Length"] = str(file.size)
    response["Cache-Control"] = "private, no-store"
    return response


def _awaiting_for(user):
    """Updates waiting for sign-off that `user` may decide, oldest first, each carrying
    the update before it (`previous`) for context (`improvement.sign_off_queue`)."""
    queue = sign_off_queue(user)
    for waiting in queue:
        waiting.update.previous = waiting.previous
    return [waiting.update for waiting in queue]


def _sign_off_page(request, bad_form: SignOffForm | None = None, bad_pk: int | None = None):
    rows = [
        (update, bad_form if update.pk == bad_pk else SignOffForm(prefix=f"u{update.pk}"))
        for update in _awaiting_for(request.user)
    ]
    return render(
        request,
        "improvement/sign_off_list.html",
        {"rows": rows, "bad_form": bad_form},
        status=400 if bad_form else 200,
    )


@require_GET
def sign_off_list(request: HttpRequest) -> HttpResponse:
    if not signs_off_anything(request.user):
        raise PermissionDenied  # not in their navigation either
    return _sign_off_page(request)


@require_POST
def sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    update = get_visible_or_404(
        request.user,
        ProgressUpdate.objects.select_related("action__objective__plan", "objective__plan"),
        pk=pk,
    )
    require(request.user, "improvement.sign_off_update", update)
    form = SignOffForm(request.POST, prefix=f"u{update.pk}")
    if not form.is_valid():
        return _sign_off_page(request, bad_form=form, bad_pk=update.pk)
    try:
        decision = sign_off_decide(
            update=update,
            user=request.user,
            decision=form.cleaned_data["decision"],
            comment=form.cleaned_data["comment"],
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        subject = update.action or update.objective
        verb = "approved" if decision.decision == "approved" else "returned to its author"
        messages.success(request, f"The update on {subject.reference} is {verb}.")
    return redirect("sign-off-list")

"""Board packs: the page to choose plans and request a pack, a pack's page showing its
progress while a worker makes it, its progress as JSON (for the page's script), and the
download.

A pack may hold only plans the user may export; a pack's pages and file are for its
requester and anyone who may export all its plans, 404 for everyone else. Requests are
never laid out in the web worker: `board_pack_request` enqueues a background job.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods

from improvement.board_pack import MAX_PLANS, board_pack_request, may_see
from improvement.forms import date_field
from improvement.models import BoardPack, Plan
from improvement.permissions import visible_plans

TEMPLATE = "improvement/board_pack/board_packs.html"
SHOWN_PACKS = 20


class BoardPackForm(forms.Form):
    mark_optional = True  # "(optional)" on the fields a person may leave empty
    title = forms.CharField(
        label="Committee or board",
        max_length=200,
        help_text="The pack's title, on its cover and at the top of every page.",
        error_messages={
            "required": "Enter the committee or board the pack is for.",
            "max_length": "Keep the title to 200 characters or fewer.",
        },
    )
    as_at = date_field(
        "As at",
        help_text="Every report in the pack as it stood at the end of this day.",
        required_message="Enter the date the reports are drawn as at.",
    )
    format = forms.ChoiceField(
        label="Format",
        choices=BoardPack.Format.choices,
        initial=BoardPack.Format.PDF,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose PDF or Word."},
    )
    plans = forms.ModelMultipleChoiceField(
        label="Plans",
        queryset=Plan.objects.none(),
        to_field_name="slug",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one plan.",
            "invalid_choice": "Choose only plans from the list.",
            "invalid_pk_value": "Choose only plans from the list.",
        },
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["as_at"].initial = timezone.localdate()
        self.fields["plans"].queryset = visible_plans(user).order_by("title", "pk")

    def clean_as_at(self):
        as_at = self.cleaned_data["as_at"]
        if as_at > timezone.localdate():
            raise ValidationError("A pack is drawn as at today or a day before, not a future date.")
        return as_at

    def clean_plans(self):
        plans = self.cleaned_data["plans"]
        if len(plans) > MAX_PLANS:
            raise ValidationError(f"Choose at most {MAX_PLANS} plans for one pack.")
        return plans


def _page(request, form, status=200):
    packs = (
        BoardPack.objects.filter(requested_by=request.user)
        .defer("data")
        .prefetch_related("plans")[:SHOWN_PACKS]
    )
    return render(request, TEMPLATE, {"form": form, "packs": packs}, status=status)


@require_http_methods(["GET", "POST"])
def board_packs(request: HttpRequest) -> HttpResponse:
    """Choose the plans and request a pack; the packs the user asked for."""
    if request.method == "GET":
        return _page(request, BoardPackForm(user=request.user))
    form = BoardPackForm(request.POST, user=request.user)
    if not form.is_valid():
        return _page(request, form, status=400)
    data = form.cleaned_data
    pack = board_pack_request(
        user=request.user,
        plans=list(data["plans"]),
        title=data["title"],
        as_at=data["as_at"],
        fmt=data["format"],
    )
    return redirect(pack)


def _pack_or_404(request, pk: int) -> BoardPack:
    pack = BoardPack.objects.defer("data").filter(pk=pk).first()
    if pack is None or not may_see(request.user, pack):
        raise Http404("Not found")
    return pack


@require_GET
def board_pack_detail(request: HttpRequest, pk: int) -> HttpResponse:
    pack = _pack_or_404(request, pk)
    return render(request, "improvement/board_pack/board_pack.html", {"pack": pack})


@require_GET
def board_pack_status(request: HttpRequest, pk: int) -> JsonResponse:
    pack = _pack_or_404(request, pk)
    response = JsonResponse(
        {
            "status": pack.status,
            "status_words": pack.get_status_display(),
            "progress": pack.progress_words,
            "done": pack.progress_done,
            "total": pack.progress_total,
            "finished": pack.finished,
        }
    )
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def board_pack_download(request: HttpRequest, pk: int) -> HttpResponse:
    pack = _pack_or_404(request, pk)
    if pack.status != BoardPack.Status.DONE:
        raise Http404("Not ready")
    data = BoardPack.objects.filter(pk=pack.pk).values_list("data", flat=True).get()
    response = HttpResponse(bytes(data), content_type=pack.content_type)
    response["Content-Disposition"] = content_disposition_header(True, pack.file_name)
    response["Content-Length"] = str(pack.size)
    response["Cache-Control"] = "private, no-store"
    return response

"""A plan's committee reports (progress and exceptions) as a page and as files, saving a
report as issued, and the archive of saved reports.

Whoever may export a plan (`improvement.export_plan`, the same people who may read it)
gets every format; anyone else gets 404, so a plan's address reveals nothing. The file
saved as issued is made by `report_file`, the same function the download uses, at the
moment of saving, and kept byte for byte.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_POST

from improvement.forms import DATE_FORMATS, AsAtForm
from improvement.models import Plan, ReportingPeriod, SavedReport
from improvement.periods import previous_period
from improvement.permissions import get_visible_or_404, require
from improvement.reports import html, pdf, spreadsheet, word
from improvement.reports.assembly import exceptions_report, progress_report

Kind = SavedReport.Kind
Format = SavedReport.Format

CONTENT_TYPES = {
    Format.HTML: "text/html; charset=utf-8",
    Format.DOCX: word.DOCX_TYPE,
    Format.PDF: pdf.PDF_TYPE,
    Format.XLSX: spreadsheet.XLSX_TYPE,
    Format.CSV: spreadsheet.CSV_TYPE,
}
# The downloads offered on the report page (the page itself is the HTML).
DOWNLOADS = [
    (Format.DOCX, "Word (.docx)"),
    (Format.PDF, "PDF"),
    (Format.XLSX, "Excel (.xlsx)"),
    (Format.CSV, "CSV"),
    (Format.HTML, "web page (.html)"),
]


@dataclass(frozen=True)
class ReportFile:
    content: bytes
    content_type: str
    file_name: str


def report_file_name(plan: Plan, kind: str, as_at: date, fmt: str) -> str:
    """ "nottinghamshire-2004-progress-as-at-2004-02-29.docx" """
    return f"{plan.slug}-{kind}-as-at-{as_at:%Y-%m-%d}.{fmt}"


def report_file(*, plan: Plan, kind: str, fmt: str, as_at: date, since: date | None) -> ReportFile:
    """The report as a file in one format: what a download sends and what is saved."""
    if kind == Kind.EXCEPTIONS:
        exceptions = exceptions_report(plan, as_at, since)
        context = html.exceptions_context(exceptions)
        files = {
            Format.DOCX: lambda: word.exceptions_docx(exceptions),
            Format.XLSX: lambda: spreadsheet.exceptions_xlsx(exceptions),
            Format.CSV: lambda: spreadsheet.exceptions_csv(exceptions),
        }
    else:
        report = progress_report(plan, as_at)
        context = html.progress_context(report)
        files = {
            Format.DOCX: lambda: word.progress_docx(report),
            Format.XLSX: lambda: spreadsheet.progress_xlsx(report),
            Format.CSV: lambda: spreadsheet.progress_csv(report),
        }
    files[Format.HTML] = lambda: html.document(context, inline_css=True).encode("utf-8")
    files[Format.PDF] = lambda: pdf.to_pdf(html.document(context, inline_css=False))
    return ReportFile(
        content=files[fmt](),
        content_type=CONTENT_TYPES[fmt],
        file_name=report_file_name(plan, kind, as_at, fmt),
    )


def _attachment(content: bytes, content_type: str, file_name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, file_name)
    response["Content-Length"] = str(len(content))
    # A report may hold personal details: no shared cache keeps a copy.
    response["Cache-Control"] = "private, no-store"
    return response


# -- forms -------------------------------------------------------------------------


def _periods():
    return ReportingPeriod.objects.order_by("-end")


SINCE_HELP = "Empty: since the end of the last reporting period before the as-at date."


class ReportForm(AsAtForm):
    """The date a report is drawn as at: a date, or a reporting period (its end date);
    for the exceptions report also the date or period to show changes since."""

    period = forms.ModelChoiceField(
        label="Or a reporting period",
        queryset=ReportingPeriod.objects.none(),
        required=False,
        empty_label="None: use the date",
        help_text="The report is drawn as at the end of the period; this replaces the date.",
    )
    since_period = forms.ModelChoiceField(
        label="Or changes since a period",
        queryset=ReportingPeriod.objects.none(),
        required=False,
        empty_label="None: use the date",
        help_text="Changes since the end of the period.",
    )

    def __init__(self, data=None, *, kind: str = Kind.PROGRESS, plan: Plan | None = None):
        super().__init__(data, with_since=kind == Kind.EXCEPTIONS)
        self.plan = plan
        self.fields["as_at"].help_text = "Every status as it stood at the end of this day."
        self.fields["period"].queryset = _periods()
        if kind == Kind.EXCEPTIONS:
            self.fields["since"].label = "Changes since"
            self.fields["since"].help_text = SINCE_HELP
            self.fields["since_period"].queryset = _periods()
            self.order_fields(["as_at", "period", "since", "since_period"])
        else:
            del self.fields["since_period"]

    def clean(self):
        # Not AsAtForm's check: a chosen period replaces the dates it compares.
        cleaned = forms.Form.clean(self)
        as_at, since = self._as_at(cleaned), self._chosen_since(cleaned)
        if since is not None and since >= as_at:
            field = "since_period" if cleaned.get("since_period") else "since"
            self.add_error(field, "The date to compare with must be before the as-at date.")
        return cleaned

    @staticmethod
    def _as_at(cleaned) -> date:
        if cleaned.get("period"):
            return cleaned["period"].end
        return cleaned.get("as_at") or timezone.localdate()

    @staticmethod
    def _chosen_since(cleaned) -> date | None:
        if cleaned.get("since_period"):
            return cleaned["since_period"].end
        return cleaned.get("since")

    @property
    def as_at_date(self) -> date:
        if self.is_bound and self.is_valid():
            return self._as_at(self.cleaned_data)
        return super().as_at_date

    @property
    def since_date(self) -> date | None:
        """The chosen date or period; by default the end of the last reporting period
        that ended before the as-at date (none: nothing to compare with)."""
        if self.is_bound and self.is_valid():
            chosen = self._chosen_since(self.cleaned_data)
            if chosen is not None:
                return chosen
        previous = previous_period(self.plan, self.as_at_date)
        return previous.end if previous else None


class SaveForm(forms.Form):
    kind = forms.ChoiceField(choices=Kind.choices)
    format = forms.ChoiceField(
        label="Format to save",
        choices=[(f.value, f.label) for f in Format],
        initial=Format.PDF,
        error_messages={"required": "Choose the format to save."},
    )
    as_at = forms.DateField(input_formats=DATE_FORMATS)
    since = forms.DateField(input_formats=DATE_FORMATS, required=False)


class ArchiveForm(forms.Form):
    plan = forms.ModelChoiceField(
        label="Plan",
        queryset=Plan.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label="All plans",
    )

    def __init__(self, data=None, *, plans):
        super().__init__(data)
        self.fields["plan"].queryset = plans


# -- pages -------------------------------------------------------------------------


def _exportable_plan(request: HttpRequest, slug: str) -> Plan:
    plan = get_visible_or_404(request.user, Plan.objects.all(), slug=slug)
    require(request.user, "improvement.export_plan", plan)
    return plan


def _report_page(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    plan = _exportable_plan(request, slug)
    fmt = request.GET.get("format") or Format.HTML
    if fmt not in Format.values:
        return HttpResponseBadRequest("Choose a format: html, docx, pdf, xlsx or csv.")
    form = ReportForm(request.GET, kind=kind, plan=plan)
    context = {"plan": plan, "kind": kind, "form": form, "report": None}
    if form.is_bound and not form.is_valid():
        # No report for a date that is not a date: say so next to the field.
        return render(
            request,
            "improvement/reports/report_page.html",
            context,
            status=200 if fmt == Format.HTML else 400,
        )
    as_at = form.as_at_date
    since = form.since_date if kind == Kind.EXCEPTIONS else None
    # The page is the HTML; `download=1` asks for it as a file that opens anywhere.
    if fmt != Format.HTML or request.GET.get("download"):
        file = report_file(plan=plan, kind=kind, fmt=fmt, as_at=as_at, since=since)
        return _attachment(file.content, file.content_type, file.file_name)

    if kind == Kind.EXCEPTIONS:
        context.update(html.exceptions_context(exceptions_report(plan, as_at, since)))
    else:
        context.update(html.progress_context(progress_report(plan, as_at)))
    query = request.GET.copy()
    query.pop("format", None)
    query.pop("download", None)
    return render(
        request,
        "improvement/reports/report_page.html",
        {
            **context,
            "in_app": True,
            "query": query.urlencode(),
            "downloads": DOWNLOADS,
            "save_form": SaveForm(initial={"format": Format.PDF}),
        },
    )


@require_GET
def plan_report(request: HttpRequest, slug: str) -> HttpResponse:
    """The committee progress report, as at a date or the end of a reporting period."""
    return _report_page(request, slug, Kind.PROGRESS)


@require_GET
def plan_exceptions(request: HttpRequest, slug: str) -> HttpResponse:
    """Only what is off track, at risk, overdue or off target, and what changed since."""
    return _report_page(request, slug, Kind.EXCEPTIONS)


@require_POST
def report_save(request: HttpRequest, slug: str) -> HttpResponse:
    """Save the report as issued: made now, by the download's own function, kept as is."""
    plan = _exportable_plan(request, slug)
    form = SaveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The report could not be saved: choose a format and try again.")
        return redirect(reverse("plan-report", kwargs={"slug": plan.slug}))
    data = form.cleaned_data
    since = data["since"] if data["kind"] == Kind.EXCEPTIONS else None
    if since is not None and since >= data["as_at"]:
        since = None
    file = report_file(
        plan=plan, kind=data["kind"], fmt=data["format"], as_at=data["as_at"], since=since
    )
    saved = SavedReport.objects.create(
        plan=plan,
        kind=data["kind"],
        format=data["format"],
        as_at=data["as_at"],
        since=since,
        saved_by=request.user,
        file_name=file.file_name,
        content_type=file.content_type,
        data=file.content,
    )
    messages.success(request, f"Saved as issued: {saved.file_name}.")
    return redirect(f"{reverse('report-archive')}?plan={plan.slug}")


@require_GET
def report_archive(request: HttpRequest) -> HttpResponse:
    """Saved reports of the plans the user may read, newest first."""
    plans = Plan.objects.visible_to(request.user)
    form = ArchiveForm(request.GET or None, plans=plans)
    saved = (
        SavedReport.objects.filter(plan__in=plans)
        .select_related("plan", "saved_by")
        .defer("data")  # the files themselves stay in the database until downloaded
        .order_by("-saved_at", "-id")
    )
    if form.is_bound:
        if form.is_valid() and form.cleaned_data["plan"]:
            saved = saved.filter(plan=form.cleaned_data["plan"])
        elif not form.is_valid():
            saved = saved.none()
    page = Paginator(saved, 50).get_page(request.GET.get("page"))
    return render(
        request, "improvement/reports/archive.html", {"form": form, "page": page, "saved": page}
    )


@require_GET
def saved_report_download(request: HttpRequest, pk: int) -> HttpResponse:
    """A saved report, byte for byte as saved; 404 for anyone who may not read its plan."""
    saved = SavedReport.objects.select_related("plan").filter(pk=pk).first()
    if saved is None or not request.user.has_perm("improvement.export_plan", saved.plan):
        raise Http404("Not found")
    return _attachment(bytes(saved.data), saved.content_type, saved.file_name)

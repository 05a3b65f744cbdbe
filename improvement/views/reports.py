"""A plan's committee reports (progress and exceptions) as a page and as files, saving a
report as issued, and the archive of saved reports.

Whoever may export a plan (`improvement.export_plan`, the same people who may read it)
gets every format; anyone else gets 404, so a plan's address reveals nothing. The file
saved as issued is made by `report_file`, the same function the download uses, at the
moment of saving, and kept byte for byte, with the cover values it was drawn with.

The cover block is entered on the report page (posted to the page itself) and
remembered per plan (`ReportCover`); a report is never drawn, downloaded or saved as at
a future date, and a reporting period chosen on the page becomes the one date shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from improvement import periods
from improvement.forms import DATE_FORMATS, AsAtForm, date_field, date_in_range
from improvement.house_style import template_for
from improvement.models import Plan, ReportCover, ReportingPeriod, SavedReport
from improvement.models.reports import COVER_TEXT_LIMIT, CoverFields
from improvement.periods import previous_period
from improvement.permissions import get_visible_or_404, require
from improvement.reports import html, pdf, spreadsheet, word
from improvement.reports.assembly import exceptions_report, progress_report, remembered_cover

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


def report_file(
    *,
    plan: Plan,
    kind: str,
    fmt: str,
    as_at: date,
    since: date | None,
    cover: dict | None = None,
) -> ReportFile:
    """The report as a file in one format: what a download sends and what is saved.
    `cover`: the cover block's values (default: the plan's remembered ones)."""
    if cover is None:
        cover = remembered_cover(plan)
    if kind == Kind.EXCEPTIONS:
        exceptions = exceptions_report(plan, as_at, since, cover)
        context = html.exceptions_context(exceptions)
        files = {
            Format.DOCX: lambda: word.exceptions_docx(exceptions, template=template_for(plan)),
            Format.PDF: lambda: pdf.exceptions_pdf(exceptions),
            Format.XLSX: lambda: spreadsheet.exceptions_xlsx(exceptions),
            Format.CSV: lambda: spreadsheet.exceptions_csv(exceptions),
        }
    else:
        report = progress_report(plan, as_at, cover)
        context = html.progress_context(report)
        files = {
            Format.DOCX: lambda: word.progress_docx(report, template=template_for(plan)),
            Format.PDF: lambda: pdf.progress_pdf(report),
            Format.XLSX: lambda: spreadsheet.progress_xlsx(report),
            Format.CSV: lambda: spreadsheet.progress_csv(report),
        }
    files[Format.HTML] = lambda: html.document(context, inline_css=True).encode("utf-8")
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


def _periods(plan: Plan | None):
    """The plan's own periods (every readable plan's, deduplicated, without one)."""
    return periods.plan_periods(plan) if plan is not None else periods.periods_for()


SINCE_HELP = "Empty: since the end of the last reporting period before the as-at date."


def _day(day: date) -> str:
    return f"{day:%-d %B %Y}"


def future_date_message(day: date, today: date) -> str:
    return (
        f"A report cannot be drawn as at a future date: {_day(day)} is after today. "
        f"Choose today ({_day(today)}) or an earlier date."
    )


class ReportForm(AsAtForm):
    """The date a report is drawn as at: a date, or a reporting period (its end date);
    for the exceptions report also the date or period to show changes since. Never a
    future date: a report says what was so, not what may be."""

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
        self.fields["period"].queryset = _periods(plan)
        if kind == Kind.EXCEPTIONS:
            self.fields["since"].label = "Changes since"
            self.fields["since"].help_text = SINCE_HELP
            self.fields["since_period"].queryset = _periods(plan)
            self.order_fields(["as_at", "period", "since", "since_period"])
        else:
            del self.fields["since_period"]

    def clean(self):
        # Not AsAtForm's check: a chosen period replaces the dates it compares.
        cleaned = forms.Form.clean(self)
        today = timezone.localdate()
        if cleaned.get("period") and cleaned["period"].end > today:
            self.add_error(
                "period",
                f"{cleaned['period'].name} ends on {_day(cleaned['period'].end)}, after today: "
                "a report cannot be drawn as at a future date. Choose a period that has ended, "
                "or a date.",
            )
            return cleaned
        if not cleaned.get("period") and cleaned.get("as_at") and cleaned["as_at"] > today:
            self.add_error("as_at", future_date_message(cleaned["as_at"], today))
            return cleaned
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
    def chose_a_period(self) -> bool:
        return bool(
            self.is_bound
            and self.is_valid()
            and (self.cleaned_data.get("period") or self.cleaned_data.get("since_period"))
        )

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


def _too_long(label: str) -> str:
    return f"{label} must be {COVER_TEXT_LIMIT:,} characters or fewer."


class CoverForm(forms.ModelForm):
    """The cover block of the committee paper, checked against the report's as-at date:
    the meeting cannot come before the date the report is drawn as at."""

    mark_optional = True  # "(optional)" on the fields a person may leave empty

    meeting_date = date_field("Meeting date", help_text="On or after the as-at date.")

    class Meta:
        model = ReportCover
        fields = list(CoverFields.COVER_FIELDS)
        widgets = {
            "purpose": forms.Textarea(attrs={"rows": 4}),
            "recommendations": forms.Textarea(attrs={"rows": 4}),
        }
        error_messages = {
            "purpose": {"max_length": _too_long("The purpose")},
            "recommendations": {"max_length": _too_long("The recommendations")},
        }

    def __init__(self, *args, as_at: date, **kwargs):
        super().__init__(*args, prefix="cover", **kwargs)
        self.as_at = as_at
        for name, field in self.fields.items():
            if isinstance(field, forms.CharField) and name not in ("purpose", "recommendations"):
                field.error_messages["max_length"] = (
                    f"{field.label.capitalize()} must be {field.max_length:,} characters or fewer."
                )

    def clean_meeting_date(self):
        meeting = self.cleaned_data.get("meeting_date")
        if meeting is not None and meeting < self.as_at:
            raise forms.ValidationError(
                f"The meeting date ({_day(meeting)}) is before the date the report is drawn "
                f"as at ({_day(self.as_at)}). Enter the date of the meeting it goes to."
            )
        return meeting


def _cover_data(values: dict) -> dict:
    """Stored cover values as form data, to check them against the as-at date."""
    return {
        f"cover-{name}": value.isoformat() if isinstance(value, date) else (value or "")
        for name, value in values.items()
    }


class SaveForm(forms.Form):
    mark_optional = True  # "(optional)" on the fields a person may leave empty
    kind = forms.ChoiceField(choices=Kind.choices)
    format = forms.ChoiceField(
        label="Format to save",
        choices=[(f.value, f.label) for f in Format],
        initial=Format.PDF,
        error_messages={"required": "Choose the format to save."},
    )
    as_at = forms.DateField(input_formats=DATE_FORMATS, validators=[date_in_range])
    since = forms.DateField(input_formats=DATE_FORMATS, required=False, validators=[date_in_range])


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


REPORT_URLS = {Kind.PROGRESS: "plan-report", Kind.EXCEPTIONS: "plan-exceptions"}


def _page(
    request: HttpRequest,
    plan: Plan,
    kind: str,
    form: ReportForm,
    *,
    cover_form: CoverForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The report page: the date form, the cover form and, for valid dates, the report
    (drawn with the plan's remembered cover: what was posted and refused changes
    nothing)."""
    context = {"plan": plan, "kind": kind, "form": form, "report": None}
    if form.is_bound and not form.is_valid():
        return render(request, "improvement/reports/report_page.html", context, status=status)
    as_at = form.as_at_date
    cover = remembered_cover(plan)
    if cover_form is None:
        cover_form = CoverForm(_cover_data(cover), as_at=as_at)
        cover_form.is_valid()  # a remembered meeting date before this as-at date shows
    if kind == Kind.EXCEPTIONS:
        since = form.since_date
        context.update(html.exceptions_context(exceptions_report(plan, as_at, since, cover)))
    else:
        since = None
        context.update(html.progress_context(progress_report(plan, as_at, cover)))
    # The downloads' address: the page's own query, or the dates a refused save posted.
    query = QueryDict(mutable=True)
    query.update(request.GET if request.GET else (form.data if form.is_bound else {}))
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
            "cover_form": cover_form,
            "save_form": SaveForm(initial={"format": Format.PDF}),
            "since": since,
        },
        status=status,
    )


def _report_page(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    plan = _exportable_plan(request, slug)
    fmt = request.GET.get("format") or Format.HTML
    if fmt not in Format.values:
        return HttpResponseBadRequest("Choose a format: html, docx, pdf, xlsx or csv.")
    form = ReportForm(request.GET, kind=kind, plan=plan)
    if request.method == "POST":
        return _cover_post(request, plan, kind, form)
    if form.is_bound and not form.is_valid():
        # No report for a date that is not a date, or a future one: say so next to the
        # field (a download gets the page with the message, as a 400).
        wants_file = fmt != Format.HTML or request.GET.get("download")
        return _page(request, plan, kind, form, status=400 if wants_file else 200)
    as_at = form.as_at_date
    since = form.since_date if kind == Kind.EXCEPTIONS else None
    is_page = fmt == Format.HTML and not request.GET.get("download")
    if is_page and form.chose_a_period:
        # One date on the page: the period becomes its end date, in the date field.
        query = request.GET.copy()
        for name in ("period", "since_period"):
            query.pop(name, None)
        query["as_at"] = f"{as_at:%Y-%m-%d}"
        if since is not None and kind == Kind.EXCEPTIONS:
            query["since"] = f"{since:%Y-%m-%d}"
        return redirect(
            f"{reverse(REPORT_URLS[kind], kwargs={'slug': plan.slug})}?{query.urlencode()}"
        )
    if not is_page:
        file = report_file(plan=plan, kind=kind, fmt=fmt, as_at=as_at, since=since)
        return _attachment(file.content, file.content_type, file.file_name)
    return _page(request, plan, kind, form)


def _cover_post(request: HttpRequest, plan: Plan, kind: str, form: ReportForm) -> HttpResponse:
    """Remember the cover block for the plan's reports; a problem is shown next to its
    field and nothing is saved."""
    if form.is_bound and not form.is_valid():
        return _page(request, plan, kind, form)
    cover = ReportCover.objects.filter(plan=plan).first()
    cover_form = CoverForm(request.POST, instance=cover, as_at=form.as_at_date)
    if not cover_form.is_valid():
        return _page(request, plan, kind, form, cover_form=cover_form)
    saved = cover_form.save(commit=False)
    saved.plan = plan
    saved.updated_by = request.user
    saved.save()
    messages.success(request, "Cover details saved: the report below uses them.")
    url = reverse(REPORT_URLS[kind], kwargs={"slug": plan.slug})
    query = request.GET.urlencode()
    return redirect(f"{url}?{query}" if query else url)


@require_http_methods(["GET", "POST"])
def plan_report(request: HttpRequest, slug: str) -> HttpResponse:
    """The committee progress report, as at a date or the end of a reporting period;
    posting the cover form remembers the cover block."""
    return _report_page(request, slug, Kind.PROGRESS)


@require_http_methods(["GET", "POST"])
def plan_exceptions(request: HttpRequest, slug: str) -> HttpResponse:
    """Only what is off track, at risk, overdue or off target, and what changed since."""
    return _report_page(request, slug, Kind.EXCEPTIONS)


@require_POST
def report_save(request: HttpRequest, slug: str) -> HttpResponse:
    """Save the report as issued: made now, by the download's own function, kept as is,
    with the cover it was drawn with. Refused, with the reason next to the field and
    nothing saved, for a future date or a meeting before the as-at date."""
    plan = _exportable_plan(request, slug)
    form = SaveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The report could not be saved: choose a format and try again.")
        return redirect(reverse("plan-report", kwargs={"slug": plan.slug}))
    data = form.cleaned_data
    kind = data["kind"]
    dates = {"as_at": f"{data['as_at']:%Y-%m-%d}"}
    if kind == Kind.EXCEPTIONS and data["since"] and data["since"] < data["as_at"]:
        dates["since"] = f"{data['since']:%Y-%m-%d}"
    date_form = ReportForm(dates, kind=kind, plan=plan)
    if not date_form.is_valid():
        return _page(request, plan, kind, date_form)
    cover = remembered_cover(plan)
    cover_form = CoverForm(_cover_data(cover), as_at=data["as_at"])
    if not cover_form.is_valid():
        return _page(request, plan, kind, date_form, cover_form=cover_form)
    since = data["since"] if kind == Kind.EXCEPTIONS else None
    if since is not None and since >= data["as_at"]:
        since = None
    file = report_file(
        plan=plan, kind=kind, fmt=data["format"], as_at=data["as_at"], since=since, cover=cover
    )
    saved = SavedReport.objects.create(
        plan=plan,
        kind=kind,
        format=data["format"],
        as_at=data["as_at"],
        since=since,
        saved_by=request.user,
        file_name=file.file_name,
        content_type=file.content_type,
        data=file.content,
        **{
            name: cover.get(name) or ("" if name != "meeting_date" else None)
            for name in CoverFields.COVER_FIELDS
        },
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

"""Reports as HTML: the context the report templates need (with each measure's chart),
and the stand-alone document that becomes the PDF and the saved "web page" file.

The page in the app and the document share the report's templates
(`templates/improvement/reports/_*.html`); the document adds no navigation and carries
its print stylesheet, so a saved copy opens anywhere and prints as the app's page does.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from improvement.reports.assembly import ExceptionsReport, ProgressReport, ReportMeasure
from metrics.charts import line_chart

REPORT_CSS = "css/report.css"


def measure_chart(measure: ReportMeasure, index: int) -> SafeString:
    """The measure's line chart (inline SVG), drawn from the report's own chart data."""
    chart = measure.chart
    if chart is None:
        return mark_safe("")
    return line_chart(
        chart_id=f"report-measure-{index}",
        title=chart.title,
        unit=chart.unit,
        points=chart.points,
        baseline=chart.baseline,
        targets=chart.targets,
    )


def _charts(measures: list[ReportMeasure]) -> list[tuple[ReportMeasure, SafeString]]:
    return [(m, measure_chart(m, i)) for i, m in enumerate(measures, start=1)]


def progress_context(report: ProgressReport) -> dict:
    return {
        "kind": "progress",
        "report": report,
        "cover": report.cover,
        "key": report.key,
        "charts": _charts(report.measures),
    }


def exceptions_context(exceptions: ExceptionsReport) -> dict:
    return {
        "kind": "exceptions",
        "report": exceptions.report,
        "exceptions": exceptions,
        "cover": exceptions.cover,
        "key": exceptions.key,
        "charts": _charts(exceptions.measures),
    }


def stylesheet() -> str:
    """The report's print stylesheet, read through the static files finders."""
    path = finders.find(REPORT_CSS)
    with open(path, encoding="utf-8") as css:
        return css.read()


def document(context: dict, *, inline_css: bool) -> str:
    """The report as one HTML document with no navigation.

    `inline_css`: carry the stylesheet inside the file (a saved copy opens anywhere);
    otherwise link it, for WeasyPrint to load from the static files on disk. The link is
    the file's own name, not `{% static %}`'s hashed one, which exists only after
    collectstatic, while the finders read the source files.
    """
    css = mark_safe(stylesheet()) if inline_css else ""  # noqa: S308 - our own stylesheet
    href = "/" + settings.STATIC_URL.strip("/") + "/" + REPORT_CSS
    return render_to_string(
        "improvement/reports/document.html", {**context, "inline_css": css, "css_href": href}
    )

"""Template filters that show a measure's target, a figure's date and a missing status
as the plan words them (`metrics.wording`): "15.4% (10% increase)", "7:10", "all staff",
"no date", "reported 29 Feb 2004", "Direction not stated"."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from improvement.templatetags.tracker import status_tag
from metrics.wording import due_words, figure_date_words, target_value_words

register = template.Library()


@register.filter
def target_aim(target, unit: str) -> str:
    """A target's aim in the measure's unit, as written: "80.0%", "7:10", "all staff
    (100.0%)", "15.4% (10% increase)", "halve (no baseline yet)"."""
    if target is None:
        return ""
    return target_value_words(target, unit)


@register.filter
def target_due(target, style: str = "") -> str:
    """ "by 31 March 2017" ("by Mar 2017" with "short"), or "no date"."""
    if target is None:
        return ""
    return due_words(target.due_date, short=style == "short")


@register.filter
def figure_date(point, style: str = "") -> str:
    """When a figure is from: "31 March 2025", or "reported 29 February 2004" for a figure
    dated by the report that gave it (a `Point` or a `DataPoint`)."""
    if point is None:
        return ""
    reported = getattr(point, "reported", None)
    if reported is None:
        reported = point.is_reported
    return figure_date_words(point.period_end, reported, short=style == "short")


@register.simple_tag
def measure_status(state, labels=None) -> SafeString:
    """A measure's status badge; with no status, a plain badge saying why in a few words
    ("Direction not stated", "Target in words", "No data yet"), never a colour."""
    if state.status is not None or not state.assessment.note:
        return status_tag(state.status, labels)
    return format_html(
        '<strong class="app-status app-status--none">{}</strong>', state.assessment.note
    )

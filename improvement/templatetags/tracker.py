"""Template tags for statuses: a badge that always carries its word, in the plan's label."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from improvement.status import COLOURS, Status, as_status

register = template.Library()


@register.simple_tag
def status_tag(status, labels=None) -> SafeString:
    """A coloured badge with the status's word, using the plan's own label if given.

    Built in Python rather than from a template: a dashboard draws hundreds of them."""
    status = as_status(status) if isinstance(status, str) else status
    if status is None:
        return mark_safe('<strong class="app-status app-status--none">No status</strong>')
    label = labels.get(status, status.label) if labels else status.label
    return format_html(
        '<strong class="app-status app-status--{}">{}</strong>', COLOURS[status], label
    )


@register.filter
def status_colour(status):
    """The colour word for a status ("none" for no status)."""
    status = as_status(status) if isinstance(status, str) else status
    return COLOURS[status] if status is not None else "none"


@register.filter
def status_label(status, labels=None):
    status = as_status(status) if isinstance(status, str) else status
    if status is None:
        return "No status"
    return labels.get(status, status.label) if labels else status.label


@register.filter
def get_item(mapping, key):
    """mapping[key] in a template; nothing when there is no mapping (an unset variable)."""
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.simple_tag
def status_value(status):
    return status.value if isinstance(status, Status) else ""


@register.filter
def unit_value(value, unit):
    """A measure's value in its unit: 14.0%, 50.32 FTE, £41,000."""
    from metrics.units import format_value

    return format_value(value, unit)


@register.filter
def unit_change(value, unit):
    from metrics.units import format_change

    return format_change(value, unit)


@register.filter
def unit_amount(value, unit):
    """A size in a unit, without a sign: "2.0 percentage points", "£4,000"."""
    from decimal import Decimal

    from metrics.units import format_change

    return format_change(abs(Decimal(value)), unit).lstrip("+±")


@register.filter
def target_at(state, day):
    """The target that was in force on `day` for a measure's state."""
    return state.target_at(day)

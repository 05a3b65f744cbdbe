"""Template tags for statuses: a badge that always carries its word, in the plan's label."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from improvement.status import COLOURS, as_status, status_word

register = template.Library()


@register.simple_tag
def status_tag(status, labels=None) -> SafeString:
    """A coloured badge with the status's word, using the plan's own label if given.

    Built in Python rather than from a template: a dashboard draws hundreds of them."""
    status = as_status(status)
    return format_html(
        '<strong class="app-status app-status--{}">{}</strong>',
        COLOURS[status] if status is not None else "none",
        status_word(status, labels),
    )


@register.filter
def status_colour(status):
    """The colour word for a status ("none" for no status)."""
    status = as_status(status)
    return COLOURS[status] if status is not None else "none"


@register.filter
def status_label(status, labels=None):
    return status_word(status, labels)


@register.filter
def get_item(mapping, key):
    """mapping[key] in a template; nothing when there is no mapping (an unset variable)."""
    return mapping.get(key) if hasattr(mapping, "get") else None


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

"""Template tags for statuses: a badge that always carries its word, in the plan's label;
"Not enough updates" as a pattern, never a colour."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from improvement.status import as_status, status_style, status_word, status_words_compared

register = template.Library()


def _style(status) -> str:
    return status_style(status)


@register.simple_tag
def status_tag(status, labels=None, compared=False) -> SafeString:
    """A badge with the status's word, using the plan's own label if given; `compared`
    (pages that set plans side by side) adds the standard word in brackets.

    Built in Python rather than from a template: a dashboard draws hundreds of them."""
    status = as_status(status)
    word = status_words_compared(status, labels) if compared else status_word(status, labels)
    return format_html(
        '<strong class="app-status app-status--{}">{}</strong>', _style(status), word
    )


@register.simple_tag
def update_status_tag(update, labels=None) -> SafeString:
    """An update's status badge in the label it was given in ("Achieved" where the plan
    also says "Complete"), else the plan's first label for its status."""
    status = as_status(update.status)
    return format_html(
        '<strong class="app-status app-status--{}">{}</strong>',
        _style(status),
        update.status_word(labels),
    )


@register.filter
def status_colour(status):
    """The style word for a status: its colour, "none" for no status, "not-enough" for
    not enough updates (a pattern, not a colour)."""
    return _style(as_status(status))


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
def figure_value(point, unit):
    """A reported figure as shown: as the document writes it (7:10), else in its unit."""
    from metrics.wording import figure_words

    return figure_words(point, unit)


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

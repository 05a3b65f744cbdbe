"""Helpers for the GOV.UK form includes (templates/includes/)."""

from django import template

register = template.Library()


@register.filter
def first_input_id(field) -> str:
    """The id an error summary links to: the field's first input. For radios and lists of
    checkboxes Django gives the group no label id (there is no single input), so it is the
    first option's, as templates/includes/field.html renders it."""
    if field.id_for_label:
        return field.id_for_label
    for option in field.subwidgets:
        if option.id_for_label:
            return option.id_for_label
    return field.auto_id or ""

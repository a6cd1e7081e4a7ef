from django import template
from django.utils.html import format_html

from . import formatting

register = template.Library()

TAG_COLOURS = {
    "draft": "grey", "referred": "blue", "accepted": "turquoise", "declined": "red", "agreed": "purple",
    "active": "green", "emergency_review": "orange", "suspended": "yellow", "ended": "grey",
}


@register.simple_tag
def state_tag(placement):
    from ..selectors import placement_status

    return format_html('<strong class="govuk-tag govuk-tag--{}">{}</strong>',
                       TAG_COLOURS.get(placement.state, "grey"), placement_status(placement))


@register.filter
def hours(value):
    """Hours the GOV.UK way ("12.5 hours", formatting.hours); "Not agreed" when there are none."""
    if value is None:
        return "Not agreed"
    return formatting.hours(value)


@register.filter
def lookup(mapping, key):
    return (mapping or {}).get(key)


@register.filter
def person(user):
    if user is None:
        return "someone"
    return getattr(user, "full_name", "") or getattr(user, "email", "") or "someone"


@register.filter
def group_label(group):
    """A data group's name from the visibility table ("Mental health")."""
    from tenancy.visibility import DataGroup

    try:
        return DataGroup(group).label
    except ValueError:
        return str(group)

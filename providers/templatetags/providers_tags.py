from django import template
from django.utils.html import format_html

from placements.templatetags import formatting
from providers import rules

register = template.Library()

STATUS_TAGS = {
    rules.CURRENT: ("govuk-tag--green", "Current"),
    rules.EXPIRING: ("govuk-tag--yellow", "Expiring soon"),
    rules.EXPIRED: ("govuk-tag--red", "Expired"),
    rules.MISSING: ("govuk-tag--red", "Missing"),
}
RAG_TAGS = {
    rules.GREEN: ("govuk-tag--green", "All current"),
    rules.AMBER: ("govuk-tag--yellow", "Expiring soon"),
    rules.RED: ("govuk-tag--red", "Missing or expired"),
}


@register.simple_tag
def status_tag(status: str, label: str = ""):
    css, default = STATUS_TAGS.get(status, ("govuk-tag--grey", status))
    return format_html('<strong class="govuk-tag {}">{}</strong>', css, label or default)


@register.simple_tag
def rag_tag(summary):
    css, label = RAG_TAGS[summary.rag]
    return format_html('<strong class="govuk-tag {}">{}</strong>', css, label)


@register.filter
def yes_no(value):
    if value is None:
        return "Not given"
    return "Yes" if value else "No"


register.filter("money", formatting.money)  # "£3,740", "£3,740.50" (placements' formatting module)

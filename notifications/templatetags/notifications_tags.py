"""The header's navigation label: "Notifications (3)", read as "Notifications (3 unread)"."""

from django import template
from django.utils.html import format_html

from notifications.selectors import unread_count

register = template.Library()

INBOX = "notifications:inbox"


@register.simple_tag(takes_context=True)
def nav_label(context, item) -> str:
    """A navigation item's label; the inbox's carries the signed-in member's unread count in the
    current organisation (one COUNT query, only on the page's one inbox item)."""
    label = item["label"]
    request = context.get("request")
    if item.get("name") != INBOX or request is None or getattr(request, "membership", None) is None:
        return label
    unread = unread_count(request.user)
    if not unread:
        return label
    return format_html('{} ({}<span class="govuk-visually-hidden"> unread</span>)', label, unread)

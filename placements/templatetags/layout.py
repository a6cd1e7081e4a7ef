"""Page layout helpers shared by every template.

    {% load layout %}
    {% scroll_table "Pupil groups" %}<table class="govuk-table">…</table>{% end_scroll_table %}

A table that may be wider than a phone scrolls inside a region that is labelled (screen readers
announce it), focusable (keyboard users can scroll it with the arrow keys) and shows a visible cue
when it does scroll: a shadow on the side that has more and "Scroll sideways to see the whole
table" (static/src/app.scss; static/src/govuk-init.js marks the regions that overflow).
"""

from django import template
from django.utils.html import format_html

register = template.Library()

SCROLL_HINT = "Scroll sideways to see the whole table"


class ScrollTableNode(template.Node):
    def __init__(self, label, nodelist):
        self.label, self.nodelist = label, nodelist

    def render(self, context):
        return format_html(
            '<div class="apc-table-wrap" role="region" aria-label="{}" tabindex="0">'
            '<p class="apc-scroll-hint" aria-hidden="true">{}</p>{}</div>',
            self.label.resolve(context), SCROLL_HINT, self.nodelist.render(context),
        )


@register.tag
def scroll_table(parser, token):
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("scroll_table takes one argument: the region's label")
    nodelist = parser.parse(("end_scroll_table",))
    parser.delete_first_token()
    return ScrollTableNode(parser.compile_filter(bits[1]), nodelist)


@register.simple_tag
def list_count(count: int, singular: str, plural: str = "") -> str:
    """How many rows the whole list has (all pages): "12 placements". `data-total` carries the
    number for tests that compare a dashboard figure with the list it links to."""
    noun = singular if count == 1 else (plural or f"{singular}s")
    return format_html('<p class="govuk-body govuk-!-font-weight-bold" data-total="{}">{} {}</p>', count, count, noun)

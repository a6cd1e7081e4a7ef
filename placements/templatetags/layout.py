"""Page layout helpers shared by every template.

    {% load layout %}
    {% scroll_table "Pupil groups" %}<table class="govuk-table">…</table>{% end_scroll_table %}

A table that may be wider than a phone scrolls inside a region that is labelled (screen readers
announce it), focusable (keyboard users can scroll it with the arrow keys) and shows a visible cue
when it does scroll: a shadow on the side that has more and "Scroll sideways to see the whole
table" (static/src/app.scss; static/src/govuk-init.js marks the regions that overflow).

A paged list's table (the rows of `page`, then its pagination) is one include, includes/list_table.html,
filled by a tag: the caption (also the region's label unless `label` is given), the header cells and the rows.

    {% list_table "Invoices" testid="invoices" %}
      <th scope="col" class="govuk-table__header">Number</th>…
    {% list_rows %}
      {% for invoice in invoices %}<tr class="govuk-table__row">…</tr>{% endfor %}
    {% end_list_table %}
"""

from django import template
from django.template.base import token_kwargs
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


class ListTableNode(template.Node):
    TEMPLATE = "includes/list_table.html"

    def __init__(self, caption, options, head, rows):
        self.caption, self.options, self.head, self.rows = caption, options, head, rows

    def render(self, context):
        caption = self.caption.resolve(context)
        values = {name: value.resolve(context) for name, value in self.options.items()}
        values.setdefault("label", caption)
        include = context.template.engine.get_template(self.TEMPLATE)
        with context.push(caption=caption, head=self.head.render(context), rows=self.rows.render(context), **values):
            return include.render(context)


@register.tag
def list_table(parser, token):
    """{% list_table caption [label=…] [testid=…] [small=True] %} header cells {% list_rows %} rows
    {% end_list_table %}: a paged list's table and its pagination (includes/list_table.html)."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("list_table takes the table's caption, then label=, testid=, small=")
    options = token_kwargs(bits[2:], parser)
    if len(options) != len(bits) - 2 or set(options) - {"label", "testid", "small"}:
        raise template.TemplateSyntaxError("list_table's options are label=, testid= and small=")
    head = parser.parse(("list_rows",))
    parser.delete_first_token()
    rows = parser.parse(("end_list_table",))
    parser.delete_first_token()
    return ListTableNode(parser.compile_filter(bits[1]), options, head, rows)


@register.simple_tag
def list_count(count: int, singular: str, plural: str = "") -> str:
    """How many rows the whole list has (all pages): "12 placements". `data-total` carries the
    number for tests that compare a dashboard figure with the list it links to."""
    noun = singular if count == 1 else (plural or f"{singular}s")
    return format_html('<p class="govuk-body govuk-!-font-weight-bold" data-total="{}">{} {}</p>', count, count, noun)

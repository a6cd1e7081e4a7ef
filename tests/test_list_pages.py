"""Lists say how many rows they have in all, and their pages keep the filter the reader chose."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory

from placements.templatetags.layout import list_count


def test_next_page_of_a_filtered_list_keeps_the_filter():
    """A dashboard figure links to ?queue=…; page 2 of that list must still be that queue."""
    request = RequestFactory().get("/o/x/placements/", {"queue": "to_decide", "page": "1"})
    page = Paginator(list(range(120)), 50).get_page(1)
    html = render_to_string("includes/pagination.html", {"page": page}, request=request)
    assert 'href="?queue=to_decide&amp;page=2"' in html
    assert "Page 1 of 3" in html


def test_list_count_reads_as_a_sentence_and_carries_the_number():
    assert str(list_count(1, "pupil")) == '<p class="govuk-body govuk-!-font-weight-bold" data-total="1">1 pupil</p>'
    assert "12 children" in list_count(12, "child", "children")

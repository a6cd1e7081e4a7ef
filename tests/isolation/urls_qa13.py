"""Isolation rows of the QA visit theme page's autosave (qa_framework.views_visits.visit_theme_autosave,
issue 13 item 2): the reader's own visit in progress (an LA's; a school's own termly QA visit), as
the theme page; a capable role's post saves the theme's comment, another organisation's visit is a
404 and a role without run_qa_visits a 403, and neither saves anything."""

from __future__ import annotations

from .registry import UrlSpec
from .urls_qavisit import _theme

COMMENT = "Saved by the isolation probe"


def _data(world, side):
    return {"comment": COMMENT}


def _comment(world, kwargs):
    from qa_framework.models import ThemeComment

    return ThemeComment.objects.filter(visit_id=kwargs["pk"], theme__number=kwargs["number"]).values_list(
        "comment", flat=True).get()


URLS = {
    "qa_framework:visit_theme_autosave": UrlSpec(kwargs=_theme, method="post", data=_data, state=_comment),
}

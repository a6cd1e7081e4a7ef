"""Isolation rows for the QA signature, report and approved-list pages (qa_framework.views_approval)."""

from __future__ import annotations

from tenancy.roles import OrganisationKind as K

from .registry import UrlSpec


def _completed(world, side, *, kind):
    """A completed visit of the side's LA to the side's provider; a school reads the report only
    once it is signed by both and shared by the LA, so schools get that one."""
    from tenancy.scoping import scopes_disabled
    from tests.qa_framework.qasign_helpers import completed_visit, sign_both

    visit = completed_visit(world, side)
    if kind == K.SCHOOL:
        sign_both(world, visit, side)
        with scopes_disabled():
            type(visit)._base_manager.filter(pk=visit.pk).update(shared_with_schools=True)
    return {"pk": visit.pk}


def _own_completed(world, side, *, kind):
    """The visit the reader's organisation ran: the LA's, or for a school its own termly QA visit."""
    if kind != K.SCHOOL:
        return _completed(world, side, kind=kind)
    import datetime as dt

    from qa_framework.factories import qa_visit_in_state
    from tenancy.roles import Role

    now = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)
    visit = qa_visit_in_state(owner=world.org(K.SCHOOL, side), provider=world.org(K.PROVIDER, side),
                              state="completed", by=world.user(K.SCHOOL, Role.AP_LEAD, side), now=now)
    return {"pk": visit.pk}


URLS = {
    "qa_framework:visit_sign_owner": UrlSpec(kwargs=_own_completed),
    "qa_framework:visit_sign_provider": UrlSpec(kwargs=_completed),
    "qa_framework:visit_report_pdf": UrlSpec(kwargs=_completed),
    "qa_framework:approved_list": UrlSpec(),
}

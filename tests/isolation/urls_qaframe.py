"""Isolation specs of the QA framework and improvement plan pages (qa_framework/urls.py, issue 13
items 1 and 4): an LA's or school's own frameworks (another LA's: 404), drafts changed only by
their owner, plans of the owner's visits, and the provider's own plan (another provider's: 404).
Providers and trusts have no framework pages (403), so a provider never reads an LA's draft."""

from __future__ import annotations

from tenancy.roles import OrganisationKind as K

from .registry import UrlSpec

OWNERS = (K.LOCAL_AUTHORITY, K.SCHOOL)


def _owner_kind(kind):
    return kind if kind in OWNERS else K.LOCAL_AUTHORITY


def _published(world, side, *, kind):
    from tests.qa_framework.helpers import own_framework

    return {"pk": own_framework(world, side, kind=_owner_kind(kind)).pk}


def _draft(world, side, *, kind):
    from tests.qa_framework.helpers import own_framework

    return {"pk": own_framework(world, side, kind=_owner_kind(kind), publish=False).pk}


def _draft_theme(world, side, *, kind):
    return {**_draft(world, side, kind=kind), "number": 1}


def _draft_standard(world, side, *, kind):
    return {**_draft(world, side, kind=kind), "code": "1a"}


def _version_state(world, kwargs):
    from qa_framework.models import FrameworkVersion

    return FrameworkVersion.objects.filter(pk=kwargs["pk"]).values_list("state", flat=True).get()


def _visit(world, side, *, kind):
    from tests.qa_framework.helpers import visit

    return {"pk": visit(world, side, kind=_owner_kind(kind)).pk}


def _action(world, side, *, kind):
    from tests.qa_framework.helpers import action

    return {"pk": action(world, side, kind=_owner_kind(kind)).pk}


def _done_on(world, kwargs):
    from qa_framework.models import ImprovementAction

    return ImprovementAction.objects.filter(pk=kwargs["pk"]).values_list("done_on", flat=True).get()


URLS = {
    "qa_framework:framework_list": UrlSpec(),
    "qa_framework:framework_version": UrlSpec(kwargs=_published),
    "qa_framework:framework_copy": UrlSpec(kwargs=_published),
    "qa_framework:framework_new_draft": UrlSpec(kwargs=_published),
    "qa_framework:framework_publish": UrlSpec(kwargs=_draft, method="post", ok_status=302, state=_version_state),
    "qa_framework:theme_add": UrlSpec(kwargs=_draft),
    "qa_framework:theme_edit": UrlSpec(kwargs=_draft_theme),
    "qa_framework:theme_remove": UrlSpec(kwargs=_draft_theme),
    "qa_framework:standard_add": UrlSpec(kwargs=_draft_theme),
    "qa_framework:standard_edit": UrlSpec(kwargs=_draft_standard),
    "qa_framework:standard_remove": UrlSpec(kwargs=_draft_standard),
    "qa_framework:action_list": UrlSpec(),
    "qa_framework:visit_plan": UrlSpec(kwargs=_visit),
    "qa_framework:action_add": UrlSpec(kwargs=_visit),
    "qa_framework:action_edit": UrlSpec(kwargs=_action),
    "qa_framework:action_close": UrlSpec(kwargs=_action, method="post", ok_status=302, state=_done_on),
    "qa_framework:provider_plan": UrlSpec(),
    "qa_framework:action_progress": UrlSpec(kwargs=_action),
}

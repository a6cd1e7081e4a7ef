"""`{% qa_signature_links visit %}`: on a QA visit's pages, the signatures so far, the link to sign
for the reader's side (when their role signs for it and it has not signed) and the PDF report."""

from __future__ import annotations

from django import template

from apcommission.dashboards import link

from .. import signing
from ..models import PROVIDER_SEES, QASignature, VisitState

register = template.Library()

SIGN_VIEWS = {signing.Party.OWNER: "qa_framework:visit_sign_owner",
              signing.Party.PROVIDER: "qa_framework:visit_sign_provider"}


@register.inclusion_tag("qa_framework/sign_links.html", takes_context=True)
def qa_signature_links(context, visit):
    membership = context["request"].membership
    if visit.state not in PROVIDER_SEES:
        return {"show": False}
    signatures = list(QASignature.objects.filter(visit=visit).select_related("user"))
    party = signing.party_for(visit, membership)
    sign_url = None
    if party and visit.state == VisitState.COMPLETED and all(s.party != party for s in signatures):
        sign_url = link(membership, SIGN_VIEWS[party], pk=visit.pk)
    return {"show": True, "visit": visit, "signatures": signatures, "sign_url": sign_url,
            "pdf_url": link(membership, "qa_framework:visit_report_pdf", pk=visit.pk)}

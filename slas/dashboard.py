"""SLAs' dashboard panel: SLAs to finish and send, to sign, and to acknowledge for safeguarding.

One query whatever the number of SLAs: the SLAs that need this member, and the count of SLAs
(the figure, linking to the SLA list, which lists every SLA the organisation sees).
"""

from __future__ import annotations

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    Value,
    Window,
)

from apcommission.dashboards import Attention, Panel, PanelResult, Viewer, figure, register
from tenancy.roles import Capability as C
from tenancy.roles import OrganisationKind as K

from .models import Party, ServiceLevelAgreement, SLASignature, SLAStatus

AWAITING_SIGNATURES = (SLAStatus.SENT, SLAStatus.PARTLY_SIGNED)
ATTENTION_LIMIT = 10


def _signed_by(party: str):
    return Exists(SLASignature.objects.filter(sla=OuterRef("pk"), party=party, voided_at__isnull=True))


def _todo_filters(viewer: Viewer) -> dict[str, Q]:
    """What this member does with SLAs, each with the page it is done on (only pages they can open)."""
    school = viewer.kind == K.SCHOOL
    party = Party.SCHOOL if school else Party.PROVIDER
    todos = {}
    if viewer.link("slas:sign", pk=0):
        todos["sign"] = Q(status__in=AWAITING_SIGNATURES) & ~_signed_by(party)
    if school and viewer.link("slas:send", pk=0):
        todos["send"] = Q(status=SLAStatus.DRAFT)
    if viewer.link("slas:safeguarding", pk=0):
        todos["safeguarding"] = (
            Q(status__in=(*AWAITING_SIGNATURES, SLAStatus.SIGNED), safeguarding_policy_received_on__isnull=True)
            if school else
            Q(status__in=(*AWAITING_SIGNATURES, SLAStatus.SIGNED), provider_dsl_acknowledged_at__isnull=True))
    return todos


def _item(viewer: Viewer, todo: str, sla: ServiceLevelAgreement) -> Attention:
    other = sla.provider.name if viewer.kind == K.SCHOOL else sla.school.name
    name = f"the SLA with {other} ({sla.reference}, version {sla.version})"
    if todo == "sign":
        return Attention(f"Sign {name}", viewer.link("slas:sign", pk=sla.pk))
    if todo == "send":
        return Attention(f"Finish and send {name}", viewer.link("slas:detail", pk=sla.pk),
                         "Draft: not yet sent for signature")
    if viewer.kind == K.SCHOOL:
        return Attention(f"Record when you received the provider's safeguarding policy for {name}",
                         viewer.link("slas:safeguarding", pk=sla.pk))
    return Attention(f"Acknowledge {name} as safeguarding lead", viewer.link("slas:safeguarding", pk=sla.pk),
                     "Awaiting your safeguarding acknowledgement")


@register
class SLAPanel(Panel):
    key = "slas"
    order = 30
    kinds = frozenset({K.SCHOOL, K.PROVIDER, K.TRUST, K.LOCAL_AUTHORITY})
    capabilities = frozenset({C.VIEW_AGREEMENTS})

    def build(self, viewer: Viewer) -> PanelResult | None:
        todos = _todo_filters(viewer)
        flags = {f"todo_{name}": ExpressionWrapper(q, output_field=BooleanField()) for name, q in todos.items()}
        any_q = Q()
        for q in todos.values():
            any_q |= q
        needs_me = ExpressionWrapper(any_q, output_field=BooleanField()) if todos else Value(False)
        # One query: the SLAs needing this member first, and the number of SLAs (the figure).
        rows = list(ServiceLevelAgreement.objects.annotate(
            **flags, needs_me=needs_me, total=Window(Count("pk")),
        ).select_related("school", "provider").order_by("-needs_me", "created_at", "pk")[:ATTENTION_LIMIT + 1])
        total = rows[0].total if rows else 0
        mine = [sla for sla in rows if sla.needs_me]
        attention = [_item(viewer, name, sla) for sla in mine[:ATTENTION_LIMIT] for name in todos
                     if getattr(sla, f"todo_{name}")]
        if len(mine) > ATTENTION_LIMIT:
            attention.append(Attention("See all service level agreements", viewer.link("slas:list")))
        result = PanelResult(title="Service level agreements", attention=attention,
                             figures=figure(viewer, "Service level agreements", total, "slas:list"))
        create = viewer.link("slas:create")
        if create:
            result.actions.append(Attention("Draft a new SLA", create))
        return result


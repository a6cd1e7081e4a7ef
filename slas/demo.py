"""Demo SLAs: one signed by both parties (with its PDF), one waiting for the provider, one draft."""

from __future__ import annotations

from functools import partial

from django.db import transaction

from placements.models import Placement
from placements.selectors import COMMITTED_STATES
from tenancy.models import Membership
from tenancy.roles import Role
from tenancy.scoping import scope

from . import services
from .factories import SCHEDULE
from .models import ServiceLevelAgreement


def _member(org, role):
    with scope(organisation=org):
        return Membership.objects.select_related("user", "organisation").get(role=role)


def load_slas_demo(orgs: dict, now) -> None:
    with scope(organisation=orgs["hillside-academy"]):
        if ServiceLevelAgreement.objects.exists():
            return
    head = _member(orgs["hillside-academy"], Role.HEADTEACHER)
    plan = [("pathways", "signed"), ("forge-skills", "sent"), ("green-shoots", "draft")]
    for slug, state in plan:
        with scope(organisation=head.organisation):
            sla = services.sla_create(school=head.organisation, provider=orgs[slug], created_by=head.user, now=now)
            covered = Placement.objects.filter(provider=orgs[slug], state__in=COMMITTED_STATES)
            sla = services.sla_update_schedule(sla=sla, data={**SCHEDULE, "placements": covered}, now=now)
            if state in ("sent", "signed"):
                sla = services.sla_send(sla=sla, by=head.user, now=now)
        if state == "signed":
            manager = _member(orgs[slug], Role.PROVIDER_MANAGER)
            for member in (manager, head):
                with scope(organisation=member.organisation):
                    services.sla_sign(sla=sla, membership=member, typed_name=member.user.full_name,
                                      position=member.job_title, now=now)
            # Rendered once the demo's transaction has committed, as the PDF task would (never
            # inside a transaction: slas.services.sla_pdf_ensure).
            transaction.on_commit(partial(services.sla_pdf_ensure, sla_id=sla.pk, now=now))

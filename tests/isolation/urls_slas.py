from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role

from .registry import UrlSpec


def _draft(world, side):
    from slas.factories import draft_sla

    lead = world.member(K.SCHOOL, Role.AP_LEAD, side)
    return draft_sla(school=lead.organisation, provider=world.org(K.PROVIDER, side), by=lead.user)


def _sla(world, side):
    return {"pk": _draft(world, side).pk}


def _clause(world, side):
    sla = _draft(world, side)
    return {"pk": sla.pk, "clause_pk": sla.clauses.first().pk}


def _sent(world, side):
    from slas import services
    from tenancy.scoping import scope

    sla = _draft(world, side)
    with scope(organisation=sla.school):
        services.sla_send(sla=sla, by=sla.created_by, now=sla.created_at)
    return {"pk": sla.pk}


def _signed(world, side):
    from slas.factories import signed_sla

    sla = signed_sla(school_member=world.member(K.SCHOOL, Role.AP_LEAD, side),
                     provider_member=world.member(K.PROVIDER, Role.PROVIDER_MANAGER, side))
    return {"pk": sla.pk}


def _sla_state(world, kwargs):
    from slas.models import ServiceLevelAgreement as SLA

    return SLA.objects.filter(pk=kwargs["pk"]).values_list("status", "first_sent_at").get()


def _versions(world, kwargs):
    from slas.models import ServiceLevelAgreement as SLA

    sla = SLA.objects.get(pk=kwargs["pk"])
    return SLA.objects.filter(school_id=sla.school_id, provider_id=sla.provider_id).count()


def _spec(**kw):
    return UrlSpec(school_owned=True, **kw)


URLS = {
    "slas:list": UrlSpec(),
    "slas:create": UrlSpec(),
    # Signed, so every kind that reads SLAs can see it (a provider once sent, an LA once signed).
    "slas:detail": _spec(kwargs=_signed),
    "slas:schedule": _spec(kwargs=_sla),
    "slas:clause": _spec(kwargs=_clause),
    "slas:send": _spec(kwargs=_sla, method="post", ok_status=302, state=_sla_state),
    "slas:sign": _spec(kwargs=_sent),
    "slas:safeguarding": _spec(kwargs=_sent),
    "slas:amend": _spec(kwargs=_signed, method="post", ok_status=302, state=_versions),
    "slas:terminate": _spec(kwargs=_signed),
    "slas:save_template": _spec(kwargs=_sla),
    "slas:pdf": _spec(kwargs=_signed),
}

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


URLS = {
    "slas:list": UrlSpec(K.SCHOOL),
    "slas:create": UrlSpec(K.SCHOOL),
    "slas:detail": UrlSpec(K.SCHOOL, kwargs=_sla),
    "slas:schedule": UrlSpec(K.SCHOOL, kwargs=_sla),
    "slas:clause": UrlSpec(K.SCHOOL, kwargs=_clause),
    "slas:send": UrlSpec(K.SCHOOL, kwargs=_sla, method="post", ok_status=302),
    "slas:sign": UrlSpec(K.PROVIDER, kwargs=_sent),
    "slas:safeguarding": UrlSpec(K.PROVIDER, kwargs=_sent),
    "slas:amend": UrlSpec(K.SCHOOL, kwargs=_signed, method="post", ok_status=302),
    "slas:terminate": UrlSpec(K.SCHOOL, kwargs=_signed),
    "slas:save_template": UrlSpec(K.SCHOOL, kwargs=_sla),
    "slas:pdf": UrlSpec(K.PROVIDER, kwargs=_signed),
}

import datetime as dt

from slas import services
from slas.selectors import DEFAULT_TERMS, sla_terms_for
from tenancy.roles import OrganisationKind as K
from tenancy.scoping import scope

NOW = dt.datetime(2026, 11, 25, 10, tzinfo=dt.UTC)


def test_no_signed_sla_means_the_seed_defaults(world, draft):
    terms = sla_terms_for(school=world.org(K.SCHOOL), provider=world.org(K.PROVIDER), on=dt.date(2027, 2, 1))
    assert terms == DEFAULT_TERMS and terms.register_deadline_minutes == 30


def test_rules_read_the_numbers_from_the_signed_sla(world, school_lead, provider_manager):
    from slas.factories import draft_sla

    sla = draft_sla(school=school_lead.organisation, provider=provider_manager.organisation, by=school_lead.user)
    with scope(organisation=school_lead.organisation):
        services.sla_update_schedule(sla=sla, data={"register_deadline_minutes": 20, "visits_per_half_term": 2},
                                     now=NOW)
        services.sla_send(sla=sla, by=school_lead.user, now=NOW)
    for member in (provider_manager, school_lead):
        with scope(organisation=member.organisation):
            services.sla_sign(sla=sla, membership=member, typed_name=member.user.full_name, position="x", now=NOW)
    school, provider = world.org(K.SCHOOL), world.org(K.PROVIDER)
    during = sla_terms_for(school=school, provider=provider, on=dt.date(2027, 2, 1))
    assert (during.register_deadline_minutes, during.visits_per_half_term, during.sla_id) == (20, 2, sla.pk)
    # Outside the SLA's dates, and after it is ended, the defaults apply again.
    assert sla_terms_for(school=school, provider=provider, on=dt.date(2027, 6, 1)) == DEFAULT_TERMS
    with scope(organisation=school):
        sla.refresh_from_db()
        services.sla_terminate(sla=sla, on=dt.date(2027, 2, 10), reason="Ended early", by=school_lead.user, now=NOW)
    assert sla_terms_for(school=school, provider=provider, on=dt.date(2027, 2, 9)).register_deadline_minutes == 20
    assert sla_terms_for(school=school, provider=provider, on=dt.date(2027, 2, 11)) == DEFAULT_TERMS

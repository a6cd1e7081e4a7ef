import datetime as dt
from decimal import Decimal

from apcommission import clock

from . import services
from .models import ServiceLevelAgreement

SCHEDULE = {
    "start_date": dt.date(2027, 1, 4), "end_date": dt.date(2027, 3, 26), "hours_per_week": Decimal("10.0"),
    "days_and_sessions": "Tuesday and Thursday, 9:00am to 2:30pm", "number_of_pupils": 2,
    "rate": Decimal("85.00"), "estimated_total": Decimal("3740.00"),
    "transport_arrangement": "Taxi arranged by the school",
}


def draft_sla(*, school, provider, by, now=None) -> ServiceLevelAgreement:
    """A complete draft (schedule filled), created through the services like a user would."""
    from tenancy.scoping import scope

    now = now or clock.now()
    with scope(organisation=school):
        sla = services.sla_create(school=school, provider=provider, created_by=by, now=now)
        return services.sla_update_schedule(sla=sla, data=SCHEDULE, now=now)


def signed_sla(*, school_member, provider_member, now=None) -> ServiceLevelAgreement:
    from tenancy.scoping import scope

    now = now or clock.now()
    school, provider = school_member.organisation, provider_member.organisation
    sla = draft_sla(school=school, provider=provider, by=school_member.user, now=now)
    with scope(organisation=school):
        services.sla_send(sla=sla, by=school_member.user, now=now)
    for member in (provider_member, school_member):
        with scope(organisation=member.organisation):
            services.sla_sign(sla=sla, membership=member, typed_name=member.user.full_name,
                              position=member.job_title or member.get_role_display(), now=now)
    sla.refresh_from_db()
    return sla

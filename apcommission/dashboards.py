"""What each kind of organisation sees first. Constant queries whatever the data size."""

from __future__ import annotations

from apcommission import clock
from placements.selectors import placement_counts, pupils_by_school, pupils_by_year_group
from providers.models import ProviderListing
from tenancy.models import Organisation
from tenancy.roles import Capability, OrganisationKind


def dashboard_context(membership) -> dict:
    org = membership.organisation
    ctx: dict = {"kind": org.kind}
    if org.kind == OrganisationKind.SCHOOL:
        if membership.can(Capability.VIEW_PUPILS):
            by_year = pupils_by_year_group()
            ctx["pupils_by_year"] = by_year
            ctx["pupil_total"] = sum(row["total"] for row in by_year)
            ctx["placements"] = placement_counts(on=clock.today())
    elif org.kind == OrganisationKind.TRUST:
        if membership.can(Capability.VIEW_PUPILS):
            ctx["pupils_by_school"] = pupils_by_school()
            ctx["placements"] = placement_counts(on=clock.today())
        ctx["trust_schools"] = list(Organisation.objects.filter(trust=org).values_list("name", flat=True))
    elif org.kind == OrganisationKind.LOCAL_AUTHORITY:
        ctx["area_school_count"] = Organisation.objects.filter(
            local_authority=org, kind=OrganisationKind.SCHOOL).count()
        ctx["listed_provider_count"] = ProviderListing.objects.count()
        if membership.can(Capability.VIEW_AREA):
            ctx["placements"] = placement_counts(on=clock.today())
    elif org.kind == OrganisationKind.PROVIDER:
        ctx["listed_by"] = list(ProviderListing.objects.select_related("local_authority"))
        if membership.can(Capability.VIEW_PUPILS):
            ctx["placements"] = placement_counts(on=clock.today())
    return ctx

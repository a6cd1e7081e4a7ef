import pytest

from slas.factories import draft_sla, signed_sla
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role


@pytest.fixture
def school_lead(world):
    return world.member(K.SCHOOL, Role.AP_LEAD)


@pytest.fixture
def provider_manager(world):
    return world.member(K.PROVIDER, Role.PROVIDER_MANAGER)


@pytest.fixture
def draft(world, school_lead):
    return draft_sla(school=school_lead.organisation, provider=world.org(K.PROVIDER), by=school_lead.user)


@pytest.fixture
def signed(world, school_lead, provider_manager):
    return signed_sla(school_member=school_lead, provider_member=provider_manager)

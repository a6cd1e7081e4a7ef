from __future__ import annotations

import datetime as dt

import pytest

from apcommission import clock
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scopes_disabled
from tests.browser.conftest import (  # noqa: F401  (shared browser-test fixtures that start no browser)
    _no_rate_limits,
    axe_check,
    browser_world,
    screenshot,
)

NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)
TODAY = NOW.date()


def signoff(school, provider, *, by, on=TODAY, valid_days=365):
    """A real signed-off suitability check (providers app) current on `on`."""
    from providers.models import CheckStatus, SuitabilityCheck

    at = dt.datetime.combine(on, dt.time(9), tzinfo=dt.UTC)
    with scopes_disabled():
        return SuitabilityCheck.objects.create(
            school=school, provider=provider, status=CheckStatus.SIGNED_OFF, started_at=at, started_by=by,
            signed_off_at=at, signed_off_by=by, signed_off_by_name=getattr(by, "full_name", ""),
            valid_until=on + dt.timedelta(days=valid_days),
        )


@pytest.fixture
def frozen_now():
    with clock.frozen(NOW):
        yield NOW


@pytest.fixture
def signed_off(world):
    """Both sides' schools have signed off their own provider."""
    for side in ("a", "b"):
        signoff(world.org(K.SCHOOL, side), world.org(K.PROVIDER, side), by=world.user(K.SCHOOL, Role.AP_LEAD, side))
    return world


def pytest_configure(config):
    # The browser journey is grouped for xdist; register the marker when xdist is disabled too.
    config.addinivalue_line("markers", "xdist_group(name): run these tests in one xdist worker")

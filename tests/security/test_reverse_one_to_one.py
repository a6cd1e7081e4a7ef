"""Reverse one-to-one access must not step around the scoping layer (issue 8 item 6).

Django follows a reverse one-to-one (`placement.referral`, `pupil.sensitive`) with the related
model's plain base manager, not its scoped default manager. So a reader who may see the placement
(or pupil) but not its referral (or special-category record) must still not get it that way.
"""

from __future__ import annotations

import datetime as dt

import pytest

from placements.factories import PupilSensitiveFactory, placement_in_state
from placements.models import Placement, Pupil, PupilSensitive, Referral, State
from tenancy.roles import OrganisationKind as K
from tenancy.scoping import ScopeError, scope


@pytest.fixture
def world(module_world):
    """The World, built once for this module (tests/conftest.py `module_world`): each test's writes are
    rolled back and it gets its own copy of the objects."""
    return module_world


NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)
HIDDEN = (Referral.DoesNotExist, PupilSensitive.DoesNotExist, ScopeError)


def _reads(obj, attr):
    try:
        value = getattr(obj, attr)
    except HIDDEN:
        return None
    return value


def test_provider_cannot_read_a_declined_placements_referral_through_the_placement(world):
    provider = world.org(K.PROVIDER)
    declined = placement_in_state(pupil=world.pupils["a"], provider=provider, state=State.DECLINED, now=NOW)
    with scope(organisation=provider):
        assert not Referral.objects.filter(placement_id=declined.pk).exists()  # the scope rule hides it...
        placement = Placement.objects.get(pk=declined.pk)  # ...the placement itself is visible (the decline)
        leaked = _reads(placement, "referral")
    assert leaked is None, "placement.referral returned the referral of a placement the provider declined"


def test_trust_cannot_read_the_referral_through_the_placement(world):
    placement = placement_in_state(pupil=world.pupils["a"], provider=world.org(K.PROVIDER), state=State.ACTIVE,
                                   now=NOW)
    with scope(organisation=world.org(K.TRUST)):
        assert not Referral.objects.filter(placement_id=placement.pk).exists()
        leaked = _reads(Placement.objects.get(pk=placement.pk), "referral")
    assert leaked is None, "placement.referral returned a referral to the trust, which never reads referrals"


@pytest.mark.parametrize("kind", [K.TRUST, K.LOCAL_AUTHORITY])
def test_trust_and_la_cannot_read_special_category_data_through_the_pupil(world, kind):
    pupil = world.pupils["a"]
    PupilSensitiveFactory(pupil=pupil, looked_after="statutory")
    placement_in_state(pupil=pupil, provider=world.org(K.PROVIDER), state=State.ACTIVE, now=NOW)
    with scope(organisation=world.org(kind)):
        assert not PupilSensitive.objects.filter(pupil_id=pupil.pk).exists()
        leaked = _reads(Pupil.objects.get(pk=pupil.pk), "sensitive")
    assert leaked is None, f"pupil.sensitive returned the special-category record to the {kind}"

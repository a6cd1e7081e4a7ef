"""QA visit fixtures: LA a's QA officer, provider a (listed by LA a) with a profile, an offer, two
documents, one vetted member of staff and registers; a small framework owned by LA a."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from apcommission import clock
from qa_framework.factories import framework_version
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scope, scopes_disabled

NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)
STAFF_NAME = "Zebedee Sentinel-Staff"
DBS_NUMBER = "001122334455"


@pytest.fixture
def officer(world):
    return world.user(K.LOCAL_AUTHORITY, Role.QA_OFFICER, "a")


@pytest.fixture
def la(world):
    return world.org(K.LOCAL_AUTHORITY, "a")


@pytest.fixture
def provider(world):
    return world.org(K.PROVIDER, "a")


@pytest.fixture
def version(la):
    return framework_version(owner=la, now=NOW)


@pytest.fixture
def frozen_now():
    with clock.frozen(NOW):
        yield NOW


def provider_pack(world, side="a"):
    """Profile, an offer, insurance and a safeguarding policy, one member of staff (checked)."""
    from providers import services as provider_services
    from providers.factories import OfferFactory, ProviderProfileFactory, pdf_upload

    provider = world.org(K.PROVIDER, side)
    manager = world.user(K.PROVIDER, Role.PROVIDER_MANAGER, side)
    ProviderProfileFactory(provider=provider, overview="Motor vehicle workshop for 14-16 year olds",
                           dsl_name="Dee Lead", dsl_phone="01234 567891", dsl_email="dsl@example.org",
                           website="https://provider.example.org")
    OfferFactory(provider=provider, title="Motor vehicle Level 1", expected_outcome="Level 1 certificate",
                 part_time_days=2)
    with scope(organisation=provider):
        provider_services.document_upload(provider=provider, kind="insurance", uploaded=pdf_upload(),
                                          issued_on=dt.date(2026, 4, 1), review_on=dt.date(2027, 3, 31), by=manager,
                                          now=NOW, extra={"insurer": "Acme Insurance", "cover_amount": Decimal(5000000),
                                                          "covers_under_16s": True})
        provider_services.document_upload(provider=provider, kind="safeguarding", uploaded=pdf_upload(),
                                          issued_on=dt.date(2026, 9, 1), review_on=dt.date(2027, 9, 1), by=manager,
                                          now=NOW)
        provider_services.staff_save(provider=provider, by=manager, now=NOW, data={
            "full_name": STAFF_NAME, "job_title": "Tutor", "dbs_certificate_number": DBS_NUMBER,
            "dbs_enhanced": True, "dbs_issued_on": dt.date(2025, 9, 1), "barred_list_checked_on": dt.date(2025, 9, 1),
            "right_to_work_checked_on": dt.date(2025, 9, 1), "training_level": 2, "trained_on": dt.date(2026, 9, 1)})
    return provider


def registers(world, side="a"):
    """Two past registers at provider a for school a's placement: one on time (present), one late
    (absent); and a third not submitted."""
    from attendance.factories import register_with_sessions
    from attendance.models import ExpectedSession
    from placements.factories import placement_in_state

    placement = placement_in_state(pupil=world.pupils[side], provider=world.org(K.PROVIDER, side), state="active",
                                   now=NOW - dt.timedelta(days=40))
    starts = [clock.london(dt.date(2026, 11, d), dt.time(9, 0)) for d in (16, 17, 18)]
    regs = [register_with_sessions(placements=[placement], starts_at=s) for s in starts]
    with scopes_disabled():
        for register, late, mark in ((regs[0], False, "present"), (regs[1], True, "absent")):
            submitted = register.due_at + (dt.timedelta(minutes=20) if late else -dt.timedelta(minutes=10))
            type(register).objects.filter(pk=register.pk).update(submitted_at=submitted)
            ExpectedSession.objects.filter(register=register).update(
                mark=mark, absence_reason="ill" if mark == "absent" else "", marked_at=submitted)
    return placement

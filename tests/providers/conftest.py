from __future__ import annotations

import datetime as dt

import pytest

from apcommission import clock
from providers.factories import ProviderProfileFactory, pdf_upload
from providers.services import document_upload, staff_save
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scopes_disabled

NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 11, 25)


@pytest.fixture
def now():
    with clock.frozen(NOW):
        yield NOW


def manager(world, side="a"):
    return world.user(K.PROVIDER, Role.PROVIDER_MANAGER, side)


def upload(world, side="a", *, kind="safeguarding", review_on=dt.date(2027, 9, 1), issued_on=dt.date(2026, 9, 1),
           now=NOW, **extra):
    with scopes_disabled():
        return document_upload(provider=world.org(K.PROVIDER, side), kind=kind, uploaded=pdf_upload(text=kind),
                               issued_on=issued_on, review_on=review_on, by=manager(world, side), now=now,
                               extra=extra)


def add_staff(world, side="a", *, now=NOW, **data):
    data = {"full_name": "Jo Tutor", "job_title": "Tutor", "dbs_enhanced": True,
            "dbs_certificate_number": "001234567890", "dbs_issued_on": dt.date(2025, 1, 10),
            "barred_list_checked_on": dt.date(2025, 1, 10), "right_to_work_checked_on": dt.date(2025, 1, 5),
            "training_level": 2, "trained_on": dt.date(2026, 9, 1), **data}
    with scopes_disabled():
        return staff_save(provider=world.org(K.PROVIDER, side), by=manager(world, side), now=now, data=data)


def profile(world, side="a", **fields):
    return ProviderProfileFactory(provider=world.org(K.PROVIDER, side), **fields)

"""On the embedded default, a POST still runs in one transaction (nothing half-saves)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory

from apcommission.middleware import AtomicUnsafeRequestsMiddleware


@pytest.mark.parametrize("method, atomic", [("get", False), ("head", False), ("post", True), ("delete", True)])
def test_only_unsafe_requests_run_in_a_transaction(method, atomic, db):
    # Inside pytest-django's own test transaction a new atomic block is a savepoint: count them.
    seen = {}

    def view(request):
        seen["depth"] = len(connection.savepoint_ids)
        return HttpResponse("ok")

    before = len(connection.savepoint_ids)
    AtomicUnsafeRequestsMiddleware(view)(getattr(RequestFactory(), method)("/"))
    assert seen["depth"] == before + (1 if atomic else 0)


def test_a_post_that_fails_half_way_saves_nothing(db):
    from tenancy.factories import OrganisationFactory
    from tenancy.models import Organisation

    def view(request):
        OrganisationFactory(slug="half-saved")
        raise RuntimeError("the second write failed")

    with pytest.raises(RuntimeError):
        AtomicUnsafeRequestsMiddleware(view)(RequestFactory().post("/"))
    assert not Organisation.objects.filter(slug="half-saved").exists()

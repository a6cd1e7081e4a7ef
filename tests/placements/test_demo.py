from __future__ import annotations

import pytest
from django.core.management import call_command

from accounts.models import User
from placements.demo import load_placements_demo
from placements.models import Placement, State
from tenancy.models import Organisation
from tenancy.scoping import scopes_disabled

from .conftest import NOW


@pytest.mark.django_db
def test_demo_has_placements_in_every_state_and_is_idempotent(capsys):
    call_command("load_demo_data")
    with scopes_disabled():
        orgs = {o.slug: o for o in Organisation.objects.all()}
        users = {u.email.split("@")[0]: u for u in User.objects.filter(email__endswith="@demo.apcommission.test")}
    load_placements_demo(orgs, users, NOW)
    with scopes_disabled():
        states = set(Placement.objects.values_list("state", flat=True))
        count = Placement.objects.count()
    assert states == set(State.values)
    load_placements_demo(orgs, users, NOW)
    with scopes_disabled():
        assert Placement.objects.count() == count

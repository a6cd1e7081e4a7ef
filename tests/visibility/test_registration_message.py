"""The registration-law message on school a's agreement page must not describe school c's pupil
(provider a serves both schools; issue 8). Uses the function-scoped World: it changes hours."""

from __future__ import annotations

import re

from django.urls import reverse

from tenancy.roles import OrganisationKind as K
from tenancy.scoping import scopes_disabled


def test_registration_message_does_not_reveal_the_other_schools_pupil(shared_provider_world, login):
    """School a's agreement page explains a blocking registration test without telling school a
    that provider a's other full-time pupil (school c's) is looked after or has an EHC plan."""
    import datetime as dt
    from decimal import Decimal

    from apcommission import clock
    from placements import services
    from placements.factories import placement_in_state
    from placements.models import Placement
    from tenancy.roles import Role
    from tenancy.scoping import scope

    world = shared_provider_world
    now = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)
    with scopes_disabled():
        # School c's looked-after pupil with an EHC plan attends provider a full time.
        Placement.objects.filter(pk=world.placements["c"].pk).update(weekly_hours=25)
    # School a's placement at provider a, with an agreement version written but not agreed (the
    # registration test blocks agreeing it).
    placement = placement_in_state(pupil=world.pupils["a"], provider=world.org(K.PROVIDER), state="accepted",
                                   now=now)
    with clock.frozen(now), scope(organisation=world.org(K.SCHOOL)):
        agreement = services.agreement_draft(placement=placement, by=None, now=now)
        services.agreement_save(agreement=agreement, data={"start_date": now.date(), "home_school_hours": Decimal("13")})
        services.target_add(agreement=agreement, data={"target": "Attend"})
        services.session_add(agreement=agreement, data={"weekday": 0, "part": "am", "start_time": dt.time(9),
                                                        "end_time": dt.time(12)})
    client = login(world.user(K.SCHOOL, Role.AP_LEAD))
    body = client.get(reverse("placements:agreement_detail", kwargs={"org": "school-a", "pk": placement.pk}))
    assert body.status_code == 200
    html = body.content.decode()
    assert "not registered as a school" in html or "register" in html.lower()  # the message is shown
    revealing = re.findall(r"\d+ full-time pupils? (?:looked after|with an EHC plan)", html)
    assert not revealing, f"school a's agreement page describes another school's pupil: {revealing}"
    assert world.pupils["c"].first_name not in html and world.pupils["c"].upn not in html

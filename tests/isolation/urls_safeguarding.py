"""Isolation specs for incidents, emergency reviews and safeguarding concerns (issue 12 item 6).

Objects hang off the side's active placement (school a's pupil at provider a). A concern is read
by the DSLs of the placement's school and provider and by the people one is shared with: for every
other role the builder shares the concern with the member who will open it, so a capable role's
request works, and side b's member (never shared with) gets 404 like any other organisation's.
"""

from __future__ import annotations

import datetime as dt

from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role as R

from .registry import UrlSpec


def _unscoped(build):
    """Builders make rows of several tenants at once."""
    import functools

    from tenancy.scoping import scopes_disabled

    @functools.wraps(build)
    def wrapped(*args, **kwargs):
        with scopes_disabled():
            return build(*args, **kwargs)

    return wrapped

NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)


def _placement(world, side):
    from placements.factories import placement_in_state

    if side not in world.placements:
        world.placements[side] = placement_in_state(pupil=world.pupils[side], provider=world.org(K.PROVIDER, side),
                                                    state="active", now=NOW)
    return world.placements[side]


@_unscoped
def _placement_kwargs(world, side):
    return {"pk": _placement(world, side).pk}


def _incident(world, side, *, n=0):
    from safeguarding.models import Incident

    placement = _placement(world, side)
    return Incident.objects.create(
        placement=placement, kind="behaviour", occurred_at=NOW, location="Hall", description="Shouted",
        action_taken="Talked", recorded_at=NOW, recorded_by_organisation=placement.provider)


@_unscoped
def _incident_kwargs(world, side):
    return {"pk": _incident(world, side).pk}


@_unscoped
def _review(world, side):
    from safeguarding.models import EmergencyReview

    placement = _placement(world, side)
    EmergencyReview.objects.filter(placement=placement, closed_at__isnull=True).update(closed_at=NOW)
    return {"pk": EmergencyReview.objects.create(placement=placement, opened_at=NOW, due_on=NOW.date(),
                                                 incident_count=3).pk}


def _concern(world, side):
    from safeguarding.models import SafeguardingConcern

    placement = _placement(world, side)
    return SafeguardingConcern.objects.create(
        placement=placement, occurred_at=NOW, what="Bruise", people="Teacher", immediate_action="Told the DSL",
        raised_at=NOW, raised_by_organisation=placement.school)


@_unscoped
def _concern_for(world, side, *, kind, role):
    """A concern this role reads: shared with its member unless a DSL reads it by role."""
    from guardian.shortcuts import assign_perm

    concern = _concern(world, side)
    if role not in (R.DSL, R.PROVIDER_DSL) and (role, kind, side) in world.members:  # school c has no trust
        assign_perm("safeguarding.view_concern", world.user(kind, role, side), concern)
    return {"pk": concern.pk}


@_unscoped
def _concern_kwargs(world, side):
    return {"pk": _concern(world, side).pk}


@_unscoped
def _shared_concern(world, side):
    """A concern shared with school a's pastoral member, to stop sharing."""
    from guardian.shortcuts import assign_perm

    concern = _concern(world, side)
    person = world.user(K.SCHOOL, R.PASTORAL, side)
    assign_perm("safeguarding.view_concern", person, concern)
    return {"pk": concern.pk, "user_pk": person.pk}


def _still_shared(world, kwargs):
    from guardian.models import UserObjectPermission

    return UserObjectPermission.objects.filter(object_pk=str(kwargs["pk"]), user_id=kwargs["user_pk"]).exists()


URLS = {
    "safeguarding:incident_list": UrlSpec(kwargs=_placement_kwargs, school_owned=True),
    "safeguarding:incident_create": UrlSpec(kwargs=_placement_kwargs, school_owned=True),
    "safeguarding:incident_detail": UrlSpec(kwargs=_incident_kwargs, school_owned=True),
    "safeguarding:review_detail": UrlSpec(kwargs=_review, school_owned=True),
    "safeguarding:review_close": UrlSpec(kwargs=_review, school_owned=True),
    "safeguarding:concern_create": UrlSpec(kwargs=_placement_kwargs, school_owned=True),
    "safeguarding:concern_list": UrlSpec(),
    "safeguarding:concern_detail": UrlSpec(kwargs=_concern_for, school_owned=True),
    "safeguarding:concern_share": UrlSpec(kwargs=_concern_kwargs, school_owned=True),
    "safeguarding:concern_unshare": UrlSpec(kwargs=_shared_concern, method="post", ok_status=302,
                                            state=_still_shared, school_owned=True),
}

"""Isolation specs for every placements URL (pupils, referrals, agreements, placements, LA list).

Objects are built per side with placements.factories.placement_in_state, so side a's member asking
for side b's object through their own organisation must get 404 from the scoping layer.
"""

from __future__ import annotations

import datetime as dt

from tenancy.roles import OrganisationKind as K

from .registry import UrlSpec

NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)


def _new_pupil(world, side):
    """A new pupil of the side's school for each placement built: the lifecycle would refuse a
    second full-time placement of school c's looked-after pupil at an unregistered provider."""
    from placements.factories import PupilFactory

    return PupilFactory(school=world.org(K.SCHOOL, side))


def _pupil(world, side):
    """A pupil of the side's school, referred to and placed at the side's provider (so the provider
    may open it)."""
    from placements.factories import placement_in_state

    pupil = _new_pupil(world, side)
    placement_in_state(pupil=pupil, provider=world.org(K.PROVIDER, side), state="active", now=NOW)
    return {"pk": pupil.pk}


def _school_pupil(world, side):
    return {"pk": world.pupils[side].pk}


def _placement(state, **extra):
    def build(world, side):
        from placements.factories import placement_in_state

        placement = placement_in_state(pupil=_new_pupil(world, side), provider=world.org(K.PROVIDER, side),
                                       state=state, now=NOW, **extra)
        return {"pk": placement.pk}

    return build


def _parent(world, side):
    from placements.factories import ParentCarerFactory

    parent = ParentCarerFactory(pupil=world.pupils[side])
    return {"pk": world.pupils[side].pk, "cpk": parent.pk}


def _agency(world, side):
    from placements.models import OtherAgency
    from tenancy.scoping import scopes_disabled

    with scopes_disabled():
        agency = OtherAgency.objects.create(pupil=world.pupils[side], agency="Early help")
    return {"pk": world.pupils[side].pk, "apk": agency.pk}


def _draft_agreement_child(kind):
    def build(world, side):
        from apcommission import clock
        from placements import services
        from placements.factories import placement_in_state
        from tenancy.roles import Role
        from tenancy.scoping import scope

        placement = placement_in_state(pupil=_new_pupil(world, side), provider=world.org(K.PROVIDER, side),
                                       state="accepted", now=NOW)
        school = world.org(K.SCHOOL, side)
        with clock.frozen(NOW), scope(organisation=school):
            agreement = services.agreement_draft(placement=placement, by=world.user(K.SCHOOL, Role.AP_LEAD, side),
                                                 now=NOW)
            if kind == "target":
                row = services.target_add(agreement=agreement, data={"target": "Attend 95%"})
                return {"pk": placement.pk, "tpk": row.pk}
            row = services.session_add(agreement=agreement, data={"weekday": 0, "part": "am",
                                                                  "start_time": dt.time(9), "end_time": dt.time(12)})
            return {"pk": placement.pk, "spk": row.pk}

    return build


def _parental_file(world, side):
    from django.core.files.base import ContentFile

    from placements.factories import placement_in_state
    from placements.models import ParentalAgreement
    from tenancy.scoping import scopes_disabled

    placement = placement_in_state(pupil=_new_pupil(world, side), provider=world.org(K.PROVIDER, side),
                                   state="agreed", now=NOW)
    with scopes_disabled():
        record = ParentalAgreement(placement=placement, method="upload", signed_by_name="A Parent",
                                   signed_on=NOW.date(), recorded_at=NOW)
        record.signed_copy.save("contract.pdf", ContentFile(b"%PDF-1.4 signed"), save=False)
        record.save()
    return {"pk": placement.pk, "apk": record.pk}


def _status(world, side, *, kind):
    # A school may suspend an active placement; a provider may only call an emergency review.
    transition = "suspend" if kind == K.SCHOOL else "emergency_review"
    return {**_placement("active")(world, side), "transition": transition}


def _awaiting_agreement(world, side, *, kind):
    """An agreed placement with a new agreement version (2) that the other side has agreed and
    `kind`'s side (the provider's, for kinds that cannot agree) has not: made through the services."""
    from apcommission import clock
    from placements import services
    from placements.models import Placement
    from tenancy.roles import Role
    from tenancy.scoping import scope

    kwargs = _placement("agreed")(world, side)
    other_kind, role = (K.PROVIDER, Role.PROVIDER_MANAGER) if kind == K.SCHOOL else (K.SCHOOL, Role.AP_LEAD)
    other = world.org(other_kind, side)
    user = world.user(other_kind, role, side)
    with clock.frozen(NOW), scope(organisation=other):
        agreement = services.agreement_draft(placement=Placement.objects.get(pk=kwargs["pk"]), by=user, now=NOW)
        services.agreement_save(agreement=agreement, data={"change_summary": "Review date moved",
                                                           # today or later when the probe (real clock) agrees
                                                           "effective_from": NOW.date() + dt.timedelta(days=365)})
        services.agreement_agree(agreement=agreement, by=user, organisation=other, now=NOW)
    return kwargs


def _agreed_by(world, kwargs):
    from placements.models import CommissioningAgreement

    return list(CommissioningAgreement.objects.filter(placement_id=kwargs["pk"])
                .values_list("version", "school_agreed_at", "provider_agreed_at"))


def _exists(model_name, key):
    def state(world, kwargs):
        from placements import models

        return getattr(models, model_name).objects.filter(pk=kwargs[key]).exists()

    return state


def _spec(**kw):
    return UrlSpec(school_owned=True, **kw)




URLS = {
    # Pupils
    "placements:pupil_list": UrlSpec(),
    "placements:pupil_detail": _spec(kwargs=_pupil),
    "placements:pupil_create": UrlSpec(),
    "placements:pupil_edit": _spec(kwargs=_school_pupil),
    "placements:pupil_sensitive_edit": _spec(kwargs=_school_pupil),
    "placements:parent_add": _spec(kwargs=_school_pupil),
    "placements:parent_remove": _spec(kwargs=_parent, method="post", ok_status=302,
                                      state=_exists("ParentCarer", "cpk")),
    "placements:agency_add": _spec(kwargs=_school_pupil),
    "placements:agency_remove": _spec(kwargs=_agency, method="post", ok_status=302,
                                      state=_exists("OtherAgency", "apk")),
    # Referrals (school)
    "placements:placement_list": UrlSpec(),
    "placements:referral_start": UrlSpec(),
    "placements:placement_detail": _spec(kwargs=_placement("active")),
    "placements:referral_detail": _spec(kwargs=_placement("referred")),
    "placements:referral_pdf": _spec(kwargs=_placement("referred")),
    "placements:referral_check": _spec(kwargs=_placement("draft")),
    "placements:referral_step": _spec(kwargs=lambda w, s: {**_placement("draft")(w, s), "step": "reason"}),
    "placements:referral_decision": _spec(kwargs=_placement("draft", submitted=True)),
    # Provider's answer and initial assessment
    "placements:provider_response": _spec(kwargs=_placement("referred")),
    "placements:initial_assessment": _spec(kwargs=_placement("accepted")),
    # Agreement
    "placements:agreement_detail": _spec(kwargs=_placement("agreed")),
    "placements:agreement_pdf": _spec(kwargs=_placement("agreed")),
    "placements:agreement_edit": _spec(kwargs=_placement("accepted")),
    "placements:target_add": _spec(kwargs=_placement("accepted")),
    "placements:target_remove": _spec(kwargs=_draft_agreement_child("target"), method="post", ok_status=302,
                                      state=_exists("Target", "tpk")),
    "placements:session_add": _spec(kwargs=_placement("accepted")),
    "placements:session_remove": _spec(kwargs=_draft_agreement_child("session"), method="post", ok_status=302,
                                       state=_exists("TimetableSession", "spk")),
    "placements:agreement_agree": _spec(kwargs=_awaiting_agreement, method="post", ok_status=302, state=_agreed_by),
    # Parents, start, status, end
    "placements:parental_agreement": _spec(kwargs=_placement("accepted")),
    "placements:parental_agreement_file": _spec(kwargs=_parental_file),
    "placements:placement_start": _spec(kwargs=_placement("agreed")),
    "placements:placement_status": _spec(kwargs=_status),
    "placements:placement_end": _spec(kwargs=_placement("active")),
    "placements:placement_destination": _spec(kwargs=_placement("ended")),
}

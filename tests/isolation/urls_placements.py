"""Isolation specs for every placements URL (pupils, referrals, agreements, placements, LA list).

Objects are built per side with placements.factories.placement_in_state, so side a's member asking
for side b's object through their own organisation must get 404 from the scoping layer.
"""

from __future__ import annotations

import datetime as dt

from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role

from .registry import UrlSpec

NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)


def _pupil(world, side):
    return {"pk": world.pupils[side].pk}


def _placement(state, **extra):
    def build(world, side):
        from placements.factories import placement_in_state

        placement = placement_in_state(pupil=world.pupils[side], provider=world.org(K.PROVIDER, side), state=state,
                                       now=NOW, **extra)
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
        from placements.factories import placement_in_state
        from placements.models import CommissioningAgreement, Target, TimetableSession
        from tenancy.scoping import scopes_disabled

        placement = placement_in_state(pupil=world.pupils[side], provider=world.org(K.PROVIDER, side),
                                       state="accepted", now=NOW)
        with scopes_disabled():
            agreement = CommissioningAgreement.objects.create(placement=placement, version=1, created_at=NOW)
            if kind == "target":
                row = Target.objects.create(agreement=agreement, target="Attend 95%")
                return {"pk": placement.pk, "tpk": row.pk}
            row = TimetableSession.objects.create(agreement=agreement, weekday=0, part="am",
                                                  start_time=dt.time(9), end_time=dt.time(12))
            return {"pk": placement.pk, "spk": row.pk}

    return build


def _parental_file(world, side):
    from django.core.files.base import ContentFile

    from placements.factories import placement_in_state
    from placements.models import ParentalAgreement
    from tenancy.scoping import scopes_disabled

    placement = placement_in_state(pupil=world.pupils[side], provider=world.org(K.PROVIDER, side),
                                   state="agreed", now=NOW)
    with scopes_disabled():
        record = ParentalAgreement(placement=placement, method="upload", signed_by_name="A Parent",
                                   signed_on=NOW.date(), recorded_at=NOW)
        record.signed_copy.save("contract.pdf", ContentFile(b"%PDF-1.4 signed"), save=False)
        record.save()
    return {"pk": placement.pk, "apk": record.pk}


def _status(transition, state="active"):
    def build(world, side):
        return {**_placement(state)(world, side), "transition": transition}

    return build


URLS = {
    # Pupils (school)
    "placements:pupil_list": UrlSpec(K.SCHOOL),
    "placements:pupil_detail": UrlSpec(K.SCHOOL, kwargs=_pupil),
    "placements:pupil_create": UrlSpec(K.SCHOOL),
    "placements:pupil_edit": UrlSpec(K.SCHOOL, kwargs=_pupil),
    "placements:pupil_sensitive_edit": UrlSpec(K.SCHOOL, kwargs=_pupil),
    "placements:parent_add": UrlSpec(K.SCHOOL, kwargs=_pupil),
    "placements:parent_remove": UrlSpec(K.SCHOOL, kwargs=_parent, method="post", ok_status=302),
    "placements:agency_add": UrlSpec(K.SCHOOL, kwargs=_pupil),
    "placements:agency_remove": UrlSpec(K.SCHOOL, kwargs=_agency, method="post", ok_status=302),
    # Referrals (school)
    "placements:placement_list": UrlSpec(K.SCHOOL),
    "placements:referral_start": UrlSpec(K.SCHOOL),
    "placements:placement_detail": UrlSpec(K.SCHOOL, kwargs=_placement("active")),
    "placements:referral_detail": UrlSpec(K.SCHOOL, kwargs=_placement("referred")),
    "placements:referral_pdf": UrlSpec(K.SCHOOL, kwargs=_placement("referred")),
    "placements:referral_check": UrlSpec(K.SCHOOL, kwargs=_placement("draft")),
    "placements:referral_step": UrlSpec(K.SCHOOL, kwargs=lambda w, s: {**_placement("draft")(w, s), "step": "reason"}),
    "placements:referral_decision": UrlSpec(K.SCHOOL, kwargs=_placement("draft", submitted=True),
                                            right_role=Role.HEADTEACHER),
    # Provider's answer and initial assessment
    "placements:provider_response": UrlSpec(K.PROVIDER, kwargs=_placement("referred")),
    "placements:initial_assessment": UrlSpec(K.PROVIDER, kwargs=_placement("accepted")),
    # Agreement
    "placements:agreement_detail": UrlSpec(K.SCHOOL, kwargs=_placement("agreed")),
    "placements:agreement_pdf": UrlSpec(K.SCHOOL, kwargs=_placement("agreed")),
    "placements:agreement_edit": UrlSpec(K.SCHOOL, kwargs=_placement("accepted")),
    "placements:target_add": UrlSpec(K.SCHOOL, kwargs=_placement("accepted")),
    "placements:target_remove": UrlSpec(K.SCHOOL, kwargs=_draft_agreement_child("target"), method="post",
                                        ok_status=302),
    "placements:session_add": UrlSpec(K.SCHOOL, kwargs=_placement("accepted")),
    "placements:session_remove": UrlSpec(K.SCHOOL, kwargs=_draft_agreement_child("session"), method="post",
                                         ok_status=302),
    "placements:agreement_agree": UrlSpec(K.PROVIDER, kwargs=_placement("agreed"), method="post", ok_status=302),
    # Parents, start, status, end
    "placements:parental_agreement": UrlSpec(K.SCHOOL, kwargs=_placement("accepted")),
    "placements:parental_agreement_file": UrlSpec(K.SCHOOL, kwargs=_parental_file),
    "placements:placement_start": UrlSpec(K.SCHOOL, kwargs=_placement("agreed")),
    "placements:placement_status": UrlSpec(K.SCHOOL, kwargs=_status("suspend")),
    "placements:placement_end": UrlSpec(K.SCHOOL, kwargs=_placement("active")),
    "placements:placement_destination": UrlSpec(K.SCHOOL, kwargs=_placement("ended")),
    # Local authority
    "placements:area_list": UrlSpec(K.LOCAL_AUTHORITY),
}

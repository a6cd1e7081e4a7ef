"""Demo data for the provider directory: `load_providers_demo(orgs, now)`.

Called by the demo app's load_demo_data with its organisations by slug (northshire, hillside-academy,
st-annes, pathways, forge-skills, green-shoots). Idempotent: a second run adds nothing.

* Northshire lists the three providers in its directory (directory_provider_list: "listed"; their
  approval is the QA demo's decisions, qa_framework.demo.load_approvals_demo).

* Pathways Learning Centre: complete profile, three courses, every document current except one
  expiring within 30 days (amber), four staff, KCSIE confirmed, signed off by Hillside Academy.
* Forge Motor Vehicle Skills: complete profile, its insurance certificate has expired (red).
* Green Shoots Farm Education: a partly completed profile and only a few documents (red).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from tenancy.models import Membership, Organisation
from tenancy.roles import Role
from tenancy.scoping import scopes_disabled

from . import services
from .factories import suitability_signed_off, tiny_pdf
from .models import (
    CheckStatus,
    DeclaredPupilGroup,
    DocumentKind,
    KcsieConfirmation,
    Offer,
    PolicyDocument,
    ProviderListing,
    ProviderSite,
    StaffMember,
    SuitabilityCheck,
)

PROFILES = {
    "pathways": dict(
        legal_name="Pathways Learning Centre Ltd", entity_type="company_guarantee", company_number="08765432", ukprn="10091234",
        overview="Small-group English, maths and employability for pupils in years 9 to 11 who are at risk of "
                 "exclusion, with a strong pastoral team and SEMH support.",
        address="Unit 4, Mill Lane\nNorthtown", postcode="NS2 7LP", website="https://pathways.example.org",
        social_media="https://www.instagram.com/pathwayslearning", contact_name="Kwame Asante",
        contact_phone="01632 960101", contact_email="provider-manager@demo.apcommission.test",
        dsl_name="Joanne Reid", dsl_phone="01632 960102", dsl_email="provider-dsl@demo.apcommission.test",
        deputy_dsl_name="Ellie Turner", deputy_dsl_phone="01632 960103",
        deputy_dsl_email="provider-staff@demo.apcommission.test", team_teach=True,
        team_teach_detail="Team Teach level 2 (all pupil-facing staff)", send_suitable=True,
        send_detail="SEMH, ADHD and autism; small groups of up to 6", capacity=18, age_from=13, age_to=16,
    ),
    "forge-skills": dict(
        legal_name="Forge Motor Vehicle Skills CIC", entity_type="cic", company_number="11223344", ukprn="10087654",
        overview="Hands-on light vehicle maintenance in a working garage, leading to IMI Level 1.",
        address="Forge Yard, Station Road\nEastbury", postcode="NS5 1RE", website="https://forge.example.org",
        contact_name="Lee Harding", contact_phone="01632 960201", contact_email="forge-manager@demo.apcommission.test",
        dsl_name="Lee Harding", dsl_phone="01632 960201", dsl_email="forge-manager@demo.apcommission.test",
        deputy_dsl_name="Mo Iqbal", deputy_dsl_phone="01632 960202", deputy_dsl_email="mo@forge.example.org",
        team_teach=False, send_suitable=False, capacity=8, age_from=14, age_to=16,
    ),
    "green-shoots": dict(
        legal_name="Green Shoots Farm Education", entity_type="cio", charity_number="1181234",
        overview="Animal care and horticulture on a working farm.", address="Hollow Farm\nWestdale",
        postcode="NS8 2HW", contact_name="Anna Kowalski", contact_phone="01632 960301",
        contact_email="farm-manager@demo.apcommission.test", send_suitable=True,
        send_detail="Calm outdoor setting; experience with anxiety and school refusal", capacity=10,
    ),
}

OFFERS = {
    "pathways": [
        dict(title="Functional Skills English and maths", subject="english_maths",
             expected_outcome="Entry level 3 or Level 1 Functional Skills", qualification="Functional Skills (Pearson)",
             qualification_level="1", full_time_weeks=12, part_time_days=2, on_mon=True, on_tue=True, on_wed=True,
             on_thu=True, on_fri=True, session_start=dt.time(9, 30), session_end=dt.time(14, 30),
             cost_per_session=Decimal("45"), cost_per_day=Decimal("90")),
        dict(title="Employability and work skills", subject="employability",
             expected_outcome="A CV, interview practice and a work experience placement",
             qualification="AQA Unit Award", qualification_level="award", part_time_days=1, on_wed=True,
             session_start=dt.time(10, 0), session_end=dt.time(15, 0), cost_per_day=Decimal("85")),
        dict(title="Mentoring", subject="mentoring", expected_outcome="Improved attendance and engagement",
             qualification_level="none", part_time_days=1, on_fri=True, session_start=dt.time(9, 30),
             session_end=dt.time(12, 0), cost_per_session=Decimal("40")),
    ],
    "forge-skills": [
        dict(title="Light vehicle maintenance", subject="motor_vehicle", expected_outcome="IMI Level 1 Award",
             qualification="IMI Level 1 Award in Light Vehicle Maintenance", qualification_level="1",
             part_time_days=2, on_tue=True, on_thu=True, session_start=dt.time(9, 0), session_end=dt.time(15, 0),
             cost_per_day=Decimal("95")),
    ],
    "green-shoots": [
        dict(title="Animal care and horticulture", subject="land_animal", expected_outcome="AQA Unit Awards",
             qualification="AQA Unit Award", qualification_level="award", part_time_days=2, on_mon=True,
             on_wed=True, session_start=dt.time(9, 30), session_end=dt.time(14, 0), cost_per_day=Decimal("75")),
    ],
}

PUPIL_GROUPS = {
    "pathways": [dict(description="Year 10 and 11, part time", pupils=9, weekly_hours=Decimal("10")),
                 dict(description="Year 11, full time", pupils=3, weekly_hours=Decimal("22.5"))],
    "forge-skills": [dict(description="Year 10 motor vehicle", pupils=6, weekly_hours=Decimal("12"))],
}

STAFF = {
    "pathways": [
        dict(full_name="Kwame Asante", job_title="Centre manager", is_manager=True, training_level=3, years_ago=1),
        dict(full_name="Joanne Reid", job_title="Safeguarding lead", is_manager=True, training_level=4, years_ago=2),
        dict(full_name="Ellie Turner", job_title="Tutor", is_manager=False, training_level=2, years_ago=0),
        dict(full_name="Marcus Bell", job_title="Mentor", is_manager=False, training_level=2, years_ago=0),
    ],
    "forge-skills": [
        dict(full_name="Lee Harding", job_title="Workshop manager", is_manager=True, training_level=3, years_ago=1),
        dict(full_name="Mo Iqbal", job_title="Technician instructor", is_manager=False, training_level=2, years_ago=0),
    ],
}


def _manager(provider: Organisation) -> Membership | None:
    return (Membership.objects.filter(organisation=provider, role=Role.PROVIDER_MANAGER, is_active=True)
            .select_related("user").order_by("pk").first())


def _documents(provider, user, today, now, *, expiring=(), expired=(), only=None):
    have = set(PolicyDocument.objects.filter(provider=provider).values_list("kind", flat=True))
    for kind in DocumentKind.values:
        if kind in have or (only is not None and kind not in only):
            continue
        if kind in expired:
            issued, review = today - dt.timedelta(days=375), today - dt.timedelta(days=10)
        elif kind in expiring:
            issued, review = today - dt.timedelta(days=345), today + dt.timedelta(days=20)
        else:
            issued, review = today - dt.timedelta(days=60), today + dt.timedelta(days=305)
        extra = {}
        if kind == DocumentKind.INSURANCE:
            extra = {"insurer": "Northshire Mutual", "cover_amount": Decimal("5000000"), "covers_under_16s": True}
        if kind == DocumentKind.FIRE_RISK:
            extra = {"last_fire_drill_on": today - dt.timedelta(days=30)}
        label = DocumentKind(kind).label
        services.document_upload(
            provider=provider, kind=kind, issued_on=issued, review_on=review, by=user, now=now, extra=extra,
            uploaded=SimpleUploadedFile(f"{label}.pdf", tiny_pdf(f"{provider.name}: {label}"), content_type="application/pdf"),
        )


def _staff(provider, user, today, now):
    have = set(StaffMember.objects.filter(provider=provider).values_list("full_name", flat=True))
    for i, person in enumerate(STAFF.get(provider.slug, [])):
        if person["full_name"] in have:
            continue
        trained = today - dt.timedelta(days=40 + 365 * person["years_ago"] // 2)
        services.staff_save(provider=provider, by=user, now=now, data={
            "full_name": person["full_name"], "job_title": person["job_title"], "is_manager": person["is_manager"],
            "dbs_enhanced": True, "dbs_certificate_number": f"0019{provider.pk % 100:02d}{i:06d}",
            "dbs_issued_on": today - dt.timedelta(days=400 + 90 * i), "dbs_update_service": i % 2 == 0,
            "dbs_status_checked_on": today - dt.timedelta(days=60) if i % 2 == 0 else None,
            "barred_list_checked_on": today - dt.timedelta(days=400 + 90 * i),
            "right_to_work_checked_on": today - dt.timedelta(days=410 + 90 * i),
            "training_level": person["training_level"], "trained_on": trained, "team_teach": provider.slug == "pathways",
            "qualifications": "Level 3 Award in Education and Training" if not person["is_manager"] else "QTS",
        })


def _signoff(school, provider, now):
    if SuitabilityCheck.objects.filter(school=school, provider=provider, status=CheckStatus.SIGNED_OFF).exists():
        return
    lead = (Membership.objects.filter(organisation=school, role=Role.AP_LEAD, is_active=True)
            .select_related("user").order_by("pk").first())
    if lead is None:
        return
    suitability_signed_off(school=school, provider=provider, by=lead.user, job_title=lead.job_title or "AP lead",
                           now=now)


@transaction.atomic
def load_providers_demo(orgs: dict[str, Organisation], now: dt.datetime) -> None:
    today = services.local_date(now)
    la = orgs.get("northshire")
    with scopes_disabled():
        for slug, fields in PROFILES.items():
            provider = orgs.get(slug)
            if provider is None:
                continue
            if la is not None and not ProviderListing.objects.filter(local_authority=la, provider=provider).exists():
                services.directory_provider_list(local_authority=la, provider=provider, by=None, now=now)
            membership = _manager(provider)
            user = membership.user if membership else None
            profile = services.profile_get_or_create(provider=provider)
            if profile.updated_at is None and user is not None:
                if slug != "green-shoots":
                    fields = {**fields, "dsl_trained_on": today - dt.timedelta(days=200),
                              "deputy_dsl_trained_on": today - dt.timedelta(days=150)}
                services.profile_update(profile=profile, data=fields, by=user, now=now)
            for offer in OFFERS.get(slug, []):
                if not Offer.objects.filter(provider=provider, title=offer["title"]).exists():
                    services.offer_save(provider=provider, data=offer, by=user, now=now)
            for group in PUPIL_GROUPS.get(slug, []):
                if not DeclaredPupilGroup.objects.filter(provider=provider, description=group["description"]).exists():
                    services.pupil_group_add(provider=provider, data=group, by=user, now=now)
            if slug == "pathways" and not ProviderSite.objects.filter(provider=provider).exists():
                services.site_add(provider=provider, by=user, now=now, data={
                    "name": "Mill Lane centre", "address": "Unit 4, Mill Lane\nNorthtown", "postcode": "NS2 7LP"})
            if user is None:
                continue
            if slug == "pathways":
                _documents(provider, user, today, now, expiring={DocumentKind.LONE_WORKING})
            elif slug == "forge-skills":
                _documents(provider, user, today, now, expired={DocumentKind.INSURANCE},
                           expiring={DocumentKind.FIRST_AID})
            else:
                _documents(provider, user, today, now, only={DocumentKind.SAFEGUARDING, DocumentKind.HEALTH_SAFETY,
                                                             DocumentKind.INSURANCE})
            _staff(provider, user, today, now)
            if slug in ("pathways", "forge-skills") and not KcsieConfirmation.objects.filter(provider=provider).exists():
                services.kcsie_confirm(provider=provider, by=user, job_title=membership.job_title or "Manager", now=now)
        if "hillside-academy" in orgs and "pathways" in orgs:
            _signoff(orgs["hillside-academy"], orgs["pathways"], now)

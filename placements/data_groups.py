"""Which data group (tenancy.visibility) each field of a pupil's records belongs to.

The visibility table says which roles read a group; this map says which fields make up a group.
Selectors read only the fields of groups the reader may see. A test fails when a model gains a
field that is not listed here, so new pupil data cannot appear without a decision about who reads it.
Fields that are plain placement facts (dates, hours, states, timetable) are in PLACEMENT_FACTS:
anyone who can open the placement reads them.
"""

from __future__ import annotations

from tenancy.visibility import DataGroup as G

FIELD_GROUPS: dict[str, dict[str, str]] = {
    "Pupil": {
        "first_name": G.IDENTITY, "middle_names": G.IDENTITY, "last_name": G.IDENTITY,
        "preferred_name": G.IDENTITY, "date_of_birth": G.IDENTITY, "upn": G.IDENTITY, "year_group": G.IDENTITY,
        "gender": G.IDENTITY, "first_language": G.IDENTITY, "address": G.IDENTITY,
        "free_school_meals": G.EDUCATION,
    },
    "PupilSensitive": {
        "ethnicity": G.EQUALITY, "religion": G.EQUALITY,
        "looked_after": G.SAFEGUARDING, "order_held_by": G.SAFEGUARDING, "date_in_care": G.SAFEGUARDING,
        "child_protection": G.SAFEGUARDING, "child_protection_category": G.SAFEGUARDING,
        "child_in_need": G.SAFEGUARDING, "private_fostering": G.SAFEGUARDING,
        "youth_offending_service": G.SAFEGUARDING,
        "sen_provision": G.SEN, "sen_details": G.SEN, "disabled": G.SEN, "disability_details": G.SEN,
        "access_arrangements": G.ACCESS_ARRANGEMENTS,
        "medical_needs": G.MEDICAL, "medication": G.MEDICAL,
        "mental_health_concerns": G.MENTAL_HEALTH, "mental_health_referral": G.MENTAL_HEALTH,
    },
    "ParentCarer": {
        "name": G.PARENTS, "relationship": G.PARENTS, "phone": G.PARENTS, "email": G.PARENTS,
        "address": G.PARENTS, "lives_with_pupil": G.PARENTS,
    },
    # Other agencies involved (social care, youth offending, CAMHS): part of the safeguarding picture.
    "OtherAgency": {
        "agency": G.SAFEGUARDING, "contact_name": G.SAFEGUARDING, "email": G.SAFEGUARDING, "phone": G.SAFEGUARDING,
    },
    "Referral": {
        "reason": G.REFERRAL_REASON,
        "attendance_this_year": G.ATTENDANCE, "attendance_last_year": G.ATTENDANCE,
        "attendance_two_years_ago": G.ATTENDANCE, "attendance_factors": G.ATTENDANCE,
        "school_contacts": G.IDENTITY,
        "transport": G.IDENTITY, "taxi_company": G.IDENTITY, "taxi_phone": G.IDENTITY,
        "transport_carer_name": G.PARENTS, "transport_carer_phone": G.PARENTS, "transport_details": G.IDENTITY,
        "recent_eha": G.SAFEGUARDING, "violence_history": G.SAFEGUARDING, "violence_towards": G.SAFEGUARDING,
        "violence_details": G.SAFEGUARDING, "significant_harm": G.SAFEGUARDING,
        "significant_harm_details": G.SAFEGUARDING, "substance_misuse": G.SAFEGUARDING,
        "risk_assessment_in_place": G.SAFEGUARDING, "significant_events": G.SAFEGUARDING,
        "other_concerns": G.SAFEGUARDING, "family_circumstances": G.SAFEGUARDING,
        "risk_indicators": G.SAFEGUARDING,
        "attending_mainstream": G.EDUCATION, "core_subjects_where": G.EDUCATION, "other_ap": G.EDUCATION,
        "other_ap_details": G.EDUCATION, "subjects": G.EDUCATION,
        "strengths_interests": G.EDUCATION, "parents_aware": G.EDUCATION, "parents_views": G.EDUCATION,
        "pupil_aware": G.EDUCATION, "pupil_views": G.EDUCATION,
        # Behaviour and the strategies that work: what provider staff need to keep the pupil safe.
        "behaviour_history": G.EDUCATION, "attitude": G.EDUCATION, "strategies": G.EDUCATION,
        # The headteacher's decision: school-internal.
        "consulted_pupil": G.REFERRAL_REASON, "consulted_parents": G.REFERRAL_REASON,
        "consulted_teacher": G.REFERRAL_REASON, "consulted_professionals": G.REFERRAL_REASON,
        "professionals_consulted": G.REFERRAL_REASON, "decision_notes": G.REFERRAL_REASON,
        "no_parent_reason": G.PARENTS,
        # Why information went without consent can itself be safeguarding information.
        "share_basis_reason": G.SAFEGUARDING,
    },
    "CommissioningAgreement": {
        "rationale": G.REFERRAL_REASON,
        # "Strengths, barriers and what works": a learning-needs profile.
        "pupil_profile": G.SEN,
        "baseline": G.EDUCATION, "assessment_method": G.EDUCATION, "accreditation_aim": G.EDUCATION,
        "accreditation_level": G.EDUCATION, "careers_plan": G.EDUCATION,
        "personal_social_wellbeing": G.MENTAL_HEALTH,
        "safeguarding_shared": G.SAFEGUARDING,
        # How to report a concern and to whom: everyone working with the pupil must know.
        "safeguarding_reporting": G.IDENTITY, "dsl_details": G.IDENTITY,
        "access_arrangements": G.ACCESS_ARRANGEMENTS,
    },
    "Target": {"target": G.EDUCATION, "support_from_school": G.EDUCATION, "support_from_provider": G.EDUCATION},
    "Placement": {
        "initial_assessment_summary": G.EDUCATION, "final_attainment": G.EDUCATION, "final_progress": G.EDUCATION,
        "final_attendance": G.ATTENDANCE, "final_behaviour": G.EDUCATION, "pupil_view": G.EDUCATION,
        "destination_details": G.EDUCATION,
        "dual_school_name": G.EDUCATION, "dual_school_urn": G.EDUCATION,
    },
}

# Fields that are facts of the placement or bookkeeping, readable by whoever can open the object.
PLACEMENT_FACTS: dict[str, set[str]] = {
    "Pupil": {"id", "school", "created_at", "updated_at"},
    "PupilSensitive": {"id", "pupil", "updated_at"},
    "ParentCarer": {"id", "pupil", "created_at"},
    "OtherAgency": {"id", "pupil", "created_at"},
    "Referral": {"id", "placement", "shared_sections", "submitted_at", "submitted_by", "approved_at",
                 "approved_by", "updated_at", "share_basis"},
    "CommissioningAgreement": {"id", "placement", "version", "change_summary", "created_at", "created_by",
                               "start_date", "planned_end_date", "review_date", "home_school_hours",
                               "school_agreed_at", "school_agreed_by", "provider_agreed_at", "provider_agreed_by",
                               "school_lead", "set_up_visit_on", "next_visit_on", "effective_from"},
    "Target": {"id", "agreement", "order"},
    "Placement": {"id", "school", "pupil", "provider", "state", "registration_code", "created_by", "created_at",
                  "updated_at", "referred_at", "responded_at", "responded_by", "decline_reason",
                  "initial_assessment_due", "initial_assessment_done_on", "agreed_at", "activated_at",
                  "start_date", "planned_end_date", "weekly_hours", "total_weekly_hours", "part_time", "ended_on",
                  "end_reason", "destination", "current_agreement"},
}


def group_of(model_name: str, field: str) -> str | None:
    return FIELD_GROUPS.get(model_name, {}).get(field)

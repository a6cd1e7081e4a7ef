"""The referral's sections: what each contains, which are special category, which the provider gets.

One table drives the check-your-answers page, the school's and the provider's referral pages and
the completeness check before a referral can be sent. The provider's view is built from it and
never reads a field that is not in a section it is given (selectors.referral_view).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from tenancy.visibility import DataGroup

from .models import (
    ContactRole,
    Frequency,
    LookedAfter,
    Referral,
    SenProvision,
    ShareBasis,
)
from .models.choices import RISK_INDICATORS

G = DataGroup


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    special: bool  # special-category data: only roles with VIEW_SPECIAL_CATEGORY, audited
    source: str  # "referral" (a referral step) or "pupil" (the pupil's record)
    always_shared: bool = True  # False: the school chooses whether the provider gets it
    shared_by_default: bool = True


SECTIONS: list[Section] = [
    Section("pupil", "Pupil's details", False, "pupil"),
    Section("reason", "Reason for referral and attendance", False, "referral"),
    Section("contacts", "School contacts", False, "referral"),
    Section("parents", "Parents and carers", False, "pupil"),
    Section("transport", "Transport", False, "referral"),
    Section("welfare", "Looked after, child protection and other agencies", True, "pupil"),
    Section("sen_health", "SEN, disability and health", True, "pupil"),
    Section("safeguarding", "Safeguarding and risk", True, "referral"),
    Section("risk", "Other indicators of risk", True, "referral"),
    Section("academic", "Current academic information", False, "referral", always_shared=False),
    Section("about", "Strengths, interests and views", False, "referral", always_shared=False),
    Section("behaviour", "Behaviour", False, "referral", always_shared=False),
    Section("equality", "Ethnicity and religion", True, "pupil", always_shared=False, shared_by_default=False),
]
SECTION_BY_KEY = {s.key: s for s in SECTIONS}
OPTIONAL_SECTIONS = [s for s in SECTIONS if not s.always_shared]
DEFAULT_SHARED = [s.key for s in OPTIONAL_SECTIONS if s.shared_by_default]

# The question pages of the referral, in order: slug → (title, section key or None).
STEPS: list[tuple[str, str]] = [
    ("reason", "Reason for referral and attendance"),
    ("contacts", "School contacts"),
    ("transport", "Transport"),
    ("safeguarding", "Safeguarding and risk"),
    ("risk", "Other indicators of risk"),
    ("academic", "Current academic information"),
    ("about", "Strengths, interests and views"),
    ("behaviour", "Behaviour"),
    ("sharing", "What to share with the provider"),
]
STEP_SLUGS = [slug for slug, _ in STEPS]
STEP_TITLES = dict(STEPS)
# The section a step fills in, for "Change" links on the check page.
SECTION_STEP = {"reason": "reason", "contacts": "contacts", "transport": "transport",
                "safeguarding": "safeguarding", "risk": "risk", "academic": "academic", "about": "about",
                "behaviour": "behaviour"}


def shared_keys(referral: Referral) -> set[str]:
    """Every section the provider is given for this referral."""
    return {s.key for s in SECTIONS if s.always_shared} | (set(referral.shared_sections) & {s.key for s in OPTIONAL_SECTIONS})


# --- Completeness --------------------------------------------------------------------------

def _answered(*values) -> bool:
    return all(v is not None and v != "" for v in values)


STEP_COMPLETE: dict[str, Callable[[Referral], bool]] = {
    "reason": lambda r: _answered(r.reason.strip(), r.attendance_this_year),
    "contacts": lambda r: all((r.school_contacts.get(role) or {}).get("name") for role in (ContactRole.MAIN, ContactRole.DSL)),
    "transport": lambda r: bool(r.transport),
    "safeguarding": lambda r: _answered(r.recent_eha, r.violence_history, r.significant_harm, r.substance_misuse,
                                        r.risk_assessment_in_place),
    "risk": lambda r: all(r.risk_indicators.get(key) in Frequency.values for key, _ in RISK_INDICATORS),
    "academic": lambda r: _answered(r.attending_mainstream, r.other_ap),
    "about": lambda r: _answered(r.strengths_interests.strip(), r.parents_aware, r.pupil_aware),
    "behaviour": lambda r: bool(r.attitude.strip()),
    # Answered: consent, a refusal, or a lawful basis with its reason (a refusal blocks sending:
    # see send_problems).
    "sharing": lambda r: bool(r.share_basis) and (r.share_basis != ShareBasis.LAWFUL_BASIS
                                                  or bool(r.share_basis_reason.strip())),
}


def step_complete(referral: Referral, slug: str) -> bool:
    return STEP_COMPLETE[slug](referral)


def missing_steps(referral: Referral) -> list[str]:
    """Titles of the question pages still to complete before the referral can be sent."""
    return [title for slug, title in STEPS if not step_complete(referral, slug)]


def sharing_problem(referral: Referral) -> str | None:
    """Why the referral may not go to the provider on the recorded basis for sharing, or None."""
    if referral.share_basis == ShareBasis.REFUSED:
        return ("The parents or carers did not consent to sharing: the referral can only go to the provider "
                "on a lawful basis, recorded with its reason, on the page 'What to share with the provider'")
    return None


def parents_problem(referral: Referral) -> str | None:
    """A referral names at least one parent or carer, or says why there is none."""
    if referral.no_parent_reason.strip() or referral.placement.pupil.parent_carers.exists():
        return None
    return "Add a parent or carer to the pupil's record, or say on 'School contacts' why there is none"


def send_problems(referral: Referral) -> list[str]:
    """Everything that stops the referral going to the headteacher or on to the provider."""
    problems = [f"Complete the referral: {title}" for title in missing_steps(referral)]
    return problems + [p for p in (parents_problem(referral), sharing_problem(referral)) if p]


# --- Rows for display ---------------------------------------------------------------------
# Each row belongs to a data group of the visibility table (tenancy.visibility). A row function
# returns (label, value) pairs in its section's group, or (label, value, group) where a row
# belongs elsewhere; `tagged_rows` turns both into triples, so the selectors can drop the rows a
# reader may not see before any template runs.

SECTION_GROUP: dict[str, str] = {
    "pupil": G.IDENTITY, "reason": G.REFERRAL_REASON, "contacts": G.IDENTITY, "parents": G.PARENTS,
    "transport": G.IDENTITY, "welfare": G.SAFEGUARDING, "sen_health": G.SEN, "safeguarding": G.SAFEGUARDING,
    "risk": G.SAFEGUARDING, "academic": G.EDUCATION, "about": G.EDUCATION, "behaviour": G.EDUCATION,
    "equality": G.EQUALITY,
}


def tagged_rows(key: str, **sources) -> list[tuple[str, str, str]]:
    default = SECTION_GROUP[key]
    return [row if len(row) == 3 else (row[0], row[1], default) for row in ROWS[key](**sources)]


def section_groups(key: str) -> frozenset[str]:
    """Every group a section's rows can belong to (for a provider's ceiling)."""
    return SECTION_ROW_GROUPS.get(key, frozenset({SECTION_GROUP[key]}))


def yes_no(value) -> str:
    return {True: "Yes", False: "No"}.get(value, "Not answered")


def text(value) -> str:
    if value is None or value == "":
        return "Not given"
    if isinstance(value, dt.date):
        return f"{value:%-d %B %Y}"
    return str(value)


def percent(value) -> str:
    return "Not given" if value is None else f"{value}%"


def _rows_pupil(pupil, **_):
    return [
        ("Legal name", pupil.legal_name),
        ("Preferred name", text(pupil.preferred_name)),
        ("Date of birth", text(pupil.date_of_birth)),
        ("Year group", pupil.get_year_group_display()),
        ("Gender", text(pupil.get_gender_display() if pupil.gender else "")),
        ("First language", text(pupil.first_language)),
        ("UPN", pupil.upn),
        ("Address", text(pupil.address)),
        ("Entitled to free school meals", yes_no(pupil.free_school_meals), G.EDUCATION),
        ("Current school", pupil.school.name),
    ]


def _rows_reason(referral, **_):
    return [
        ("Reason for referral", text(referral.reason)),
        ("Attendance this year", percent(referral.attendance_this_year), G.ATTENDANCE),
        ("Attendance last year", percent(referral.attendance_last_year), G.ATTENDANCE),
        ("Attendance two years ago", percent(referral.attendance_two_years_ago), G.ATTENDANCE),
        ("Factors affecting attendance", text(referral.attendance_factors), G.ATTENDANCE),
    ]


def _rows_contacts(referral, **_):
    rows = []
    for role in ContactRole:
        c = referral.school_contacts.get(role.value) or {}
        if c.get("name") or role in (ContactRole.MAIN, ContactRole.DSL):
            details = ", ".join(v for v in (c.get("name"), c.get("position"), c.get("email")) if v)
            rows.append((role.label, details or "Not given"))
    return rows


def _rows_parents(pupil, parents, **_):
    if not parents:
        return [("Parents and carers", "None recorded")]
    rows = []
    for p in parents:
        contact = ", ".join(v for v in (p.phone, p.email) if v)
        lives = "lives with the pupil" if p.lives_with_pupil else "does not live with the pupil"
        rows.append((f"{p.name} ({p.relationship})", f"{contact or 'No contact details'}; {lives}"
                     + (f"; {p.address}" if p.address else "")))
    return rows


def _rows_transport(referral, **_):
    rows = [("Transport", text(referral.get_transport_display() if referral.transport else ""))]
    if referral.transport == "taxi":
        rows += [("Taxi company", text(referral.taxi_company)), ("Taxi contact number", text(referral.taxi_phone))]
    if referral.transport == "parent_carer":
        rows += [("Parent or carer", text(referral.transport_carer_name), G.PARENTS),
                 ("Parent or carer number", text(referral.transport_carer_phone), G.PARENTS)]
    rows.append(("Other details", text(referral.transport_details)))
    return rows


def _rows_welfare(sensitive, agencies, **_):
    s = sensitive
    rows = [
        ("Looked after", s.get_looked_after_display() if s else "Not recorded"),
    ]
    if s and s.looked_after != LookedAfter.NO:
        rows += [("Local authority holding the order", text(s.order_held_by)), ("Date in care", text(s.date_in_care))]
    rows += [
        ("Child protection plan", yes_no(s.child_protection) if s else "Not recorded"),
    ]
    if s and s.child_protection:
        rows.append(("Child protection category", text(s.get_child_protection_category_display())))
    rows += [
        ("Child in need", yes_no(s.child_in_need) if s else "Not recorded"),
        ("Privately fostered", yes_no(s.private_fostering) if s else "Not recorded"),
        ("Youth offending service", yes_no(s.youth_offending_service) if s else "Not recorded"),
    ]
    for a in agencies:
        rows.append((f"Agency: {a.agency}", ", ".join(v for v in (a.contact_name, a.email, a.phone) if v) or "No contact"))
    if not agencies:
        rows.append(("Other agencies", "None recorded"))
    return rows


def _rows_sen_health(sensitive, **_):
    s = sensitive
    if s is None:
        return [("SEN and disability", "Not recorded")]
    return [
        ("SEN provision", s.get_sen_provision_display()),
        ("Special educational needs", text(s.sen_details) if s.sen_provision != SenProvision.NONE else "None"),
        ("Disabled", yes_no(s.disabled) + (f": {s.disability_details}" if s.disabled and s.disability_details else "")),
        ("Access arrangements", text(s.access_arrangements), G.ACCESS_ARRANGEMENTS),
        ("Medical, health or physical needs", text(s.medical_needs), G.MEDICAL),
        ("Prescribed medication", text(s.medication), G.MEDICAL),
        ("Mental health concerns", text(s.mental_health_concerns), G.MENTAL_HEALTH),
        ("Referred to a mental health professional", yes_no(s.mental_health_referral), G.MENTAL_HEALTH),
    ]


def _rows_equality(sensitive, **_):
    s = sensitive
    return [("Ethnic group", text(s.ethnicity) if s else "Not recorded"),
            ("Religion", text(s.religion) if s else "Not recorded")]


def _rows_safeguarding(referral, **_):
    r = referral
    return [
        ("Recent early help assessment", yes_no(r.recent_eha)),
        ("History of violence towards others", yes_no(r.violence_history)
         + (f" – towards {r.violence_towards}" if r.violence_history and r.violence_towards else "")),
        ("Details of violence", text(r.violence_details)),
        ("Significant threat of harm to others or self", yes_no(r.significant_harm)),
        ("Details of threat of harm", text(r.significant_harm_details)),
        ("History of substance misuse", yes_no(r.substance_misuse)),
        ("Up-to-date risk assessment in place", yes_no(r.risk_assessment_in_place)),
        ("Significant events", text(r.significant_events)),
        ("Other concerns", text(r.other_concerns)),
        ("Social or family circumstances", text(r.family_circumstances)),
    ]


def _rows_risk(referral, **_):
    labels = dict(Frequency.choices)
    return [(label, labels.get(referral.risk_indicators.get(key), "Not answered")) for key, label in RISK_INDICATORS]


def _rows_academic(referral, **_):
    r = referral
    rows = [
        ("Attending mainstream lessons", yes_no(r.attending_mainstream)),
        ("Where core subjects are taught", text(r.core_subjects_where)),
        ("Other alternative provision", yes_no(r.other_ap) + (f": {r.other_ap_details}" if r.other_ap and r.other_ap_details else "")),
    ]
    for row in r.subjects:
        if not row.get("subject"):
            continue
        parts = [f"{k}: {row[v]}" for k, v in (("Course", "specification"), ("Delivered by", "delivered_by"),
                                               ("Target", "target_grade"), ("Current", "current_grade")) if row.get(v)]
        rows.append((row["subject"], "; ".join(parts) or "No details"))
    return rows


def _rows_about(referral, **_):
    r = referral
    return [
        ("Strengths and interests", text(r.strengths_interests)),
        ("Parents or carers aware of the referral", yes_no(r.parents_aware)),
        ("Parents' or carers' views", text(r.parents_views)),
        ("Pupil aware of the referral", yes_no(r.pupil_aware)),
        ("Pupil's views", text(r.pupil_views)),
    ]


def _rows_behaviour(referral, **_):
    r = referral
    return [
        ("Behaviour concerns", text(r.behaviour_history)),
        ("Attitude to work, staff and peers", text(r.attitude)),
        ("Strategies that work", text(r.strategies)),
    ]


ROWS: dict[str, Callable[..., list[tuple[str, str]]]] = {
    "pupil": _rows_pupil, "reason": _rows_reason, "contacts": _rows_contacts, "parents": _rows_parents,
    "transport": _rows_transport, "welfare": _rows_welfare, "sen_health": _rows_sen_health,
    "safeguarding": _rows_safeguarding, "risk": _rows_risk, "academic": _rows_academic, "about": _rows_about,
    "behaviour": _rows_behaviour, "equality": _rows_equality,
}

SECTION_ROW_GROUPS: dict[str, frozenset[str]] = {
    "pupil": frozenset({G.IDENTITY, G.EDUCATION}),
    "reason": frozenset({G.REFERRAL_REASON, G.ATTENDANCE}),
    "transport": frozenset({G.IDENTITY, G.PARENTS}),
    "sen_health": frozenset({G.SEN, G.ACCESS_ARRANGEMENTS, G.MEDICAL, G.MENTAL_HEALTH}),
}

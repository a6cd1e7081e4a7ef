"""Need to know: which groups of pupil data each role may read — the one visibility table.

The scoping layer (tenancy.scoping) decides *which organisation's* rows a member can reach; the
role table (tenancy.roles) decides what a member may *do*; this table decides, inside what the
organisation can reach, *which pupil information* each role reads. Selectors take the
membership and return only what this table allows, so pages, PDFs, CSVs and the API show the
same thing and no template or view decides. The README prints this table (a test keeps them in
step), and the content tests in tests/visibility/ derive what each role must and must not see
from it.

Three levels:
* FULL — the role reads the data.
* HELD — the role is told only that information is held and by whom (the DSL), never what it is.
* NONE — nothing is shown, not even that it exists.

For a provider the table is a ceiling: a provider member reads a group only if the school shared
the referral section it comes from, while the placement is live (see `provider_ceiling`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

from .roles import ROLE_KINDS, OrganisationKind, Role

R = Role


class DataGroup(models.TextChoices):
    IDENTITY = "identity", "Identity and contacts"
    PARENTS = "parents", "Parent and carer details"
    EDUCATION = "education", "Education, attainment, behaviour and targets"
    ATTENDANCE = "attendance", "Attendance"
    ACCESS_ARRANGEMENTS = "access_arrangements", "Exam access arrangements"
    REFERRAL_REASON = "referral_reason", "Reason for referral"
    SEN = "sen", "SEN, EHCP, disability and learning needs"
    MEDICAL = "medical", "Medical and health needs (medication, allergies)"
    SAFEGUARDING = "safeguarding", "Safeguarding status and risk assessment"
    MENTAL_HEALTH = "mental_health", "Mental health"
    EQUALITY = "equality", "Ethnicity and religion"
    COSTS = "costs", "Costs and invoices"


G = DataGroup

# Special-category data (UK GDPR art. 9 and criminal-offence data): every read is audited.
SPECIAL_CATEGORY = frozenset({G.SEN, G.MEDICAL, G.SAFEGUARDING, G.MENTAL_HEALTH, G.EQUALITY})


class Access(models.TextChoices):
    FULL = "full", "Sees"
    HELD = "held", "Told the DSL holds it"
    NONE = "none", "No"


@dataclass(frozen=True)
class Column:
    full: frozenset[str]
    held: frozenset[str]
    why: str  # the one-line reason for this role's column


def _col(full, held=(), *, why: str) -> Column:
    return Column(frozenset(full), frozenset(held), why)


_PUPIL_ALL = frozenset(set(G) - {G.COSTS})

VISIBILITY: dict[str, Column] = {
    # --- Schools (they hold legal responsibility for the pupil)
    R.HEADTEACHER: _col(set(G), why="Accountable for every placement: reads everything, costs included."),
    R.AP_LEAD: _col(set(G), why="Commissions and runs the placement: reads everything, costs included (drafts the SLA)."),
    R.DSL: _col(_PUPIL_ALL, why="Safeguarding lead: every pupil group; costs are not needed for safeguarding."),
    R.SENCO: _col(_PUPIL_ALL, why="SEN lead: every pupil group (needs and risks shape provision); no costs."),
    R.PASTORAL: _col(
        {G.IDENTITY, G.PARENTS, G.EDUCATION, G.ATTENDANCE, G.ACCESS_ARRANGEMENTS, G.REFERRAL_REASON, G.SEN,
         G.MEDICAL, G.MENTAL_HEALTH},
        {G.SAFEGUARDING},
        why="Supports the pupil day to day: needs, health and wellbeing; safeguarding status stays with the DSL."),
    R.ATTENDANCE_OFFICER: _col({G.IDENTITY, G.PARENTS, G.ATTENDANCE},
                               why="Follows attendance: who the pupil is, whom to contact, and attendance."),
    R.EXAMS_OFFICER: _col({G.IDENTITY, G.EDUCATION, G.ACCESS_ARRANGEMENTS},
                          why="Enters exams: identity, courses and grades, and exam access arrangements."),
    R.FINANCE: _col({G.IDENTITY, G.COSTS}, why="Pays for placements: costs, and the pupil's name to match invoice lines."),
    # --- Providers (a ceiling: only what the school shared, while the placement is live)
    R.PROVIDER_DSL: _col(_PUPIL_ALL, why="Provider's safeguarding lead: every section the school shared; no costs."),
    R.PROVIDER_MANAGER: _col(
        {G.IDENTITY, G.PARENTS, G.EDUCATION, G.ATTENDANCE, G.ACCESS_ARRANGEMENTS, G.SEN, G.MEDICAL, G.COSTS},
        {G.SAFEGUARDING, G.MENTAL_HEALTH, G.REFERRAL_REASON},
        why="Runs the provision and invoices: what keeps the pupil safe and taught, and costs; the rest is held by the DSL."),
    R.PROVIDER_STAFF: _col(
        {G.IDENTITY, G.PARENTS, G.EDUCATION, G.ATTENDANCE, G.ACCESS_ARRANGEMENTS, G.SEN, G.MEDICAL},
        {G.SAFEGUARDING, G.MENTAL_HEALTH, G.REFERRAL_REASON},
        why="Teaches the pupil: learning needs, medical needs, contacts and strategies; the rest is held by the DSL."),
    # --- Local authorities and trusts: placement facts and figures, no special-category detail
    R.QA_OFFICER: _col({G.IDENTITY, G.ATTENDANCE}, why="Oversees children in AP in the area: who, where, attendance."),
    R.AP_OFFICER: _col({G.IDENTITY, G.ATTENDANCE}, why="Oversees children in AP in the area: who, where, attendance."),
    R.TRUST_EXECUTIVE: _col({G.IDENTITY, G.ATTENDANCE}, why="Oversees the trust's schools' placements: who, where, attendance."),
    # --- Every kind
    R.ORG_ADMIN: _col((), why="Runs accounts, not pupils: no pupil data unless the person holds another role."),
}

# What a provider keeps reading once its part is over (declined: only a reference, see selectors;
# ended or withdrawn: its own records of who the pupil was and how they did, no special category).
PROVIDER_AFTER_END = frozenset({G.IDENTITY, G.EDUCATION, G.ATTENDANCE})


def access(role: str, group: str) -> str:
    column = VISIBILITY.get(role)
    if column is None:
        return Access.NONE
    if group in column.full:
        return Access.FULL
    if group in column.held:
        return Access.HELD
    return Access.NONE


def can_read(role: str, group: str) -> bool:
    return access(role, group) == Access.FULL


def readable_groups(role: str) -> frozenset[str]:
    column = VISIBILITY.get(role)
    return column.full if column else frozenset()


def held_groups(role: str) -> frozenset[str]:
    column = VISIBILITY.get(role)
    return column.held if column else frozenset()


@dataclass(frozen=True)
class Reader:
    """What one member may read about one pupil/placement: the table cut down by the relationship.

    Built only by `reader_for` (and the selectors that call it); pages get it from the selectors.
    """

    full: frozenset[str]
    held: frozenset[str]

    def can(self, group: str) -> bool:
        return group in self.full

    def is_held(self, group: str) -> bool:
        return group in self.held and group not in self.full

    @property
    def sees_special(self) -> bool:
        return bool(self.full & SPECIAL_CATEGORY)


NOBODY = Reader(frozenset(), frozenset())


def reader_for(membership, *, ceiling: frozenset[str] | None = None) -> Reader:
    """The groups `membership` reads, optionally capped by a relationship ceiling (a provider's
    shared sections and placement state). Held groups are capped the same way, so a provider is
    never told about data the school did not share."""
    if membership is None:
        return NOBODY
    full, held = readable_groups(membership.role), held_groups(membership.role)
    if ceiling is not None:
        full, held = full & ceiling, held & ceiling
    return Reader(frozenset(full), frozenset(held))


def visibility_table_markdown() -> str:
    """The table printed in README.md (a test keeps the README in step with this module)."""
    kinds = [OrganisationKind.SCHOOL, OrganisationKind.PROVIDER, OrganisationKind.LOCAL_AUTHORITY,
             OrganisationKind.TRUST]
    roles = [r for k in kinds for r in Role if r in ROLE_KINDS[k] and r != R.ORG_ADMIN] + [R.ORG_ADMIN]
    mark = {Access.FULL: "✔", Access.HELD: "held", Access.NONE: "–"}
    rows = ["| Data group | " + " | ".join(Role(r).label for r in roles) + " |",
            "|---|" + "---|" * len(roles)]
    for group in G:
        special = " (special category)" if group in SPECIAL_CATEGORY else ""
        rows.append(f"| {group.label}{special} | " + " | ".join(mark[access(r, group)] for r in roles) + " |")
    rows += ["", "✔ reads it; held: told only that the DSL holds information; – nothing shown. "
             "A provider reads only the referral sections the school shared, while the placement is live.",
             "", "| Role | Why |", "|---|---|"]
    rows += [f"| {Role(r).label} | {VISIBILITY[r].why} |" for r in roles]
    return "\n".join(rows)

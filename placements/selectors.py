"""Reads for pupils and placements. Each runs inside the caller's scope (tenancy.scoping)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q

from tenancy.roles import OrganisationKind as K
from tenancy.selectors import count_by
from tenancy.visibility import (
    NOBODY,
    PROVIDER_AFTER_END,
    SPECIAL_CATEGORY,
    DataGroup,
    Reader,
    reader_for,
)

from . import rules
from .models import (
    IN_AP_STATES,
    CommissioningAgreement,
    OtherAgency,
    ParentCarer,
    Placement,
    PlacementEvent,
    Pupil,
    PupilSensitive,
    Referral,
    State,
)
from .referral_sections import SECTIONS, section_groups, shared_keys, tagged_rows

# States whose hours count towards the pupil's week and the provider's registration test.
COMMITTED_STATES = (State.AGREED, *IN_AP_STATES)


# --- Pupils -------------------------------------------------------------------------------

def pupil_list():
    return Pupil.objects.select_related("school")


def pupils_by_year_group() -> list[dict]:
    return count_by(Pupil.objects.all(), "year_group")


def pupils_by_school() -> list[dict]:
    return count_by(Pupil.objects.all(), "school__name")


def pupil_sensitive(pupil: Pupil) -> PupilSensitive | None:
    return PupilSensitive.objects.filter(pupil=pupil).first()


def pupil_parents(pupil: Pupil) -> list[ParentCarer]:
    return list(ParentCarer.objects.filter(pupil=pupil))


def pupil_agencies(pupil: Pupil) -> list[OtherAgency]:
    return list(OtherAgency.objects.filter(pupil=pupil))


# --- Placements ---------------------------------------------------------------------------

def school_staff(school):
    """The school's active members, for "who is responsible" choices (through the scoped Membership)."""
    from django.contrib.auth import get_user_model

    from tenancy.models import Membership

    members = Membership.objects.filter(organisation=school, is_active=True).values("user_id")
    return get_user_model().objects.filter(pk__in=members).order_by("full_name", "email")


def placement_list():
    """Placements the organisation sees, with what the list shows: one query (with whether a draft
    has gone to the headteacher, for its status)."""
    submitted = Referral.objects.filter(placement=OuterRef("pk"), submitted_at__isnull=False)
    return (Placement.objects.select_related("pupil", "school", "provider")
            .annotate(referral_submitted=Exists(submitted)).order_by("-updated_at", "-pk"))


def placement_status(placement: Placement) -> str:
    """The status label (rules.status_label), reading the referral only for a draft not listed
    through placement_list (which annotates it)."""
    submitted = getattr(placement, "referral_submitted", None)
    if submitted is None and placement.state == State.DRAFT:
        submitted = Referral.objects.filter(placement=placement, submitted_at__isnull=False).exists()
    return rules.status_label(placement.state, submitted=bool(submitted))


def placement_get(pk: int) -> Placement:
    return Placement.objects.select_related("pupil", "pupil__school", "school", "provider").get(pk=pk)


def placements_for_pupil(pupil: Pupil):
    return Placement.objects.filter(pupil=pupil).select_related("provider").order_by("-created_at")


def awaiting_decision():
    return Placement.objects.filter(state=State.DRAFT, referral__submitted_at__isnull=False)


def awaiting_provider():
    return Placement.objects.filter(state=State.REFERRED)


@dataclass
class TimelineEntry:
    at: dt.datetime
    summary: str
    who: str


# What happened, in the past tense, for each transition (its label is the button: "Accept the
# referral"). Stored summaries are left as they are; the timeline says what was done.
TIMELINE_PAST_TENSE = {
    "refer": "Referral sent to the provider",
    "accept": "Referral accepted",
    "decline": "Referral declined",
    "agree": "Placement agreed",
    "start": "Placement started",
    "emergency_review": "Emergency review called",
    "suspend": "Placement suspended",
    "resume": "Placement resumed",
    "end": "Placement ended",
}


def timeline_summary(event: PlacementEvent) -> str:
    """The event's summary for the timeline: a transition in the past tense, with its note."""
    past = TIMELINE_PAST_TENSE.get(event.transition or "")
    if past is None:
        return event.summary
    from .lifecycle import Transition

    label = Transition(event.transition).label
    note = event.summary[len(label):] if event.summary.startswith(label) else ""
    return past + note


def timeline(placement: Placement, membership=None) -> list[TimelineEntry]:
    """The placement's events the organisation may see (the scoping layer keeps school-internal
    events to the school). People are named only to their own organisation; others see which
    organisation acted."""
    own = membership.organisation_id if membership is not None else None
    entries = []
    for e in PlacementEvent.objects.filter(placement=placement).select_related("by", "by_organisation"):
        org_name = e.by_organisation.name if e.by_organisation else ""
        if e.by is not None and e.by_organisation_id == own:
            person = getattr(e.by, "full_name", "") or e.by.email
            who = f"{person}, {org_name}" if org_name else person
        else:
            who = org_name
        entries.append(TimelineEntry(e.at, timeline_summary(e), who))
    return entries


def school_contacts(placement: Placement, reader: Reader) -> list[tuple[str, str]]:
    """The school's named contacts from the referral (identity and contacts group)."""
    if not reader.can(DataGroup.IDENTITY):
        return []
    referral = Referral.objects.filter(placement=placement).only("school_contacts").first()
    if referral is None:
        return []
    return [(label, value) for label, value, group in tagged_rows("contacts", referral=referral) if reader.can(group)]


# --- What a member may read about a placement (tenancy.visibility) -------------------------

# States in which a provider is working with the pupil and reads what the school shared.
PROVIDER_LIVE_STATES = (State.REFERRED, State.ACCEPTED, State.AGREED, *IN_AP_STATES)


def placement_reader(placement: Placement, membership) -> Reader:
    """The data groups `membership` reads about this placement's pupil.

    The visibility table is the ceiling for every kind; a provider reads less: nothing while the
    referral is a draft or after it declined (a reference only), the sections the school shared
    while it works with the pupil, and after the placement ended its own records only.
    """
    organisation = membership.organisation if membership is not None else None
    if organisation is None:
        return NOBODY
    if organisation.kind == K.PROVIDER:
        if placement.state in PROVIDER_LIVE_STATES:
            ceiling = provider_shared_groups(placement)
        elif placement.state == State.ENDED:
            ceiling = provider_shared_groups(placement) & PROVIDER_AFTER_END
        else:
            return NOBODY
        return reader_for(membership, ceiling=ceiling)
    if organisation.kind == K.SCHOOL and placement.school_id != organisation.pk:
        return NOBODY
    return reader_for(membership)


def pupil_reader(pupil: Pupil, membership) -> Reader:
    """The groups `membership` reads on the pupil's own record (school, trust and LA pages).

    A provider reads a pupil only through a placement (placement_reader)."""
    organisation = membership.organisation if membership is not None else None
    if organisation is None or organisation.kind == K.PROVIDER:
        return NOBODY
    if organisation.kind == K.SCHOOL and pupil.school_id != organisation.pk:
        return NOBODY
    return reader_for(membership)


def provider_shared_groups(placement: Placement) -> frozenset[str]:
    referral = Referral.objects.filter(placement=placement).only("shared_sections").first()
    keys = shared_keys(referral) if referral is not None else {s.key for s in SECTIONS if s.always_shared}
    groups: set[str] = set()
    for key in keys:
        groups |= section_groups(key)
    # The commissioning agreement (targets, aims, access arrangements) is written for the provider.
    return frozenset(groups | {DataGroup.EDUCATION, DataGroup.ACCESS_ARRANGEMENTS, DataGroup.COSTS})


@dataclass
class PupilLabel:
    """How a placement names its pupil for this reader: the name, or a reference only."""

    text: str  # "Jayden Clarke", or "Referral P-12"
    sort_name: str  # "Clarke, Jayden" for lists
    year_group: str = ""
    reference_only: bool = False


def pupil_label(placement: Placement, reader: Reader) -> PupilLabel:
    if reader.can(DataGroup.IDENTITY):
        pupil = placement.pupil
        return PupilLabel(f"{pupil.first_name} {pupil.last_name}", f"{pupil.last_name}, {pupil.first_name}",
                          pupil.get_year_group_display())
    reference = f"Referral P-{placement.pk}"
    return PupilLabel(reference, reference, reference_only=True)


def list_label(placement: Placement, membership) -> PupilLabel:
    """pupil_label for list rows, with no query per row: identity is in the referral's "pupil"
    section, which a provider is always given while it works with the pupil."""
    org = membership.organisation
    if org.kind == K.PROVIDER and placement.state not in (*PROVIDER_LIVE_STATES, State.ENDED):
        return pupil_label(placement, NOBODY)
    return pupil_label(placement, reader_for(membership))


@dataclass
class PlacementDetails:
    """The placement's own records (assessment, end of placement) the reader may read."""

    assessment_summary: str
    destination_details: str
    end_report: list[tuple[str, str]]
    dual_school: str = ""  # code D: the other school the pupil is registered at


END_REPORT = [("Attainment", "final_attainment", DataGroup.EDUCATION),
              ("Progress against targets", "final_progress", DataGroup.EDUCATION),
              ("Attendance", "final_attendance", DataGroup.ATTENDANCE),
              ("Change in behaviour", "final_behaviour", DataGroup.EDUCATION),
              ("The pupil's view of the placement", "pupil_view", DataGroup.EDUCATION)]


def placement_details(placement: Placement, reader: Reader) -> PlacementDetails:
    education = reader.can(DataGroup.EDUCATION)
    return PlacementDetails(
        assessment_summary=placement.initial_assessment_summary if education else "",
        destination_details=placement.destination_details if education else "",
        end_report=[(label, getattr(placement, name)) for label, name, group in END_REPORT
                    if reader.can(group) and getattr(placement, name)],
        dual_school=(f"{placement.dual_school_name} (URN {placement.dual_school_urn})"
                     if education and placement.dual_school_name else ""),
    )


# --- The pupil's own record as a reader sees it -------------------------------------------

@dataclass
class PupilView:
    details: list[tuple[str, str]]
    parents: list[ParentCarer] | None  # None: the reader may not see parents and carers
    special: list[tuple[str, str]]  # safeguarding, SEN, health and equality rows the reader may see
    agencies: list[OtherAgency] | None
    held: list[str]
    special_readable: bool  # the reader may read some special-category group (so may see the card)

    @property
    def shows_special(self) -> bool:
        return bool(self.special) or self.agencies is not None


def pupil_view(pupil: Pupil, *, membership) -> PupilView:
    reader = pupil_reader(pupil, membership)
    details = [(label, value) for label, value, group in tagged_rows("pupil", pupil=pupil) if reader.can(group)]
    special_keys = ("welfare", "sen_health", "equality")
    wants_special = any(section_groups(k) & reader.full for k in special_keys)
    sensitive = pupil_sensitive(pupil) if wants_special else None
    special, held = [], []
    for key in special_keys:
        if not section_groups(key) & reader.full:
            held += [g for g in sorted(section_groups(key)) if reader.is_held(g) and g not in held]
            continue
        if sensitive is None:
            continue
        for label, value, group in tagged_rows(key, pupil=pupil, sensitive=sensitive, agencies=[], parents=[],
                                               referral=None):
            if label.startswith("Agency") or label == "Other agencies":
                continue
            if reader.can(group):
                special.append((label, value))
            elif reader.is_held(group) and group not in held:
                held.append(group)
    return PupilView(
        details=details,
        parents=pupil_parents(pupil) if reader.can(DataGroup.PARENTS) else None,
        special=special,
        agencies=pupil_agencies(pupil) if reader.can(DataGroup.SAFEGUARDING) else None,
        held=held,
        special_readable=wants_special,
    )


# --- The referral as a reader sees it -----------------------------------------------------

@dataclass
class SectionView:
    key: str
    title: str
    special: bool
    rows: list[tuple[str, str]] = field(default_factory=list)
    held: list[str] = field(default_factory=list)  # groups the reader is told exist, held by the DSL
    withheld: bool = False  # nothing in the section is for this reader


@dataclass
class ReferralView:
    sections: list[SectionView]
    shows_special: bool  # at least one special-category row is on the page (audit it)


def referral_view(placement: Placement, *, membership) -> ReferralView:
    """The referral as `membership` may read it (the visibility table, cut down for a provider to
    the sections the school shared). Rows of groups the reader may not see are dropped here, so
    no template decides; a section's sources are read only if one of its rows will be shown."""
    reader = placement_reader(placement, membership)
    referral = placement.referral
    pupil = placement.pupil
    if membership.organisation.kind == K.SCHOOL:
        keys = [s.key for s in SECTIONS]
    elif membership.organisation.kind == K.PROVIDER:
        shared = shared_keys(referral)
        keys = [s.key for s in SECTIONS if s.key in shared]
    else:
        keys = []
    readable = {key for key in keys if section_groups(key) & reader.full}
    sensitive = pupil_sensitive(pupil) if readable & {"welfare", "sen_health", "equality"} else None
    parents = pupil_parents(pupil) if "parents" in readable else []
    agencies = pupil_agencies(pupil) if "welfare" in readable else []
    sections, shows_special = [], False
    for s in SECTIONS:
        if s.key not in keys:
            continue
        view = SectionView(s.key, s.title, s.special)
        if s.key in readable:
            for label, value, group in tagged_rows(s.key, referral=referral, pupil=pupil, sensitive=sensitive,
                                                   parents=parents, agencies=agencies):
                if reader.can(group):
                    view.rows.append((label, value))
                    shows_special = shows_special or group in SPECIAL_CATEGORY
                elif reader.is_held(group) and group not in view.held:
                    view.held.append(group)
        else:
            view.held = sorted(g for g in section_groups(s.key) if reader.is_held(g))
        view.withheld = not view.rows and not view.held
        if view.rows or view.held:
            sections.append(view)
    return ReferralView(sections, shows_special)


# --- Agreements ---------------------------------------------------------------------------

def _agreement_qs():
    return CommissioningAgreement.objects.prefetch_related("targets", "sessions").select_related(
        "school_agreed_by", "provider_agreed_by")


def _versions_for(placement: Placement, membership):
    """Agreement versions the member's organisation may read: a provider only sees a version once
    the school has agreed it (a school's unagreed draft is its own working copy)."""
    qs = CommissioningAgreement.objects.filter(placement=placement)
    if membership is not None and membership.organisation.kind == K.PROVIDER:
        qs = qs.filter(school_agreed_at__isnull=False)
    return qs


def latest_agreement(placement: Placement, membership=None) -> CommissioningAgreement | None:
    qs = _agreement_qs().filter(pk__in=_versions_for(placement, membership).values("pk"))
    return qs.order_by("-version").first()


def current_agreement(placement: Placement) -> CommissioningAgreement | None:
    """The latest version both sides agreed (what the placement runs on): the placement's stored
    pointer (set by services.agreement_agree), read through the scope."""
    if placement.current_agreement_id is None:
        return None
    return _agreement_qs().filter(pk=placement.current_agreement_id).first()


def agreement_to_edit(placement: Placement) -> CommissioningAgreement:
    """What an edit form starts from, without writing: the unagreed latest version, or an unsaved
    next version copied from the agreed one (services.agreement_draft saves it on the first POST)."""
    from .services import COPIED_FIELDS

    latest = CommissioningAgreement.objects.filter(placement=placement).order_by("-version").first()
    if latest is not None and not latest.is_agreed:
        return latest
    if latest is None:
        return CommissioningAgreement(placement=placement, version=1)
    return CommissioningAgreement(placement=placement, version=latest.version + 1,
                                  **{f: getattr(latest, f) for f in COPIED_FIELDS})


def agreement_history(placement: Placement, membership=None):
    return _versions_for(placement, membership).select_related(
        "school_agreed_by", "provider_agreed_by", "created_by").order_by("-version")


# The agreement's aims and arrangements: (label, field, group), in page order.
AGREEMENT_AIMS: list[tuple[str, str, str]] = [
    ("Rationale", "rationale", DataGroup.REFERRAL_REASON),
    ("Pupil profile", "pupil_profile", DataGroup.SEN),
    ("Baseline", "baseline", DataGroup.EDUCATION),
    ("How progress is assessed", "assessment_method", DataGroup.EDUCATION),
    ("Accreditation aim", "accreditation", DataGroup.EDUCATION),
    ("Personal, social and wellbeing", "personal_social_wellbeing", DataGroup.MENTAL_HEALTH),
    ("Safeguarding information shared", "safeguarding_shared", DataGroup.SAFEGUARDING),
    ("How concerns are reported", "safeguarding_reporting", DataGroup.IDENTITY),
    ("School DSL", "dsl_details", DataGroup.IDENTITY),
    ("Careers and post-16 plan", "careers_plan", DataGroup.EDUCATION),
    ("Access arrangements", "access_arrangements", DataGroup.ACCESS_ARRANGEMENTS),
]


@dataclass
class AgreementView:
    aims: list[tuple[str, str]]
    held: list[str]
    targets: list  # empty when the reader may not see targets
    shows_targets: bool
    shows_special: bool


def agreement_view(agreement: CommissioningAgreement, reader: Reader) -> AgreementView:
    """The agreement's aims, arrangements and targets as the reader may read them."""
    aims, held, special = [], [], False
    for label, name, group in AGREEMENT_AIMS:
        if reader.can(group):
            if name == "accreditation":
                value = agreement.accreditation_aim or ""
                if value and agreement.accreditation_level:
                    value += f", level {agreement.accreditation_level}"
            else:
                value = getattr(agreement, name)
            aims.append((label, value or "Not given"))
            special = special or group in SPECIAL_CATEGORY
        elif reader.is_held(group) and group not in held:
            held.append(group)
    shows_targets = reader.can(DataGroup.EDUCATION)
    return AgreementView(aims, held, list(agreement.targets.all()) if shows_targets else [], shows_targets, special)


def other_placement_hours(placement: Placement) -> Decimal:
    """Hours a week of the pupil's other agreed or running placements (any provider): a total read
    across tenants (placements.cross_tenant), never which other providers they are."""
    from .cross_tenant import other_placement_hours as total

    return total(pupil_id=placement.pupil_id, exclude_placement_id=placement.pk)


def full_time_for(placement: Placement, agreement: CommissioningAgreement) -> rules.FullTimeCheck:
    return rules.full_time_check(
        year_group=placement.pupil.year_group, school_hours=agreement.home_school_hours,
        placement_hours=rules.weekly_hours(agreement.sessions.all()),
        other_placement_hours=other_placement_hours(placement),
    )


def registration_for(placement: Placement, agreement: CommissioningAgreement, *, on: dt.date):
    """The directory's registration test for the provider if this agreement goes ahead (the same
    figures the directory shows; counted across schools by placements.cross_tenant)."""
    from . import provider_checks

    return provider_checks.registration_check(provider=placement.provider, on=on, placement_id=placement.pk,
                                              pupil_id=placement.pupil_id,
                                              weekly_hours=rules.weekly_hours(agreement.sessions.all()))


def agreement_problems(*, placement: Placement, agreement: CommissioningAgreement, on: dt.date) -> list[str]:
    """What stops this agreement version being agreed (blocking errors)."""
    problems = []
    if not agreement.sessions.all():
        problems.append("Add the timetable: at least one session at the provider")
    if agreement.start_date is None:
        problems.append("Enter the start date")
    if not agreement.targets.all():
        problems.append("Add at least one target")
    if agreement.school_lead_id is None:
        problems.append("Name the school staff member responsible for the placement")
    if agreement.next_visit_on is None:
        problems.append("Enter the date of the school's next visit to the pupil at the provider")
    problems += rules.effective_from_problems(
        version=agreement.version, effective_from=agreement.effective_from, on=on,
        previous_from=_previous_effective_from(placement, agreement))
    if agreement.sessions.all():
        check = registration_for(placement, agreement, on=on)
        if check.blocking:
            # In general terms only: the provider's other pupils belong to other schools, so nothing
            # about them (how many, looked after, EHC plans) leaves the rule.
            problems.append(
                f"{placement.provider.name} is not registered as a school, and with this placement it would have "
                "to be: the law requires registration when a provider educates pupils full time beyond the "
                "limits for unregistered provision. Reduce the hours or choose another provider."
            )
    return problems


def _previous_effective_from(placement: Placement, agreement: CommissioningAgreement) -> dt.date | None:
    """The date the version before `agreement` took effect (the current one, when it is older)."""
    if agreement.version <= 1 or placement.current_agreement_id in (None, agreement.pk):
        return None
    return (CommissioningAgreement.objects.filter(pk=placement.current_agreement_id)
            .values_list("effective_from", flat=True).first())


def schools_commissioning(*, provider):
    """Schools with an agreed or running placement at `provider` (to tell them about the provider's
    expired documents): school organisations only, from ids read by placements.cross_tenant."""
    from tenancy.models import Organisation

    from .cross_tenant import commissioning_school_ids

    return Organisation.objects.filter(pk__in=commissioning_school_ids(provider=provider), is_active=True).order_by("name")


# --- Dashboards ---------------------------------------------------------------------------

def placement_counts(*, on: dt.date) -> dict:
    """Counts for dashboards, in one query (scoped to the organisation)."""
    return Placement.objects.aggregate(
        in_ap=Count("pk", filter=Q(state__in=IN_AP_STATES)),
        awaiting_decision=Count("pk", filter=Q(state=State.DRAFT, referral__submitted_at__isnull=False)),
        awaiting_provider=Count("pk", filter=Q(state=State.REFERRED)),
        part_time=Count("pk", filter=Q(state__in=IN_AP_STATES, part_time=True)),
        assessment_overdue=Count("pk", filter=Q(state=State.ACCEPTED, initial_assessment_done_on__isnull=True,
                                                initial_assessment_due__lt=on)),
        year11_no_destination=Count("pk", filter=Q(pupil__year_group=11, destination="",
                                                   state__in=(*IN_AP_STATES, State.ENDED))),
    )


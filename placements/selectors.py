"""Reads for pupils and placements. Each runs inside the caller's scope (tenancy.scoping)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Q, Sum

from tenancy.roles import OrganisationKind as K
from tenancy.scoping import scopes_disabled
from tenancy.selectors import count_by

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
    State,
)
from .referral_sections import ROWS, SECTIONS, shared_keys

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

def placement_list():
    """Placements the organisation sees, with what the list shows: one query."""
    return Placement.objects.select_related("pupil", "school", "provider").order_by("-updated_at", "-pk")


def placement_get(pk: int) -> Placement:
    return Placement.objects.select_related("pupil", "pupil__school", "school", "provider").get(pk=pk)


def placements_for_pupil(pupil: Pupil):
    return Placement.objects.filter(pupil=pupil).select_related("provider").order_by("-created_at")


def awaiting_decision():
    return Placement.objects.filter(state=State.DRAFT, referral__submitted_at__isnull=False)


def awaiting_provider():
    return Placement.objects.filter(state=State.REFERRED)


def timeline(placement: Placement):
    return PlacementEvent.objects.filter(placement=placement).select_related("by", "by_organisation")


def area_children():
    """The LA's list of every child in AP in its area: no special-category field is read."""
    return (
        Placement.objects.filter(state__in=IN_AP_STATES)
        .select_related("pupil", "school", "provider")
        .only("state", "registration_code", "start_date", "planned_end_date", "weekly_hours", "total_weekly_hours",
              "part_time", "activated_at",
              "pupil__first_name", "pupil__last_name", "pupil__date_of_birth", "pupil__year_group",
              "pupil__upn", "school__name", "school__slug", "provider__name", "provider__slug")
        # Whether the provider is a registered independent school (public, from its own profile).
        .annotate(provider_registration=F("provider__provider_profile__registration_status"))
        .order_by("school__name", "pupil__last_name", "pupil__first_name", "pk")
    )


# --- The referral as a reader sees it -----------------------------------------------------

@dataclass
class SectionView:
    key: str
    title: str
    special: bool
    rows: list[tuple[str, str]] = field(default_factory=list)
    withheld: bool = False  # special category and the reader's role may not see it


@dataclass
class ReferralView:
    sections: list[SectionView]
    shows_special: bool  # at least one special-category section is on the page (audit it)


def referral_view(placement: Placement, *, organisation, can_special: bool) -> ReferralView:
    """The referral as `organisation` may read it.

    The school reads every section; a provider only the sections the referral shares. A
    special-category section is filled in only for a role with VIEW_SPECIAL_CATEGORY; for anyone
    else it is listed as withheld and its data is never read.
    """
    referral = placement.referral
    pupil = placement.pupil
    if organisation.kind == K.SCHOOL:
        keys = [s.key for s in SECTIONS]
    elif organisation.kind == K.PROVIDER:
        shared = shared_keys(referral)
        keys = [s.key for s in SECTIONS if s.key in shared]
    else:
        keys = []
    sections, shows_special = [], False
    needed = {s.key for s in SECTIONS if s.key in keys and (can_special or not s.special)}
    sensitive = pupil_sensitive(pupil) if needed & {"welfare", "sen_health", "equality"} else None
    parents = pupil_parents(pupil) if "parents" in needed else []
    agencies = pupil_agencies(pupil) if "welfare" in needed else []
    for s in SECTIONS:
        if s.key not in keys:
            continue
        view = SectionView(s.key, s.title, s.special)
        if s.special and not can_special:
            view.withheld = True
        else:
            view.rows = ROWS[s.key](referral=referral, pupil=pupil, sensitive=sensitive, parents=parents,
                                     agencies=agencies)
            shows_special = shows_special or s.special
        sections.append(view)
    return ReferralView(sections, shows_special)


# --- Agreements ---------------------------------------------------------------------------

def _agreement_qs():
    return CommissioningAgreement.objects.prefetch_related("targets", "sessions").select_related(
        "school_agreed_by", "provider_agreed_by")


def latest_agreement(placement: Placement) -> CommissioningAgreement | None:
    return _agreement_qs().filter(placement=placement).order_by("-version").first()


def current_agreement(placement: Placement) -> CommissioningAgreement | None:
    """The latest version both sides agreed (what the placement runs on)."""
    return (_agreement_qs().filter(placement=placement, school_agreed_at__isnull=False,
                                   provider_agreed_at__isnull=False).order_by("-version").first())


def agreement_history(placement: Placement):
    return CommissioningAgreement.objects.filter(placement=placement).select_related(
        "school_agreed_by", "provider_agreed_by", "created_by").order_by("-version")


def other_placement_hours(placement: Placement) -> Decimal:
    """Hours a week of the pupil's other agreed or running placements (any provider).

    Read across tenants: a provider sees the total, never which other providers they are.
    """
    with scopes_disabled():
        total = (Placement.objects.filter(pupil_id=placement.pupil_id, state__in=COMMITTED_STATES)
                 .exclude(pk=placement.pk).aggregate(h=Sum("weekly_hours"))["h"])
    return total or Decimal("0")


def full_time_for(placement: Placement, agreement: CommissioningAgreement) -> rules.FullTimeCheck:
    return rules.full_time_check(
        year_group=placement.pupil.year_group, school_hours=agreement.home_school_hours,
        placement_hours=rules.weekly_hours(agreement.sessions.all()),
        other_placement_hours=other_placement_hours(placement),
    )


def registration_loads(*, provider, exclude_placement_id: int | None, on: dt.date) -> list[dict]:
    """The provider's pupils and their hours there, across every school (for the registration test).

    A cross-tenant read by design: the test counts all the provider's pupils. Only the four facts
    the rule needs leave this function.
    """
    with scopes_disabled():
        rows = list(
            Placement.objects.filter(provider=provider, state__in=COMMITTED_STATES)
            .exclude(pk=exclude_placement_id)
            .values("pupil_id", "pupil__date_of_birth", "pupil__sensitive__looked_after",
                    "pupil__sensitive__sen_provision")
            .annotate(hours=Sum("weekly_hours"))
        )
    return [_load(row["hours"], row["pupil__date_of_birth"], row["pupil__sensitive__looked_after"],
                  row["pupil__sensitive__sen_provision"], on=on) for row in rows]


def _load(hours, date_of_birth, looked_after, sen_provision, *, on: dt.date) -> dict:
    return {
        "weekly_hours": Decimal(hours or 0),
        "compulsory_school_age": rules.compulsory_school_age(date_of_birth, on),
        "looked_after": bool(looked_after) and looked_after != "no",
        "has_ehcp": sen_provision == "ehcp",
    }


def registration_for(placement: Placement, agreement: CommissioningAgreement, *, on: dt.date):
    """The directory's registration test for the provider if this agreement goes ahead."""
    from . import provider_checks

    with scopes_disabled():
        sensitive = PupilSensitive.objects.filter(pupil_id=placement.pupil_id).values(
            "looked_after", "sen_provision").first() or {}
        pupil = Pupil.objects.values("date_of_birth").get(pk=placement.pupil_id)
    this = _load(rules.weekly_hours(agreement.sessions.all()), pupil["date_of_birth"],
                 sensitive.get("looked_after"), sensitive.get("sen_provision"), on=on)
    loads = registration_loads(provider=placement.provider, exclude_placement_id=placement.pk, on=on)
    return provider_checks.registration_check(provider=placement.provider, loads=loads, this_load=this)


def agreement_problems(*, placement: Placement, agreement: CommissioningAgreement, on: dt.date) -> list[str]:
    """What stops this agreement version being agreed (blocking errors)."""
    problems = []
    if not agreement.sessions.all():
        problems.append("Add the timetable: at least one session at the provider")
    if agreement.start_date is None:
        problems.append("Enter the start date")
    if not agreement.targets.all():
        problems.append("Add at least one target")
    if agreement.sessions.all():
        check = registration_for(placement, agreement, on=on)
        if check.blocking:
            problems.append(
                f"{placement.provider.name} is not registered as a school, and with this placement it would have "
                "to be: it would give full-time education to enough pupils of compulsory school age (or to a "
                "looked-after pupil or one with an EHC plan) to need registration"
                + (f" ({'; '.join(check.reasons)})" if check.reasons else "")
                + ". Reduce the hours or choose another provider."
            )
    return problems


def schools_commissioning(*, provider):
    """Schools with an agreed or running placement at `provider` (to tell them about the provider's
    expired documents). Cross-tenant by design: only school organisations leave this function."""
    from tenancy.models import Organisation

    with scopes_disabled():
        school_ids = list(Placement.objects.filter(provider=provider, state__in=COMMITTED_STATES)
                          .values_list("school_id", flat=True).distinct())
    return Organisation.objects.filter(pk__in=school_ids, is_active=True).order_by("name")


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


"""Reads: who reads incidents and concerns, and the lists the pages and dashboards show.

Need to know: a school member reads incident reports when the visibility table gives their role
the pupil's education and behaviour group (placements.selectors.placement_reader); the provider
reads those on its placements. A safeguarding concern is read only by the DSLs of the placement's
school and provider (capability `share_safeguarding`) and by the people a DSL shared that one
concern with (`safeguarding.view_concern` on the object, django-guardian). Everyone else sees at
most that a restricted record exists (school staff, with its date) or nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import CharField, Count, Exists, IntegerField, OuterRef
from django.db.models.functions import Cast
from guardian.models import UserObjectPermission

from apcommission import clock
from placements.models import Placement
from placements.selectors import placement_reader
from slas.selectors import sla_terms_for
from tenancy.models import AuditAction, AuditEvent, Membership
from tenancy.roles import Capability as C
from tenancy.roles import OrganisationKind as K
from tenancy.scoping import scope
from tenancy.visibility import DataGroup

from . import rules
from .models import EmergencyReview, FormalReview, Incident, SafeguardingConcern


def reads_incidents(placement: Placement, membership) -> bool:
    if membership.organisation.kind == K.PROVIDER:
        return placement.provider_id == membership.organisation_id
    return placement_reader(placement, membership).can(DataGroup.EDUCATION)


def placement_incidents(placement: Placement):
    return Incident.objects.filter(placement=placement).select_related("recorded_by_organisation", "review")


def open_review(placement: Placement) -> EmergencyReview | None:
    return EmergencyReview.objects.filter(placement=placement, closed_at__isnull=True).first()


def placement_reviews(placement: Placement):
    return EmergencyReview.objects.filter(placement=placement)


# --- Formal reviews and ceasing ---------------------------------------------------------------

def placement_formal_reviews(placement: Placement):
    return FormalReview.objects.filter(placement=placement)


@dataclass(frozen=True)
class CeaseOffer:
    """How many unsatisfactory reviews a placement has had, the agreed number, and whether the page
    offers ceasing for lack of progress (`last`: the newest formal review, if any)."""

    count: int
    agreed: int
    last: FormalReview | None
    offered: bool


def cease_offer(placement: Placement, reviews: list[FormalReview] | None = None) -> CeaseOffer:
    """One query (none when the caller passes the placement's formal reviews, newest first)."""
    if reviews is None:
        reviews = list(placement_formal_reviews(placement))
    terms = sla_terms_for(school=placement.school, provider=placement.provider, on=clock.today())
    agreed = rules.agreed_reviews(terms)
    last = reviews[0] if reviews else None
    closed = next((r for r in reviews if r.closed_at is not None), None)
    offered = rules.ceasing_offered(unsatisfactory_reviews=len(reviews), agreed=agreed,
                                    last_outcome=closed.outcome if closed is not None else "")
    return CeaseOffer(count=len(reviews), agreed=agreed, last=last, offered=offered)


# --- Concerns ---------------------------------------------------------------------------------

def _is_placement_dsl(concern_or_placement, membership) -> bool:
    placement = getattr(concern_or_placement, "placement", concern_or_placement)
    return membership.can(C.SHARE_SAFEGUARDING) and membership.organisation_id in (
        placement.school_id, placement.provider_id)


def reads_every_concern(placement: Placement, membership) -> bool:
    """The member is a DSL of the placement's school or provider: they read all its concerns."""
    return _is_placement_dsl(placement, membership)


def can_share_concern(concern: SafeguardingConcern, membership) -> bool:
    return _is_placement_dsl(concern, membership)


CONCERN_TYPE = {"content_type__app_label": "safeguarding", "content_type__model": "safeguardingconcern"}


def _granted_ids(user_id: int):
    """The user's grants on concerns (a join, not a content-type lookup: no extra query)."""
    return UserObjectPermission.objects.filter(user_id=user_id, permission__codename="view_concern", **CONCERN_TYPE)


def can_read_concern(concern: SafeguardingConcern, membership) -> bool:
    """The row is already within the organisation's reach (the scoped lookup); reading it needs the
    DSL of the placement's school or provider, or this concern shared with the person."""
    return _is_placement_dsl(concern, membership) or membership.user.has_perm("safeguarding.view_concern", concern)


def readable_concerns(membership):
    """The concerns this member reads in their organisation: every one on its placements for a DSL,
    the ones shared with them otherwise. One query."""
    qs = SafeguardingConcern.objects.select_related("placement", "placement__provider", "placement__school",
                                                    "raised_by_organisation")
    if membership.can(C.SHARE_SAFEGUARDING) and membership.organisation.kind in (K.SCHOOL, K.PROVIDER):
        return qs
    granted = _granted_ids(membership.user_id).annotate(concern_id=Cast("object_pk", IntegerField())).values("concern_id")
    return qs.filter(pk__in=granted)


def unread_concerns(membership):
    """Readable concerns this person has not opened yet (no 'view' event of theirs in the audit log)."""
    seen = AuditEvent.objects.filter(user_id=membership.user_id, action=AuditAction.VIEW, **CONCERN_TYPE,
                                     object_id=Cast(OuterRef("pk"), output_field=CharField()))
    return readable_concerns(membership).filter(~Exists(seen))


@dataclass(frozen=True)
class ConcernLine:
    """One concern on a placement page: a link for readers, 'Restricted record' and its date otherwise."""

    concern: SafeguardingConcern
    readable: bool


def placement_concerns(placement: Placement, membership) -> list[ConcernLine]:
    """What the placement page shows of its concerns. Readers get a link; the school's other staff
    see that a restricted record exists and its date; providers' other staff, trusts and LAs see
    only what was shared with them."""
    return concerns_by_placement([placement], membership)[placement.pk]


def concerns_by_placement(placements, membership) -> dict[int, list[ConcernLine]]:
    """placement_concerns for several placements at once: one query for the concerns, one more for
    the member's grants when they are not the DSL of every placement."""
    placements = list(placements)
    lines: dict[int, list[ConcernLine]] = {p.pk: [] for p in placements}
    rows = list(SafeguardingConcern.objects.filter(placement__in=[p.pk for p in placements])
                .only("pk", "raised_at", "placement"))
    if not rows:
        return lines
    by_pk = {p.pk: p for p in placements}
    dsl_of = {p.pk for p in placements if _is_placement_dsl(p, membership)}
    granted: set[int] = set()
    if any(c.placement_id not in dsl_of for c in rows):
        granted = {int(pk) for pk in _granted_ids(membership.user_id).values_list("object_pk", flat=True)}
    for c in rows:
        if c.placement_id in dsl_of:
            lines[c.placement_id].append(ConcernLine(c, True))
        elif membership.organisation_id == by_pk[c.placement_id].school_id or c.pk in granted:
            lines[c.placement_id].append(ConcernLine(c, c.pk in granted))
    return lines


def incident_counts(placements, membership) -> dict[int, dict[str, int]]:
    """How many incidents of each kind (IncidentKind) each placement had, for the placements whose
    incidents this member reads (reads_incidents); the others are absent. One query."""
    readable = [p.pk for p in placements if reads_incidents(p, membership)]
    counts: dict[int, dict[str, int]] = {pk: {} for pk in readable}
    if readable:
        for row in (Incident.objects.filter(placement__in=readable).order_by()
                    .values("placement_id", "kind").annotate(n=Count("pk"))):
            counts[row["placement_id"]][row["kind"]] = row["n"]
    return counts


def concern_readers(concern: SafeguardingConcern) -> list:
    """The people this concern is shared with (not the DSLs, who read it by role)."""
    ids = UserObjectPermission.objects.filter(object_pk=str(concern.pk), permission__codename="view_concern",
                                              **CONCERN_TYPE).values("user_id")
    return list(get_user_model().objects.filter(pk__in=ids).order_by("email"))


def share_candidates(concern: SafeguardingConcern) -> list[Membership]:
    """Whom a DSL may share a concern with: active members of the placement's school, provider, the
    school's trust and its LA who do not read it by role already. Each organisation's members are
    read inside that organisation's scope."""
    placement = Placement._base_manager.select_related("school", "provider").get(pk=concern.placement_id)
    school = placement.school
    orgs = [school, placement.provider]
    for org_id in (school.trust_id, school.local_authority_id):
        if org_id:
            orgs.append(type(school).objects.get(pk=org_id))
    people: list[Membership] = []
    for org in orgs:
        with scope(organisation=org):
            people += [m for m in Membership.objects.filter(is_active=True).select_related("user", "organisation")
                       .order_by("user__email") if not m.can(C.SHARE_SAFEGUARDING)]
    return people

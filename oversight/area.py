"""The LA's view of every child in AP in its area, whichever school commissioned the place
(issue 14 item 2, seed 001 §14).

Everything runs in the LA's scope: `Placement.scope_q` gives an LA the placements in AP of the
schools in its area, and every figure is a subquery through the scoped managers (sessions, visit
windows, the provider's profile and the LA's own listing), so one query returns a page whatever
the number of rows, and the counts are three GROUP BY queries. No special-category model, no
referral and no safeguarding record is read: "open emergency review" is the placement's state.

What a row shows of the pupil is the visibility table's (tenancy.visibility): identity (name,
UPN, year) and attendance for the LA's QA and AP officers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DateField,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from attendance import rules as attendance_rules
from attendance.models import ExpectedSession, TermDates
from monitoring.models import VisitWindow
from monitoring.selectors import overdue_q
from placements.models import Placement
from placements.models.choices import IN_AP_STATES, RegistrationCode, State
from providers.models import ListingStatus, ProviderListing, ProviderProfile, RegistrationStatus
from tenancy.models import Organisation
from tenancy.roles import OrganisationKind
from tenancy.visibility import DataGroup, Reader, reader_for

from . import area_rules

UNLISTED = "unlisted"  # the approval filter's value for a provider the LA does not list


@dataclass(frozen=True)
class AreaFilters:
    q: str = ""
    school: int | None = None
    provider: int | None = None
    approval: str = ""  # a ListingStatus value, or UNLISTED
    registration: str = ""  # B, D or K
    part_time: bool = False
    below: bool = False
    threshold: int = area_rules.DEFAULT_THRESHOLD
    overdue_visit: bool = False
    emergency_review: bool = False
    sort: str = area_rules.DEFAULT_SORT
    descending: bool = False


@dataclass(frozen=True)
class AreaRow:
    pupil: str  # "" when the reader may not read identity
    upn: str
    year_group: str
    school: str
    provider: str
    provider_registration: str  # RegistrationStatus value, "" not recorded
    approval: str  # ListingStatus value, "" the LA does not list the provider
    registration_code: str
    start_date: dt.date | None
    weeks: int | None
    weekly_hours: Decimal | None
    part_time: bool
    attended: int | None  # None when the reader may not read attendance
    expected: int | None
    percent: Decimal | None
    below: bool
    overdue_visits: int
    missing_registers: int | None
    emergency_review: bool

    @property
    def provider_registration_label(self) -> str:
        return RegistrationStatus(self.provider_registration).label if self.provider_registration else "Not recorded"

    @property
    def approval_label(self) -> str:
        return ListingStatus(self.approval).label if self.approval else "Not in your directory"

    @property
    def registration_code_label(self) -> str:
        return RegistrationCode(self.registration_code).label


@dataclass(frozen=True)
class Counts:
    by_school: list[tuple[str, int]]
    by_provider: list[tuple[str, int]]
    by_registration: list[tuple[str, str, int]]  # (code, label, n)

    @property
    def total(self) -> int:
        return sum(n for _, _, n in self.by_registration)

    @property
    def tables(self) -> list[dict]:
        """The three count tables as the page prints them."""
        return [
            {"key": "school", "label": "Children by school", "caption": "By school", "heading": "School",
             "rows": self.by_school},
            {"key": "provider", "label": "Children by provider", "caption": "By provider", "heading": "Provider",
             "rows": self.by_provider},
            {"key": "registration", "label": "Children by registration code",
             "caption": "By registration code (who arranged the place)", "heading": "Code",
             "rows": [(label, n) for _code, label, n in self.by_registration]},
        ]


def _count(queryset) -> Subquery:
    """COUNT(*) of a correlated queryset as a subquery (0 when it has no rows)."""
    counted = queryset.order_by().values("placement").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def la_half_term_start(la: Organisation, today: dt.date) -> dt.date | None:
    """The LA's own current half term (the fallback for placements without a visit window)."""
    rows = (TermDates.objects.filter(organisation=la, start_date__lte=today)
            .values_list("organisation_id", "academic_year", "start_date", "end_date", "half_term_start",
                         "half_term_end"))
    return area_rules.half_term_start(rows, la_id=la.pk, today=today)


def _base(la: Organisation, filters: AreaFilters, *, today: dt.date, now: dt.datetime) -> QuerySet:
    """The LA's placements in AP with the figures as aliases (selected only where used), filtered."""
    fallback = la_half_term_start(la, today)
    window = (VisitWindow.objects.filter(placement=OuterRef("pk"), start__lte=today)
              .order_by("-start").values("start")[:1])
    sessions = ExpectedSession.objects.filter(placement=OuterRef("pk"), date__gte=OuterRef("half_term_start"))
    qs = (
        Placement.objects.filter(state__in=IN_AP_STATES)
        .alias(half_term_start=Coalesce(Subquery(window, output_field=DateField()),
                                        Value(fallback, output_field=DateField())))
        .alias(
            expected=_count(sessions.filter(attendance_rules.expected_q(now))),
            attended=_count(sessions.filter(attendance_rules.attended_q())),
            overdue_visits=_count(VisitWindow.objects.filter(overdue_q(today), placement=OuterRef("pk"))),
            approval=Subquery(ProviderListing.objects.filter(local_authority=la, provider=OuterRef("provider_id"))
                              .values("status")[:1]),
        )
    )
    if filters.q:
        qs = qs.filter(_search_q(filters.q))
    if filters.school:
        qs = qs.filter(school_id=filters.school)
    if filters.provider:
        qs = qs.filter(provider_id=filters.provider)
    if filters.approval == UNLISTED:
        qs = qs.filter(approval__isnull=True)
    elif filters.approval:
        qs = qs.filter(approval=filters.approval)
    if filters.registration:
        qs = qs.filter(registration_code=filters.registration)
    if filters.part_time:
        qs = qs.filter(part_time=True)
    if filters.below:
        # attended / expected < threshold %, in whole numbers (attendance.rules.below_target)
        qs = qs.alias(attended_x100=F("attended") * 100, line=F("expected") * filters.threshold).filter(
            expected__gt=0, attended_x100__lt=F("line"))
    if filters.overdue_visit:
        qs = qs.filter(overdue_visits__gt=0)
    if filters.emergency_review:
        qs = qs.filter(state=State.EMERGENCY_REVIEW)
    return qs


def _search_q(text: str) -> Q:
    """A UPN (exactly, any case), or every word in the pupil's first or last name."""
    words = text.split()
    by_name = Q()
    for word in words:
        by_name &= Q(pupil__first_name__icontains=word) | Q(pupil__last_name__icontains=word)
    return Q(pupil__upn=text.strip().upper()) | by_name


def area_placements(la: Organisation, filters: AreaFilters, *, today: dt.date, now: dt.datetime) -> QuerySet:
    """The filtered, sorted placements with every figure annotated: one query for any slice."""
    missing = ExpectedSession.objects.filter(placement=OuterRef("pk"), date__gte=OuterRef("half_term_start"),
                                             mark="", due_at__lte=now)
    registration = ProviderProfile.objects.filter(provider=OuterRef("provider_id")).values("registration_status")[:1]
    qs = (
        _base(la, filters, today=today, now=now)
        .annotate(
            n_expected=F("expected"), n_attended=F("attended"), n_overdue=F("overdue_visits"),
            listing_status=F("approval"),
            missing_registers=_count(missing),
            provider_registration=Subquery(registration),
        )
        .select_related("pupil", "school", "provider")
        .only("state", "registration_code", "start_date", "weekly_hours", "part_time",
              "pupil__first_name", "pupil__last_name", "pupil__upn", "pupil__year_group",
              "school__name", "provider__name")
    )
    if filters.sort == "attendance":
        qs = qs.alias(attendance_sort=Case(
            When(expected__gt=0, then=F("attended") * 100.0 / F("expected")),
            default=Value(None), output_field=FloatField()))
    # Rows without a figure (no sessions yet, no hours) come last whichever way the column sorts.
    return qs.order_by(*(F(f[1:]).desc(nulls_last=True) if f.startswith("-") else F(f).asc(nulls_last=True)
                         for f in area_rules.order_by(filters.sort, filters.descending)))


def rows_of(placements, reader: Reader, *, today: dt.date, threshold: int) -> Iterator[AreaRow]:
    """Rows as the reader may read them (identity and attendance per the visibility table)."""
    identity, attendance = reader.can(DataGroup.IDENTITY), reader.can(DataGroup.ATTENDANCE)
    for p in placements:
        pupil = p.pupil
        yield AreaRow(
            pupil=f"{pupil.last_name}, {pupil.first_name}" if identity else "",
            upn=pupil.upn if identity else "",
            year_group=pupil.get_year_group_display() if identity else "",
            school=p.school.name, provider=p.provider.name,
            provider_registration=p.provider_registration or "", approval=p.listing_status or "",
            registration_code=p.registration_code, start_date=p.start_date,
            weeks=area_rules.weeks_in_placement(p.start_date, today),
            weekly_hours=p.weekly_hours, part_time=p.part_time,
            attended=p.n_attended if attendance else None, expected=p.n_expected if attendance else None,
            percent=attendance_rules.percent(p.n_attended, p.n_expected) if attendance else None,
            below=attendance and area_rules.below_threshold(p.n_attended, p.n_expected, threshold),
            overdue_visits=p.n_overdue,
            missing_registers=p.missing_registers if attendance else None,
            emergency_review=p.state == State.EMERGENCY_REVIEW,
        )


def reader_of(membership) -> Reader:
    return reader_for(membership)


def counts(la: Organisation, filters: AreaFilters, *, today: dt.date, now: dt.datetime) -> Counts:
    """How many of the filtered children are at each school, each provider and under each code."""
    base = _base(la, filters, today=today, now=now)

    def grouped(*fields):
        return list(base.order_by().values_list(*fields).annotate(n=Count("pk")).order_by(*fields))

    by_registration = [(code, RegistrationCode(code).label, n) for code, n in grouped("registration_code")]
    return Counts(by_school=[(name, n) for _pk, name, n in grouped("school_id", "school__name")],
                  by_provider=[(name, n) for _pk, name, n in grouped("provider_id", "provider__name")],
                  by_registration=by_registration)


def filter_choices(la: Organisation) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """(schools in the LA's area, providers with a child of the area in AP) for the filter form."""
    schools = list(Organisation.objects.filter(kind=OrganisationKind.SCHOOL, local_authority=la)
                   .order_by("name").values_list("pk", "name"))
    provider_ids = Placement.objects.filter(state__in=IN_AP_STATES).values("provider_id")
    providers = list(Organisation.objects.filter(kind=OrganisationKind.PROVIDER, pk__in=provider_ids)
                     .order_by("name").values_list("pk", "name"))
    return schools, providers

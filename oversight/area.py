"""The LA's view of every child in AP in its area, whichever school commissioned the place
(issue 14 item 2, seed 001 §14).

Everything runs in the LA's scope: `Placement.scope_q` gives an LA the placements in AP of the
schools in its area, and every figure is a subquery through the scoped managers (the placement's
sessions, visit windows, the provider's profile and the LA's own listing), so one query returns a
page whatever the number of rows, and the counts are one GROUP BY query. No special-category model, no
referral and no safeguarding record is read: "open emergency review" is the placement's state.

What a row shows of the pupil is the visibility table's (tenancy.visibility): identity (name,
UPN, year) and attendance for the LA's QA and AP officers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    Count,
    DateField,
    Exists,
    F,
    FilteredRelation,
    FloatField,
    IntegerField,
    JSONField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, JSONObject

from attendance import rules as attendance_rules
from attendance.models import TermDates
from monitoring.models import VisitWindow
from monitoring.selectors import overdue_q
from placements.models import Placement, Pupil
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


# --- The figures of a placement ----------------------------------------------------------------
#
# Each figure is a correlated subquery through the scoped managers, written so that PostgreSQL
# evaluates it once a row where it is used: Django writes an alias out again wherever it is
# referenced (WHERE, ORDER BY, the select list), and a subquery nested in another is evaluated again
# each time. So the sessions of this half term are read once a row for all three counts (one
# subquery building {"expected", "attended", "missing"}); a filter on a figure is an EXISTS (a join
# for the planner, or one subquery a row); a sort on a figure selects one subquery that ORDER BY
# names by position. The page's figures stay in the select list, which PostgreSQL evaluates after
# the sort and LIMIT: for the page's rows only. The sessions are reached from the placement, read
# again through its scoped manager (as attendance.reports counts them), and found by the
# (placement, date) index from the half term's first day.

@dataclass(frozen=True)
class _Figures:
    """The figures' subqueries for one reading: `today` and `now` from the one clock, `fallback` the
    LA's own half term (for a placement without a visit window)."""

    today: dt.date
    now: dt.datetime
    fallback: dt.date | None

    def _this_half_term(self) -> QuerySet:
        """The outer placement (again through the scoped manager) joined to its sessions from the first
        day of its half term: its latest visit window started by today, else the LA's. The window is
        read once a row and the sessions are found by (placement, date)."""
        window = (VisitWindow.objects.filter(placement=OuterRef("pk"), start__lte=self.today)
                  .order_by("-start").values("start")[:1])
        start = Coalesce(Subquery(window, output_field=DateField()), Value(self.fallback, output_field=DateField()))
        return (Placement.objects.filter(pk=OuterRef("pk"))
                .alias(half=FilteredRelation("expected_sessions", condition=Q(expected_sessions__date__gte=start)))
                .order_by())

    def _counts(self) -> dict:
        return {"expected": Count("half", filter=attendance_rules.expected_q(self.now, "half__")),
                "attended": Count("half", filter=attendance_rules.attended_q("half__")),
                "missing": Count("half", filter=Q(half__mark="", half__due_at__lte=self.now))}

    def all(self) -> Subquery:
        """{"expected": n, "attended": n, "missing": n} this half term, in one subquery."""
        figures = self._this_half_term().annotate(figures=JSONObject(**self._counts())).values("figures")
        return Subquery(figures, output_field=JSONField())

    def below(self, threshold: int) -> Exists:
        """Attended / expected strictly below `threshold` %, in whole numbers (area_rules.below_threshold)."""
        counts = self._counts()
        below = (self._this_half_term().annotate(expected=counts["expected"], attended=counts["attended"])
                 .alias(attended_x100=F("attended") * 100, line=F("expected") * threshold)
                 .filter(expected__gt=0, attended_x100__lt=F("line")))
        return Exists(below)

    def attendance_sort(self) -> Subquery:
        """Attended × 100 / expected (NULL with nothing expected): the attendance column's order."""
        counts = self._counts()
        ratio = (self._this_half_term().annotate(expected=counts["expected"], attended=counts["attended"])
                 .annotate(ratio=Case(When(expected__gt=0, then=F("attended") * 100.0 / F("expected")),
                                      default=Value(None), output_field=FloatField()))
                 .values("ratio"))
        return Subquery(ratio, output_field=FloatField())

    def missing_sort(self) -> Subquery:
        missing = self._this_half_term().annotate(n=self._counts()["missing"]).values("n")
        return Subquery(missing, output_field=IntegerField())


def _base(la: Organisation, filters: AreaFilters, figures: _Figures) -> QuerySet:
    """The LA's placements in AP, filtered."""
    qs = Placement.objects.filter(state__in=IN_AP_STATES)
    listed = ProviderListing.objects.filter(local_authority=la, provider=OuterRef("provider_id"))
    if filters.q:
        qs = qs.filter(_search_q(filters.q))
    if filters.school:
        qs = qs.filter(school_id=filters.school)
    if filters.provider:
        qs = qs.filter(provider_id=filters.provider)
    if filters.approval == UNLISTED:
        qs = qs.filter(~Exists(listed))
    elif filters.approval:
        qs = qs.filter(Exists(listed.filter(status=filters.approval)))
    if filters.registration:
        qs = qs.filter(registration_code=filters.registration)
    if filters.part_time:
        qs = qs.filter(part_time=True)
    if filters.below:
        qs = qs.filter(figures.below(filters.threshold))
    if filters.overdue_visit:
        qs = qs.filter(Exists(VisitWindow.objects.filter(overdue_q(figures.today), placement=OuterRef("pk"))))
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


# What a row reads: plain columns (no model instances: an export builds 70,000 rows) and the figures.
_COLUMNS = ("state", "registration_code", "start_date", "weekly_hours", "part_time",
            "pupil__first_name", "pupil__last_name", "pupil__upn", "pupil__year_group",
            "school__name", "provider__name")


def _figures_of(la: Organisation, *, today: dt.date, now: dt.datetime) -> _Figures:
    return _Figures(today=today, now=now, fallback=la_half_term_start(la, today))


def area_placements(la: Organisation, filters: AreaFilters, *, today: dt.date, now: dt.datetime) -> QuerySet:
    """The filtered, sorted placements as dicts of `_COLUMNS` and the figures: one query for any slice."""
    return _placements(la, filters, _figures_of(la, today=today, now=now))


def _placements(la: Organisation, filters: AreaFilters, figures: _Figures) -> QuerySet:
    qs = _base(la, filters, figures).annotate(
        figures=figures.all(),
        overdue_visits=_count(VisitWindow.objects.filter(overdue_q(figures.today), placement=OuterRef("pk"))),
        listing_status=Subquery(ProviderListing.objects.filter(local_authority=la, provider=OuterRef("provider_id"))
                                .values("status")[:1]),
        provider_registration=Subquery(ProviderProfile.objects.filter(provider=OuterRef("provider_id"))
                                       .values("registration_status")[:1]),
    )
    # A sort on a figure selects it once; ORDER BY names its position, so it is not evaluated again.
    if filters.sort == "attendance":
        qs = qs.annotate(attendance_sort=figures.attendance_sort())
    elif filters.sort == "registers":
        qs = qs.annotate(missing_registers=figures.missing_sort())
    qs = qs.values(*_COLUMNS, *qs.query.annotation_select)
    # Rows without a figure (no sessions yet, no hours) come last whichever way the column sorts.
    return qs.order_by(*(F(f[1:]).desc(nulls_last=True) if f.startswith("-") else F(f).asc(nulls_last=True)
                         for f in area_rules.order_by(filters.sort, filters.descending)))


_YEAR_GROUPS = dict(Pupil._meta.get_field("year_group").choices)


def rows_of(placements, reader: Reader, *, today: dt.date, threshold: int) -> Iterator[AreaRow]:
    """Rows as the reader may read them (identity and attendance per the visibility table), from
    `area_placements`' dicts."""
    identity, attendance = reader.can(DataGroup.IDENTITY), reader.can(DataGroup.ATTENDANCE)
    for p in placements:
        figures = p["figures"]
        attended, expected = figures["attended"], figures["expected"]
        yield AreaRow(
            pupil=f"{p['pupil__last_name']}, {p['pupil__first_name']}" if identity else "",
            upn=p["pupil__upn"] if identity else "",
            year_group=_YEAR_GROUPS.get(p["pupil__year_group"], "") if identity else "",
            school=p["school__name"], provider=p["provider__name"],
            provider_registration=p["provider_registration"] or "", approval=p["listing_status"] or "",
            registration_code=p["registration_code"], start_date=p["start_date"],
            weeks=area_rules.weeks_in_placement(p["start_date"], today),
            weekly_hours=p["weekly_hours"], part_time=p["part_time"],
            attended=attended if attendance else None, expected=expected if attendance else None,
            percent=attendance_rules.percent(attended, expected) if attendance else None,
            below=attendance and area_rules.below_threshold(attended, expected, threshold),
            overdue_visits=p["overdue_visits"],
            missing_registers=figures["missing"] if attendance else None,
            emergency_review=p["state"] == State.EMERGENCY_REVIEW,
        )


def reader_of(membership) -> Reader:
    return reader_for(membership)


def counts(la: Organisation, filters: AreaFilters, *, today: dt.date, now: dt.datetime) -> Counts:
    """How many of the filtered children are at each school, each provider and under each code: one
    query (the filters, a figure's among them, are evaluated once), added up here."""
    return _counts(la, filters, _figures_of(la, today=today, now=now))


def _counts(la: Organisation, filters: AreaFilters, figures: _Figures) -> Counts:
    groups = (_base(la, filters, figures).order_by()
              .values_list("school_id", "school__name", "provider_id", "provider__name", "registration_code")
              .annotate(n=Count("pk")))
    return counts_of(groups)


def counts_of(groups) -> Counts:
    """(school id, school, provider id, provider, code, n) rows into the three tables: schools and
    providers in the order they were added (by id), codes alphabetically."""
    by_school: dict[tuple[int, str], int] = {}
    by_provider: dict[tuple[int, str], int] = {}
    by_code: dict[str, int] = {}
    for school_id, school, provider_id, provider, code, n in groups:
        by_school[school_id, school] = by_school.get((school_id, school), 0) + n
        by_provider[provider_id, provider] = by_provider.get((provider_id, provider), 0) + n
        by_code[code] = by_code.get(code, 0) + n
    return Counts(by_school=[(name, n) for (_pk, name), n in sorted(by_school.items())],
                  by_provider=[(name, n) for (_pk, name), n in sorted(by_provider.items())],
                  by_registration=[(code, RegistrationCode(code).label, n) for code, n in sorted(by_code.items())])


def page_of(la: Organisation, filters: AreaFilters, number, *, today: dt.date, now: dt.datetime) -> tuple[Page, Counts]:
    """One page of the filtered rows and the counts. The counts' total is the paginator's: the
    filtered rows are not counted a second time."""
    figures = _figures_of(la, today=today, now=now)
    found = _counts(la, filters, figures)
    paginator = Paginator(_placements(la, filters, figures), area_rules.PAGE_SIZE)
    paginator.count = found.total  # a cached_property: set, it is not read from the database
    return paginator.get_page(number), found


def filter_choices(la: Organisation) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """(schools in the LA's area, providers with a child of the area in AP) for the filter form."""
    schools = list(Organisation.objects.filter(kind=OrganisationKind.SCHOOL, local_authority=la)
                   .order_by("name").values_list("pk", "name"))
    provider_ids = Placement.objects.filter(state__in=IN_AP_STATES).values("provider_id")
    providers = list(Organisation.objects.filter(kind=OrganisationKind.PROVIDER, pk__in=provider_ids)
                     .order_by("name").values_list("pk", "name"))
    return schools, providers

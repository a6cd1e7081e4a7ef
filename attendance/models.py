"""The school calendar: term dates (LA or school), non-teaching days (INSET, closures) and, through
attendance.calendar, bank holidays. Expected sessions and registers arrive with issue 11's later items.

Who sees which rows (`calendar_scope_q`): an LA its own rows and those of the schools in its area;
a school its own rows and its LA's, plus the closure days of the providers it has placements with;
a trust its schools' rows and their LAs'; a provider only its own closure days. Providers read a
school's calendar only through `attendance.calendar.provider_school_days`, which returns dates.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from tenancy.models import Organisation
from tenancy.roles import OrganisationKind
from tenancy.scoping import ScopedModel, kind_rules


def _placement_providers(school: Organisation):
    """Providers a school has placements with (the provider can see the placement)."""
    from placements.models import Placement
    from placements.models.choices import PROVIDER_VISIBLE_STATES

    return (Placement._base_manager.filter(school=school, state__in=PROVIDER_VISIBLE_STATES)
            .values("provider_id"))


def calendar_scope_q(organisation: Organisation) -> Q:
    """The calendar rows an organisation may read (term dates and non-teaching days alike)."""
    trust_schools = Organisation.objects.filter(trust=organisation, kind=OrganisationKind.SCHOOL)
    return kind_rules(
        organisation,
        local_authority=Q(organisation=organisation)
        | Q(organisation__local_authority=organisation, organisation__kind=OrganisationKind.SCHOOL),
        school=Q(organisation=organisation)
        | Q(organisation_id=organisation.local_authority_id)
        | Q(organisation__kind=OrganisationKind.PROVIDER, organisation__in=_placement_providers(organisation)),
        trust=Q(organisation__in=trust_schools.values("pk"))
        | Q(organisation__in=trust_schools.values("local_authority_id")),
        provider=Q(organisation=organisation),
    )


class Term(models.TextChoices):
    AUTUMN = "autumn", "Autumn term"
    SPRING = "spring", "Spring term"
    SUMMER = "summer", "Summer term"


class TermDates(ScopedModel):
    """One term of one academic year as an LA publishes it, or as a school sets it for itself.

    A school that has any term rows for an academic year follows them for that year instead of its
    LA's (academies, foundation and VA schools set their own dates; DOMAIN.md §5).
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="term_dates",
                                     limit_choices_to={"kind__in": [OrganisationKind.LOCAL_AUTHORITY,
                                                                    OrganisationKind.SCHOOL]})
    academic_year = models.PositiveSmallIntegerField(help_text="The year it starts in: 2026 for 2026/27")
    term = models.CharField(max_length=10, choices=Term.choices)
    start_date = models.DateField("First day of term")
    end_date = models.DateField("Last day of term")
    half_term_start = models.DateField("First day of half term", null=True, blank=True)
    half_term_end = models.DateField("Last day of half term", null=True, blank=True)

    class Meta:
        ordering = ["organisation_id", "start_date"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "academic_year", "term"], name="term_once_per_year"),
            models.CheckConstraint(name="term_ends_after_start", condition=Q(end_date__gte=models.F("start_date")),
                                   violation_error_message="A term ends on or after its first day."),
            models.CheckConstraint(
                name="half_term_inside_term",
                condition=(Q(half_term_start__isnull=True, half_term_end__isnull=True)
                           | Q(half_term_start__gte=models.F("start_date"),
                               half_term_end__gte=models.F("half_term_start"),
                               half_term_end__lte=models.F("end_date"))),
                violation_error_message="Half term falls inside the term, with both its first and last day.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_term_display()} {self.academic_year}/{(self.academic_year + 1) % 100:02d}"

    @classmethod
    def scope_q(cls, organisation):
        return calendar_scope_q(organisation)


class DayKind(models.TextChoices):
    INSET = "inset", "INSET (staff training) day"
    CLOSURE = "closure", "Closure"
    OTHER = "other", "Other non-teaching day"


class NonTeachingDay(ScopedModel):
    """A weekday in term time without sessions: a school's INSET day or closure, an LA-wide closure,
    or a provider's closure (then only sessions at that provider are off)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="non_teaching_days")
    date = models.DateField()
    kind = models.CharField(max_length=10, choices=DayKind.choices)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["organisation_id", "date"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "date"], name="non_teaching_day_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date:%Y-%m-%d}"

    @classmethod
    def scope_q(cls, organisation):
        return calendar_scope_q(organisation)

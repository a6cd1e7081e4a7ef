"""Explicit cross-tenant reads on the request path (issue 8 item 4): the only place in placements
where a member's page reads beyond the member's organisation.

Each function is one aggregate (or exists) query run with scoping switched off, and returns only
numbers or yes/no facts — never a model instance, a row of another school's pupil, or a name
(tests/placements/test_cross_tenant.py checks the types). What leaves is what the rule needs:
the registration test's counts, a pupil's total hours at other providers, whether a sign-off is
current, whether the LA suspended a provider, which school ids commission a provider.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Case, Count, DecimalField, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce

from providers import api as providers_api
from tenancy.scoping import scopes_disabled

from . import rules
from .models import LookedAfter, Placement, Pupil, SenProvision, State
from .models.choices import IN_AP_STATES

COMMITTED_STATES = (State.AGREED, *IN_AP_STATES)
HOURS = DecimalField(max_digits=6, decimal_places=2)


# --- Yes/no facts about a school–provider pair, whatever the caller's scope ------------------

def suitability_current(*, school, provider, on: dt.date) -> bool:
    """Has the school a current suitability sign-off for the provider?"""
    with scopes_disabled():
        return bool(providers_api.suitability_signoff_current(school=school, provider=provider, on=on))


def provider_is_registered(*, provider) -> bool:
    """Is the provider a registered school (per its profile)?"""
    with scopes_disabled():
        return bool(providers_api.provider_is_registered(provider=provider))


def suspended_for(*, school, provider) -> bool:
    """Does the school's LA refuse new places at the provider ("schools should not commission new
    places": suspended, not approved, withdrawn or lapsed)?"""
    with scopes_disabled():
        return providers_api.suspended_by_la(local_authority_id=school.local_authority_id, provider=provider)


# --- Numbers --------------------------------------------------------------------------------

def other_placement_hours(*, pupil_id: int, exclude_placement_id: int | None) -> Decimal:
    """Hours a week of the pupil's other agreed or running placements (any provider): a sum, never
    which providers they are."""
    with scopes_disabled():
        total = (Placement.objects.filter(pupil_id=pupil_id, state__in=COMMITTED_STATES)
                 .exclude(pk=exclude_placement_id).aggregate(h=Sum("weekly_hours"))["h"])
    return total or Decimal("0")


def commissioning_school_ids(*, provider) -> list[int]:
    """Ids of the schools with an agreed or running placement at `provider` (for the provider
    expiry reminders: registered with providers.api in PlacementsConfig.ready)."""
    with scopes_disabled():
        return sorted(Placement.objects.filter(provider=provider, state__in=COMMITTED_STATES)
                      .order_by().values_list("school_id", flat=True).distinct())


def registration_counts(*, provider, on: dt.date, exclude_placement_id: int | None = None,
                        add_pupil_id: int | None = None, add_hours: Decimal = Decimal("0")) -> providers_api.PupilCounts:
    """The provider's pupils placed through the service, counted as the registration test counts
    them (providers.rules.PupilCounts), in one aggregate query across every school.

    A pupil's hours are the sum of their agreed or running placements at the provider, without
    `exclude_placement_id`; `add_hours` are added for `add_pupil_id` (the placement being agreed).
    Only four counts leave: no pupil's age, looked-after status or EHC plan on its own.
    """
    threshold = providers_api.full_time_hours()
    first_born, last_born = rules.compulsory_school_age_births(on)
    full_time = Q(hours__gt=threshold)
    looked_after = Q(sensitive__isnull=False) & ~Q(sensitive__looked_after__in=["", LookedAfter.NO])
    extra = Case(When(pk=add_pupil_id, then=Value(add_hours)), default=Value(Decimal("0")), output_field=HOURS)
    with scopes_disabled():  # querysets built here, so the scoped managers see no tenant
        placed = (Placement.objects.filter(provider=provider, state__in=COMMITTED_STATES)
                  .exclude(pk=exclude_placement_id))
        hours_there = Subquery(placed.filter(pupil_id=OuterRef("pk")).order_by().values("pupil_id")
                               .annotate(h=Sum("weekly_hours")).values("h")[:1], output_field=HOURS)
        counts = (
            Pupil.objects.filter(Q(pk__in=placed.values("pupil_id")) | Q(pk=add_pupil_id))
            .filter(date_of_birth__range=(first_born, last_born))
            .annotate(hours=Coalesce(hours_there, Value(Decimal("0")), output_field=HOURS) + extra)
            .aggregate(
                full_time=Count("pk", filter=full_time),
                looked_after=Count("pk", filter=full_time & looked_after),
                ehcp=Count("pk", filter=full_time & Q(sensitive__sen_provision=SenProvision.EHCP)),
                part_time=Count("pk", filter=~full_time),
            )
        )
    return providers_api.PupilCounts(**counts)


def registration_figures(*, provider, on: dt.date, **counting) -> providers_api.RegistrationFigures:
    """providers.api.registration_figures with the placements counted here (`counting`: see
    registration_counts) and the provider's declared pupils, read whatever the caller's scope."""
    counted = registration_counts(provider=provider, on=on, **counting)
    with scopes_disabled():
        return providers_api.registration_figures(provider=provider, on=on, counted=counted)


def counted_pupils(*, provider, on: dt.date) -> providers_api.PupilCounts:
    """The source providers.api asks for the directory's figures: every placement there."""
    return registration_counts(provider=provider, on=on)

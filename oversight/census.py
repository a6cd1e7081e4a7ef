"""The school's inspection list and school census AP fields (issue 14 item 6), read in the school's
scope. What a row says about the pupil (the name, the reason for the placement) comes from the
visibility table through the placements selectors: the reason only to roles that read
DataGroup.REFERRAL_REASON (a school's headteacher and AP lead, who hold view_reports).

A fixed number of queries whatever the number of placements: the placements with their pupil and
provider and the referral's reason (one query, a subquery), the providers' profiles (one), the
timetables of the agreements in force (one).

Census fields: the DfE school census module "alternative provision placements arranged by schools"
(see README "Census and inspection lists" for each field and why). The service holds no UKPRN and
no census reason codes yet: UKPRN is left blank, the setting type is OTH (other unregistered
provider) when the provider has no URN, and the reason is the school's own words.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import OuterRef, Q, Subquery

from placements import selectors as placement_selectors
from placements.models import (
    IN_AP_STATES,
    Placement,
    Referral,
    RegistrationCode,
    SessionPart,
    State,
    TimetableSession,
    Weekday,
)
from providers import api as providers_api
from providers.models import RegistrationStatus
from tenancy.visibility import DataGroup

ARRANGED_BY = {RegistrationCode.B: "School (code B)", RegistrationCode.K: "Local authority (code K)",
               RegistrationCode.D: "School, dual registered (code D)"}
# School census "AP placement association type" in words: dual registration, or the pupil stays
# single registered at the school and attends off site.
ASSOCIATION = {RegistrationCode.D: "Dual registration", RegistrationCode.B: "Off-site, single registration",
               RegistrationCode.K: "Off-site, single registration"}
UNREGISTERED_SETTING = "OTH"  # census AP setting type: other unregistered provider
WITHHELD = "Withheld"  # a value the reader's role does not read

INSPECTION_HEADER = ["Pupil", "UPN", "Provider", "Provider address", "Provider postcode", "Registration status",
                     "URN", "UKPRN", "Reason for the placement", "Start date", "Days", "Hours a week",
                     "Arranged by"]
CENSUS_HEADER = ["UPN", "Surname", "Forename", "Date of birth", "AP placement URN", "AP placement UKPRN",
                 "AP setting type", "Entry date", "Leaving date", "Association type", "Reason for placement",
                 "Attendance pattern", "Sessions a week", "Hours a week"]


def academic_year_start(today: dt.date) -> dt.date:
    """1 September of the school year holding `today` (the census counts placements since then)."""
    return dt.date(today.year if today.month >= 9 else today.year - 1, 9, 1)


@dataclass(frozen=True)
class Row:
    placement: Placement
    pupil: str
    upn: str
    surname: str
    forename: str
    date_of_birth: dt.date | None
    provider: str
    address: str
    postcode: str
    registered: bool
    registration: str
    urn: str
    ukprn: str
    reason: str
    start: dt.date | None
    ended: dt.date | None
    days: str
    sessions: int
    hours: Decimal | None
    arranged_by: str
    association: str
    part_time: bool

    @property
    def setting_type(self) -> str:
        return "" if (self.urn or self.ukprn) else UNREGISTERED_SETTING

    @property
    def pattern(self) -> str:
        return "Part time" if self.part_time else "Full time"


def _placements(*, since: dt.date | None):
    """In AP now; with `since`, also those that ended on or after it (the census period)."""
    states = Q(state__in=IN_AP_STATES)
    if since is not None:
        states |= Q(state=State.ENDED, ended_on__gte=since)
    reason = Referral.objects.filter(placement=OuterRef("pk")).values("reason")[:1]
    return (Placement.objects.filter(states).select_related("pupil", "provider")
            .annotate(referral_reason=Subquery(reason))
            .order_by("pupil__last_name", "pupil__first_name", "pk"))


def _timetables(placements) -> dict[int, list[tuple[int, str]]]:
    ids = [p.current_agreement_id for p in placements if p.current_agreement_id]
    found: dict[int, list[tuple[int, str]]] = defaultdict(list)
    if ids:
        for agreement, weekday, part in (TimetableSession.objects.filter(agreement_id__in=ids)
                                         .order_by("weekday", "start_time")
                                         .values_list("agreement_id", "weekday", "part")):
            found[agreement].append((weekday, part))
    return found


def rows(membership, *, since: dt.date | None = None) -> list[Row]:
    placements = list(_placements(since=since))
    profiles = providers_api.profiles_by_provider({p.provider_id for p in placements})
    timetables = _timetables(placements)
    result = []
    for p in placements:
        reader = placement_selectors.placement_reader(p, membership)
        named = reader.can(DataGroup.IDENTITY)
        pupil, profile = p.pupil, profiles.get(p.provider_id)
        registered = bool(profile and profile.registration_status == RegistrationStatus.REGISTERED)
        sessions = timetables.get(p.current_agreement_id, [])
        days = [Weekday(d).label for d in sorted({d for d, _ in sessions})]
        result.append(Row(
            placement=p, pupil=str(pupil) if named else f"Referral P-{p.pk}", upn=pupil.upn if named else "",
            surname=pupil.last_name if named else "", forename=pupil.first_name if named else "",
            date_of_birth=pupil.date_of_birth if named else None, provider=p.provider.name,
            address=(profile.address if profile else "") or "", postcode=(profile.postcode if profile else "")
            or p.provider.postcode or "", registered=registered,
            registration=profile.get_registration_status_display() if profile else "Not known",
            urn=(profile.dfe_urn if registered else "") or "", ukprn="",
            reason=(p.referral_reason or "") if reader.can(DataGroup.REFERRAL_REASON) else WITHHELD,
            start=p.start_date, ended=p.ended_on, days=", ".join(days),
            sessions=sum(2 if part == SessionPart.DAY else 1 for _, part in sessions), hours=p.weekly_hours,
            arranged_by=ARRANGED_BY.get(p.registration_code, p.registration_code),
            association=ASSOCIATION.get(p.registration_code, ""), part_time=p.part_time))
    return result


def _hours(value: Decimal | None) -> str:
    return "" if value is None else f"{value.normalize():f}"


def _date(value) -> str:
    return value.isoformat() if value else ""


def inspection_csv_rows(rows_: list[Row]):
    yield INSPECTION_HEADER
    for r in rows_:
        yield [r.pupil, r.upn, r.provider, " ".join(r.address.split()), r.postcode, r.registration, r.urn, r.ukprn,
               r.reason, _date(r.start), r.days, _hours(r.hours), r.arranged_by]


def census_csv_rows(rows_: list[Row]):
    yield CENSUS_HEADER
    for r in rows_:
        yield [r.upn, r.surname, r.forename, _date(r.date_of_birth), r.urn, r.ukprn, r.setting_type, _date(r.start),
               _date(r.ended), r.association, r.reason, r.pattern, r.sessions,
               _hours(r.hours)]

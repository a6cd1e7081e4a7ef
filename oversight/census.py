"""The school's inspection list and school census AP fields (issue 14 item 6), read in the school's
scope. What a row says about the pupil (the name, the reason for the placement) comes from the
visibility table through the placements selectors: the reason only to roles that read
DataGroup.REFERRAL_REASON (a school's headteacher and AP lead, who hold view_reports).

A fixed number of queries whatever the number of placements: the placements with their pupil and
provider and the referral's reason (one query, a subquery), the providers' profiles (one), the
timetables of the agreements in force (one).

Census fields: the DfE school census module "alternative provision placements arranged by schools"
(see README "Census and inspection lists" for each field and why). The census takes one of: the
provider's URN (a registered school), else its UKPRN (the provider profile's), else the AP setting
type (OTH, other unregistered provider: the service cannot tell NFE, one-to-one tuition or a
work-based placement apart). The setting type is given as its code and in words. Neither DOMAIN.md
nor the seeds give the census code lists for the association type or the reason, so those two are
given in words (the reason is the school's own, from the referral) for the school to code in its MIS.
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
SETTING_TYPES = {UNREGISTERED_SETTING: "Other unregistered provider"}
WITHHELD = "Withheld"  # a value the reader's role does not read

INSPECTION_HEADER = ["Pupil", "UPN", "Provider", "Provider address", "Provider postcode", "Registration status",
                     "URN", "UKPRN", "Reason for the placement", "Start date", "Days", "Hours a week",
                     "Arranged by"]
CENSUS_HEADER = ["UPN", "Surname", "Forename", "Date of birth", "AP placement URN", "AP placement UKPRN",
                 "AP setting type", "AP setting type (meaning)", "Entry date", "Leaving date",
                 "Association type (in words: no census code held)",
                 "Reason for placement (the school's words: no census code held)", "Attendance pattern",
                 "Sessions a week", "Hours a week"]


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
    def census_ukprn(self) -> str:
        """The census takes the URN or the UKPRN, never both: the UKPRN only when there is no URN."""
        return "" if self.urn else self.ukprn

    @property
    def setting_type(self) -> str:
        """Only when the census has neither a URN nor a UKPRN for the placement."""
        return "" if (self.urn or self.ukprn) else UNREGISTERED_SETTING

    @property
    def setting_type_words(self) -> str:
        return SETTING_TYPES.get(self.setting_type, "")

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


def _urn(placement: Placement, registered_profile) -> str:
    """A registered provider's URN; else, for a pupil dual registered (code D) at another school (a
    PRU or AP academy is a school but not an independent one), the URN of that school as the
    placement records it."""
    if registered_profile is not None and registered_profile.dfe_urn:
        return registered_profile.dfe_urn
    return placement.dual_school_urn if placement.registration_code == RegistrationCode.D else ""


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
            urn=_urn(p, profile if registered else None), ukprn=(profile.ukprn if profile else "") or "",
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
        yield [r.upn, r.surname, r.forename, _date(r.date_of_birth), r.urn, r.census_ukprn, r.setting_type,
               r.setting_type_words, _date(r.start), _date(r.ended), r.association, r.reason, r.pattern, r.sessions,
               _hours(r.hours)]

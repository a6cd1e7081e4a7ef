from .agreements import CommissioningAgreement, Target, TimetableSession
from .choices import (
    IN_AP_STATES,
    PROVIDER_DETAIL_STATES,
    PROVIDER_VISIBLE_STATES,
    SCHOOL_INTERNAL_EVENT_KINDS,
    ChildProtectionCategory,
    ContactRole,
    Destination,
    EndReason,
    EventAudience,
    EventKind,
    Frequency,
    Gender,
    LookedAfter,
    ParentalAgreementMethod,
    RegistrationCode,
    SenProvision,
    SessionPart,
    ShareBasis,
    State,
    Transport,
    Weekday,
)
from .placements import ParentalAgreement, Placement, PlacementEvent, Referral
from .pupils import YEAR_GROUPS, OtherAgency, ParentCarer, Pupil, PupilSensitive

__all__ = [
    "YEAR_GROUPS", "Pupil", "PupilSensitive", "ParentCarer", "OtherAgency",
    "Placement", "Referral", "PlacementEvent", "ParentalAgreement",
    "CommissioningAgreement", "Target", "TimetableSession",
    "State", "IN_AP_STATES", "PROVIDER_DETAIL_STATES", "PROVIDER_VISIBLE_STATES", "SCHOOL_INTERNAL_EVENT_KINDS",
    "ChildProtectionCategory", "ContactRole", "Destination", "EndReason", "EventAudience", "EventKind", "Frequency", "Gender",
    "LookedAfter", "ParentalAgreementMethod", "RegistrationCode", "SenProvision", "SessionPart", "ShareBasis", "Transport",
    "Weekday",
]

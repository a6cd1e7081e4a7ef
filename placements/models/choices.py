"""Choice lists for pupils, referrals and placements (one place, imported by models and rules)."""

from django.db import models


class State(models.TextChoices):
    """Placement states. The allowed moves between them are in placements/lifecycle.py."""

    DRAFT = "draft", "Draft referral"
    REFERRED = "referred", "Referred"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    AGREED = "agreed", "Agreed"
    ACTIVE = "active", "Active"
    EMERGENCY_REVIEW = "emergency_review", "Emergency review"
    SUSPENDED = "suspended", "Suspended"
    ENDED = "ended", "Ended"


# The provider sees a placement once it has been referred to it...
PROVIDER_VISIBLE_STATES = tuple(s for s in State.values if s != State.DRAFT)
# ...but the referral's content and the pupil's details only while it is working with the pupil.
PROVIDER_DETAIL_STATES = tuple(s for s in State.values if s not in (State.DRAFT, State.DECLINED))
# A pupil is "in AP" in these states (the LA's area list, dashboards, full-time hours).
IN_AP_STATES = (State.ACTIVE, State.EMERGENCY_REVIEW, State.SUSPENDED)


class Gender(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Another gender"
    NOT_STATED = "not_stated", "Not stated"


class LookedAfter(models.TextChoices):
    NO = "no", "Not looked after"
    VOLUNTARY = "voluntary", "Voluntary (section 20)"
    STATUTORY = "statutory", "Statutory (care order)"


class ChildProtectionCategory(models.TextChoices):
    NEGLECT = "neglect", "Neglect"
    PHYSICAL = "physical", "Physical abuse"
    EMOTIONAL = "emotional", "Emotional abuse"
    SEXUAL = "sexual", "Sexual abuse"
    MULTIPLE = "multiple", "Multiple categories"


class SenProvision(models.TextChoices):
    NONE = "none", "None"
    SEN_SUPPORT = "sen_support", "SEN support"
    EHCP_ASSESSMENT = "ehcp_assessment", "Undergoing EHC needs assessment"
    EHCP = "ehcp", "EHC plan"


class RegistrationCode(models.TextChoices):
    """How the home school registers the pupil for AP sessions (DOMAIN.md §1)."""

    B = "B", "B – school-arranged off-site alternative provision"
    D = "D", "D – dual registered at another school"
    K = "K", "K – provision arranged by the local authority"


class Transport(models.TextChoices):
    TAXI = "taxi", "Taxi"
    PARENT_CARER = "parent_carer", "Parent or carer"
    INDEPENDENT = "independent", "Independent travel"


class Frequency(models.TextChoices):
    NEVER = "never", "Never"
    OCCASIONALLY = "occasionally", "Occasionally"
    FREQUENTLY = "frequently", "Frequently"


# Seed 001 §15 "Other indicators of risk", in the form's order.
RISK_INDICATORS: list[tuple[str, str]] = [
    ("pressure", "Gives in easily to pressure from others"),
    ("temper", "Has poor control of temper"),
    ("authority", "Challenges authority"),
    ("property_damage", "Has caused damage to property"),
    ("abuses_peers", "Verbally abuses peers"),
    ("abuses_staff", "Verbally abuses staff"),
    ("aggressive", "Displays aggressive behaviour"),
    ("injury_peers", "Has caused deliberate injury to peers"),
    ("injury_staff", "Has caused deliberate injury to staff"),
    ("sexual_behaviour", "Displays sexually inappropriate behaviour"),
    ("manipulates", "Attempts to manipulate / control others"),
    ("self_harm", "Is at risk of self-harm"),
    ("substances", "Drugs / alcohol have an impact on behaviour"),
    ("weapon", "Has brought in or used an offensive weapon"),
    ("racist", "Has shown racist behaviour"),
]


class ContactRole(models.TextChoices):
    MAIN = "main", "Main contact for the placement"
    ATTENDANCE = "attendance", "Attendance contact"
    DSL = "dsl", "Designated safeguarding lead"
    SENCO = "senco", "SENCo"
    OTHER_1 = "other_1", "Other contact"
    OTHER_2 = "other_2", "Other contact"


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"


class SessionPart(models.TextChoices):
    AM = "am", "Morning"
    PM = "pm", "Afternoon"
    DAY = "day", "All day"


class ShareBasis(models.TextChoices):
    """On what basis the referral's information goes to the provider (seed 003: "Parental consent
    must always be sought"). Only CONSENT and LAWFUL_BASIS (with its reason) let it go."""

    CONSENT = "consent", "Parents or carers consented to the information being shared"
    LAWFUL_BASIS = "lawful_basis", "Parents or carers did not consent, but there is a lawful basis to share"
    REFUSED = "refused", "Parents or carers did not consent"


class EndReason(models.TextChoices):
    REINTEGRATED = "reintegrated", "Reintegrated into school"
    COMPLETED = "completed", "Completed the planned placement"
    MOVED_PROVIDER = "moved_provider", "Moved to another provider"
    CEASED_SAFETY = "ceased_safety", "Ceased: the pupil's safety"
    CEASED_PROGRESS = "ceased_progress", "Ceased: lack of progress"
    LEFT_SCHOOL = "left_school", "Left the school"
    NOT_STARTED = "not_started", "Did not start"


class Destination(models.TextChoices):
    REINTEGRATION = "reintegration", "Reintegration into school"
    FURTHER_EDUCATION = "further_education", "Further education"
    APPRENTICESHIP = "apprenticeship", "Apprenticeship or training"
    EMPLOYMENT_WITH_TRAINING = "employment_training", "Employment with training"
    NEET = "neet", "Not in education, employment or training (NEET)"
    OTHER = "other", "Other"


class ParentalAgreementMethod(models.TextChoices):
    UPLOAD = "upload", "Signed paper contract, uploaded"
    TYPED = "typed", "Name and date recorded by staff"


class EventAudience(models.TextChoices):
    SCHOOL = "school", "The school only"
    SHARED = "shared", "Everyone who sees the placement"


class EventKind(models.TextChoices):
    TRANSITION = "transition", "Status change"
    REFERRAL = "referral", "Referral"
    AGREEMENT = "agreement", "Commissioning agreement"
    PARENTAL = "parental", "Parental agreement"
    ASSESSMENT = "assessment", "Initial assessment"
    DESTINATION = "destination", "Destination"

# Events that are the school's own business (drafting, the headteacher's decision, parents).
SCHOOL_INTERNAL_EVENT_KINDS = frozenset({"referral", "parental"})

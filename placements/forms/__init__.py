"""GOV.UK forms for pupils, referrals, decisions, agreements and placements, split by concern as
placements/models/ is. Every form is built from the one kit, apcommission.forms."""

from apcommission.forms import SubmitForm, yes_no_initial

from .agreements import NOON, AgreementForm, SessionForm, TargetForm
from .decisions import DecisionForm, InitialAssessmentForm, RespondForm
from .lifecycle import DestinationForm, EndForm, ParentalAgreementForm, StatusChangeForm
from .pupils import SENSITIVE_SECTIONS, AgencyForm, ParentCarerForm, PupilForm, PupilSensitiveForm
from .referrals import (
    STEP_FORMS,
    SUBJECT_PARTS,
    SUBJECT_ROWS,
    AboutStep,
    AcademicStep,
    BehaviourStep,
    ContactsStep,
    ReasonStep,
    ReferralStartForm,
    RiskStep,
    SafeguardingStep,
    SharingStep,
    StepForm,
    TransportStep,
)

__all__ = [
    "NOON", "STEP_FORMS", "SUBJECT_PARTS", "SUBJECT_ROWS", "AboutStep", "AcademicStep", "AgencyForm", "AgreementForm",
    "BehaviourStep", "ContactsStep", "DecisionForm", "DestinationForm", "EndForm", "InitialAssessmentForm",
    "ParentCarerForm", "ParentalAgreementForm", "PupilForm", "PupilSensitiveForm", "SENSITIVE_SECTIONS", "ReasonStep", "ReferralStartForm",
    "RespondForm", "RiskStep", "SafeguardingStep", "SessionForm", "SharingStep", "StatusChangeForm", "StepForm",
    "SubmitForm", "TargetForm", "TransportStep", "yes_no_initial",
]

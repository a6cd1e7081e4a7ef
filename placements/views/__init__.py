"""Thin views, split by concern as placements/models/ is: each fetches what the organisation may see
(scoped), calls one service and renders a GOV.UK page. Refusals become error summaries
(apcommission.forms.service_errors); question pages use apcommission.forms.render_form_page."""

from .agreements import (
    agreement_agree,
    agreement_detail,
    agreement_edit,
    agreement_pdf,
    session_add,
    session_remove,
    target_add,
    target_remove,
)
from .lifecycle import (
    parental_agreement,
    parental_agreement_file,
    placement_destination,
    placement_end,
    placement_start,
    placement_status,
)
from .pages import placement_detail, placement_list
from .pupils import (
    agency_add,
    agency_remove,
    parent_add,
    parent_remove,
    pupil_create,
    pupil_detail,
    pupil_edit,
    pupil_list_view,
    pupil_sensitive_edit,
)
from .referrals import (
    initial_assessment,
    provider_response,
    referral_check,
    referral_decision,
    referral_detail,
    referral_pdf,
    referral_start,
    referral_step,
)

__all__ = [
    "agency_add", "agency_remove", "agreement_agree", "agreement_detail", "agreement_edit", "agreement_pdf",
    "initial_assessment", "parent_add", "parent_remove", "parental_agreement",
    "parental_agreement_file", "placement_destination", "placement_detail", "placement_end", "placement_list",
    "placement_start", "placement_status", "provider_response", "pupil_create", "pupil_detail", "pupil_edit",
    "pupil_list_view", "pupil_sensitive_edit", "referral_check", "referral_decision", "referral_detail",
    "referral_pdf", "referral_start", "referral_step", "session_add", "session_remove", "target_add",
    "target_remove",
]

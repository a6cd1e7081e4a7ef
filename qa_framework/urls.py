"""QA framework pages under /o/<org>/qa/ (issue 13): frameworks and versions, QA visits, the
improvement plan, signatures and the approved list. Each views module keeps its own block below."""

from django.urls import path  # noqa: F401 - the blocks below use it

from . import views_approval

app_name = "qa_framework"

urlpatterns = [
    # Frameworks (views_frameworks) and the improvement plan (views_plan) are added here.
    # Signatures, the report and the approved list (views_approval).
    path("qa/visits/<int:pk>/sign/", views_approval.visit_sign_owner, name="visit_sign_owner"),
    path("qa/visits/<int:pk>/sign-for-provider/", views_approval.visit_sign_provider, name="visit_sign_provider"),
    path("qa/visits/<int:pk>/report.pdf", views_approval.visit_report_pdf, name="visit_report_pdf"),
    path("qa/approved-list/", views_approval.approved_list, name="approved_list"),
]

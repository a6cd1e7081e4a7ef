"""QA framework pages under /o/<org>/qa/ (issue 13): frameworks and versions, QA visits, the
improvement plan, signatures and the approved list. Each views module keeps its own block below."""

from django.urls import path  # noqa: F401 - the blocks below use it

from . import views_approval, views_visits

app_name = "qa_framework"

urlpatterns = [
    # Frameworks (views_frameworks) and the improvement plan (views_plan) are added here.
    # Signatures, the report and the approved list (views_approval).
    path("qa/visits/<int:pk>/sign/", views_approval.visit_sign_owner, name="visit_sign_owner"),
    path("qa/visits/<int:pk>/sign-for-provider/", views_approval.visit_sign_provider, name="visit_sign_provider"),
    path("qa/visits/<int:pk>/report.pdf", views_approval.visit_report_pdf, name="visit_report_pdf"),
    path("qa/approved-list/", views_approval.approved_list, name="approved_list"),
    # QA visits (views_visits)
    path("qa/visits/", views_visits.visit_list, name="visit_list"),
    path("qa/visits/new/", views_visits.visit_schedule, name="visit_schedule"),
    path("qa/visits/<int:pk>/", views_visits.visit_detail, name="visit_detail"),
    path("qa/visits/<int:pk>/start/", views_visits.visit_start, name="visit_start"),
    path("qa/visits/<int:pk>/provider/", views_visits.visit_overview, name="visit_overview"),
    path("qa/visits/<int:pk>/themes/<int:number>/", views_visits.visit_theme, name="visit_theme"),
    path("qa/visits/<int:pk>/complete/", views_visits.visit_complete, name="visit_complete"),
    path("qa/visits/<int:pk>/report/", views_visits.visit_report, name="visit_report"),
    path("qa/reports/", views_visits.report_list, name="report_list"),
]

"""QA framework pages under /o/<org>/qa/ (issue 13): frameworks and versions, QA visits, the
improvement plan, signatures and the approved list. Each views module keeps its own block below."""

from django.urls import path

from . import views_approval, views_visits
from . import views_frameworks as frameworks
from . import views_plan as plan

app_name = "qa_framework"

urlpatterns = [
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
    path("qa/visits/<int:pk>/themes/<int:number>/autosave/", views_visits.visit_theme_autosave,
         name="visit_theme_autosave"),
    path("qa/visits/<int:pk>/complete/", views_visits.visit_complete, name="visit_complete"),
    path("qa/visits/<int:pk>/report/", views_visits.visit_report, name="visit_report"),
    path("qa/reports/", views_visits.report_list, name="report_list"),
    # Frameworks (views_frameworks)
    path("qa/frameworks/", frameworks.framework_list, name="framework_list"),
    path("qa/framework-versions/<int:pk>/", frameworks.framework_version, name="framework_version"),
    path("qa/framework-versions/<int:pk>/copy/", frameworks.framework_copy, name="framework_copy"),
    path("qa/framework-versions/<int:pk>/new-version/", frameworks.framework_new_draft, name="framework_new_draft"),
    path("qa/framework-versions/<int:pk>/publish/", frameworks.framework_publish, name="framework_publish"),
    path("qa/framework-versions/<int:pk>/themes/new/", frameworks.theme_add, name="theme_add"),
    path("qa/framework-versions/<int:pk>/themes/<int:number>/", frameworks.theme_edit, name="theme_edit"),
    path("qa/framework-versions/<int:pk>/themes/<int:number>/remove/", frameworks.theme_remove, name="theme_remove"),
    path("qa/framework-versions/<int:pk>/themes/<int:number>/standards/new/", frameworks.standard_add,
         name="standard_add"),
    path("qa/framework-versions/<int:pk>/standards/<str:code>/", frameworks.standard_edit, name="standard_edit"),
    path("qa/framework-versions/<int:pk>/standards/<str:code>/remove/", frameworks.standard_remove,
         name="standard_remove"),
    # Improvement plans (views_plan)
    path("qa/improvement-actions/", plan.action_list, name="action_list"),
    path("qa/visits/<int:pk>/improvement-plan/", plan.visit_plan, name="visit_plan"),
    path("qa/visits/<int:pk>/improvement-plan/new/", plan.action_add, name="action_add"),
    path("qa/improvement-actions/<int:pk>/", plan.action_edit, name="action_edit"),
    path("qa/improvement-actions/<int:pk>/close/", plan.action_close, name="action_close"),
    path("qa/our-improvement-plan/", plan.provider_plan, name="provider_plan"),
    path("qa/our-improvement-plan/<int:pk>/", plan.action_progress, name="action_progress"),
]

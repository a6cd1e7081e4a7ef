from django.urls import path

from . import reports_views, review_views, views

app_name = "monitoring"

urlpatterns = [
    path("visits/", views.visit_list, name="visit_list"),
    path("visits/overdue-by-school/", views.area_overdue, name="area_overdue"),
    path("visits/settings/", views.visit_settings, name="visit_settings"),
    path("placements/<int:pk>/monitoring/", views.placement_monitoring, name="placement_monitoring"),
    path("placements/<int:pk>/monitoring/owner/", views.visit_owner, name="visit_owner"),
    path("placements/<int:pk>/visits/new/", views.visit_create, name="visit_create"),
    path("visits/<int:pk>/", views.visit_detail, name="visit_detail"),
    path("visits/<int:pk>/edit/", views.visit_edit, name="visit_edit"),
    path("visits/<int:pk>/record.pdf", views.visit_pdf, name="visit_pdf"),
    path("visits/<int:pk>/actions/new/", views.visit_action_add, name="visit_action_add"),
    path("visit-actions/<int:pk>/done/", views.visit_action_done, name="visit_action_done"),
    path("placements/<int:pk>/reviews/new/", review_views.review_create, name="review_create"),
    path("reviews/<int:pk>/", review_views.review_detail, name="review_detail"),
    path("reviews/<int:pk>/edit/", review_views.review_edit, name="review_edit"),
    path("reviews/<int:pk>/record.pdf", review_views.review_pdf, name="review_pdf"),
    # Provider termly reports and weekly behaviour updates (monitoring/reports_views.py).
    path("placements/<int:pk>/reports/", reports_views.report_list, name="report_list"),
    path("placements/<int:pk>/behaviour-updates/new/", reports_views.behaviour_update_create,
         name="behaviour_update_create"),
    path("reports/<int:pk>/", reports_views.report_detail, name="report_detail"),
    path("reports/<int:pk>/edit/", reports_views.report_edit, name="report_edit"),
    path("reports/<int:pk>/acknowledge/", reports_views.report_acknowledge, name="report_acknowledge"),
    path("reports/<int:pk>/report.pdf", reports_views.report_pdf, name="report_pdf"),
]

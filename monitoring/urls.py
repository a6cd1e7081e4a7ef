from django.urls import path

from . import review_views, views

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
]

"""Incidents, emergency reviews, safeguarding concerns, formal reviews and ceasing under /o/<org>/."""

from django.urls import path

from . import views

app_name = "safeguarding"
urlpatterns = [
    path("placements/<int:pk>/incidents/", views.incident_list, name="incident_list"),
    path("placements/<int:pk>/incidents/new/", views.incident_create, name="incident_create"),
    path("placements/<int:pk>/concerns/new/", views.concern_create, name="concern_create"),
    path("incidents/<int:pk>/", views.incident_detail, name="incident_detail"),
    path("emergency-reviews/<int:pk>/", views.review_detail, name="review_detail"),
    path("emergency-reviews/<int:pk>/close/", views.review_close, name="review_close"),
    path("safeguarding/concerns/", views.concern_list, name="concern_list"),
    path("safeguarding/concerns/<int:pk>/", views.concern_detail, name="concern_detail"),
    path("safeguarding/concerns/<int:pk>/share/", views.concern_share, name="concern_share"),
    path("safeguarding/concerns/<int:pk>/share/<int:user_pk>/stop/", views.concern_unshare, name="concern_unshare"),
    path("placements/<int:pk>/formal-reviews/", views.formal_list, name="formal_list"),
    path("placements/<int:pk>/formal-reviews/new/", views.formal_open, name="formal_open"),
    path("placements/<int:pk>/cease/", views.placement_cease, name="placement_cease"),
    path("formal-reviews/<int:pk>/", views.formal_detail, name="formal_detail"),
    path("formal-reviews/<int:pk>/record/", views.formal_record, name="formal_record"),
]

"""The placement record (issue 14 item 1): per placement and per pupil, as a page and a PDF."""

from django.urls import path

from . import record_views as views

urlpatterns = [
    path("placements/<int:pk>/record/", views.placement_record, name="placement_record"),
    path("placements/<int:pk>/record/pdf/", views.placement_record_pdf, name="placement_record_pdf"),
    path("pupils/<int:pk>/record/", views.pupil_record, name="pupil_record"),
    path("pupils/<int:pk>/record/pdf/", views.pupil_record_pdf, name="pupil_record_pdf"),
]

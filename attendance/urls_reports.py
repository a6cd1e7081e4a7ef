"""Attendance URLs: what the school sees (included by attendance/urls.py)."""

from django.urls import path

from .views import reports

urlpatterns = [
    path("attendance/", reports.school_attendance, name="school_attendance"),
    path("attendance/placements/<int:pk>/", reports.placement_attendance, name="placement_attendance"),
    path("attendance/sessions/<int:pk>/code/", reports.session_code, name="session_code"),
    path("attendance/export/", reports.export_csv, name="export"),
]

"""Attendance URLs: alerts (included by attendance/urls.py)."""

from django.urls import path

from .views import alerts

urlpatterns = [
    path("attendance/alerts/", alerts.alert_list, name="alerts"),
    path("attendance/alerts/<int:pk>/acknowledge/", alerts.alert_acknowledge, name="alert_acknowledge"),
    path("attendance/sessions/<int:pk>/not-accounted-for/", alerts.session_not_accounted_for,
         name="session_not_accounted_for"),
]

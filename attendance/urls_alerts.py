"""Attendance URLs: alerts (included by attendance/urls.py)."""

urlpatterns: list = []

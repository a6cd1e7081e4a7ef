"""Attendance URLs: calendar (included by attendance/urls.py)."""

urlpatterns: list = []

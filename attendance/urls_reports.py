"""Attendance URLs: reports (included by attendance/urls.py)."""

urlpatterns: list = []

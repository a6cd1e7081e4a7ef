"""Attendance URLs: registers (included by attendance/urls.py)."""

urlpatterns: list = []

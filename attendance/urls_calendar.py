"""Attendance URLs: calendar and the school's attendance settings (included by attendance/urls.py)."""

from django.urls import path

from .views import calendar as views

urlpatterns = [
    # ?year=2026 chooses the academic year (2026 to 2027); this year's without it.
    path("attendance/calendar/", views.calendar, name="calendar"),
    path("attendance/calendar/terms/add/", views.term_add, name="calendar_term_add"),  # ?year=&term=autumn
    path("attendance/calendar/terms/<int:pk>/", views.term_change, name="calendar_term_change"),
    path("attendance/calendar/terms/<int:pk>/remove/", views.term_remove, name="calendar_term_remove"),
    path("attendance/calendar/own-dates/", views.own_dates, name="calendar_own_dates"),
    path("attendance/calendar/follow-la/", views.follow_la, name="calendar_follow_la"),
    path("attendance/calendar/days/add/", views.day_add, name="calendar_day_add"),
    path("attendance/calendar/days/<int:pk>/remove/", views.day_remove, name="calendar_day_remove"),
    path("attendance/settings/", views.attendance_settings, name="settings"),
]

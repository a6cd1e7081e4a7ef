"""Attendance URLs: registers (included by attendance/urls.py)."""

from django.urls import path

from .views import registers as views

R = "registers/<int:pk>/"

urlpatterns = [
    # Provider: a day's registers, one register, a change to one pupil's mark after submission
    path("registers/", views.register_list, name="register_list"),
    path(R, views.register_detail, name="register_detail"),
    path(R + "sessions/<int:spk>/change/", views.mark_change, name="mark_change"),
    # School: an absence the provider should know of in advance
    path("attendance/placements/<int:pk>/known-absence/", views.known_absence_record, name="known_absence_record"),
]

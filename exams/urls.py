from django.urls import path

from . import views

app_name = "exams"

urlpatterns = [
    path("exams/", views.entry_list, name="entry_list"),
    path("exams/new/", views.entry_choose, name="entry_choose"),
    path("placements/<int:pk>/exams/", views.placement_entries, name="placement_entries"),
    path("placements/<int:pk>/exams/new/", views.entry_create, name="entry_create"),
    path("exams/<int:pk>/", views.entry_detail, name="entry_detail"),
    path("exams/<int:pk>/edit/", views.entry_edit, name="entry_edit"),
    path("exams/<int:pk>/answer/", views.entry_answer, name="entry_answer"),
    path("exams/<int:pk>/result/", views.entry_result, name="entry_result"),
]

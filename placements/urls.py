from django.urls import path

from . import views

app_name = "placements"

urlpatterns = [
    path("pupils/", views.pupil_list_view, name="pupil_list"),
    path("pupils/<int:pk>/", views.pupil_detail, name="pupil_detail"),
]

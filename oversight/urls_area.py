from django.urls import path

from . import area_views

urlpatterns = [
    path("area/children-in-ap/", area_views.area_list, name="area_list"),
    path("area/children-in-ap/export.csv", area_views.area_export_csv, name="area_export_csv"),
    path("area/children-in-ap/export.xlsx", area_views.area_export_xlsx, name="area_export_xlsx"),
]

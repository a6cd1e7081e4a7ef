from django.urls import path

from . import census_views

urlpatterns: list = [
    path("reports/inspection-list/", census_views.inspection_list, name="census_inspection"),
    path("reports/inspection-list.csv", census_views.inspection_csv, name="census_inspection_csv"),
    path("reports/census-ap/", census_views.census_fields, name="census_fields"),
    path("reports/census-ap.csv", census_views.census_csv, name="census_fields_csv"),
]

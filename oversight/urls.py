"""Oversight URLs: each part keeps its own module (issue 14)."""

from . import urls_area, urls_census, urls_record, urls_reports

app_name = "oversight"

urlpatterns = [*urls_area.urlpatterns, *urls_reports.urlpatterns, *urls_census.urlpatterns, *urls_record.urlpatterns]

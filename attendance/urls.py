"""Attendance URLs under /o/<org>/. Each area keeps its patterns in its own module."""

from . import urls_alerts, urls_calendar, urls_registers, urls_reports

app_name = "attendance"
urlpatterns = [
    *urls_registers.urlpatterns,
    *urls_alerts.urlpatterns,
    *urls_calendar.urlpatterns,
    *urls_reports.urlpatterns,
]

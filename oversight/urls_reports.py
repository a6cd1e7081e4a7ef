from django.urls import path

from . import reports_views as views

urlpatterns = [
    path("reports/trust/", views.trust_report, name="trust_report"),
    path("reports/trust/schools/<int:pk>/", views.trust_school_report, name="trust_school_report"),
    path("reports/", views.school_report, name="school_report"),
    path("reports/governors/", views.governors_report, name="governors_report"),
    path("reports/governors/pdf/", views.governors_report_pdf, name="governors_report_pdf"),
]

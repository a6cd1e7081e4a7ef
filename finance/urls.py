from django.urls import path

from . import views

app_name = "finance"

urlpatterns = [
    path("invoices/", views.invoice_list_view, name="invoice_list"),
    path("invoices/new/", views.invoice_create_view, name="invoice_create"),
    path("invoices/export.csv", views.invoice_export_view, name="invoice_export"),
    path("invoices/<int:pk>/", views.invoice_detail_view, name="invoice_detail"),
    path("invoices/<int:pk>/lines/<int:line_pk>/", views.line_edit_view, name="line_edit"),
    path("invoices/<int:pk>/send/", views.invoice_submit_view, name="invoice_submit"),
    path("invoices/<int:pk>/decision/", views.invoice_decide_view, name="invoice_decide"),
]

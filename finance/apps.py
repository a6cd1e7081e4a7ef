from django.apps import AppConfig


class FinanceConfig(AppConfig):
    name = "finance"
    verbose_name = "Invoices checked against sessions delivered (issue 14)"
    default_auto_field = "django.db.models.BigAutoField"

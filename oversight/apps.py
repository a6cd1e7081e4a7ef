from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "oversight"
    verbose_name = "Oversight reports: children in AP, trust and governors, census, placement records (issue 14)"
    default_auto_field = "django.db.models.BigAutoField"

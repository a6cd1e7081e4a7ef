from django.apps import AppConfig


class EscalationConfig(AppConfig):
    name = "escalation"
    verbose_name = "Escalation ladders"
    default_auto_field = "django.db.models.BigAutoField"

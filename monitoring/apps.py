from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = "Monitoring placements (visits)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .ladders import register_ladders

        register_ladders()

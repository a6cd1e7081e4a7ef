from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "monitoring"
    verbose_name = "Monitoring placements (visits)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .ladders import register_ladders
        from .reports_ladders import register_ladders as register_report_ladders
        from .reports_timeline import register_sources as register_report_sources
        from .review_ladder import register_review_ladder
        from .review_timeline import register_review_timeline
        from .timeline_sources import register_sources

        register_ladders()
        register_review_ladder()
        register_review_timeline()
        register_sources()
        register_report_ladders()
        register_report_sources()

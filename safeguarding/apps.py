from django.apps import AppConfig


class SafeguardingConfig(AppConfig):
    name = "safeguarding"
    verbose_name = "Incidents, reviews, ceasing and safeguarding concerns"

    def ready(self):
        from .ladders import register_ladders
        from .timeline import register_sources

        register_ladders()  # emergency_review_overdue on the escalation engine
        register_sources()  # incidents, emergency and formal reviews, concerns on the placement's timeline

from django.apps import AppConfig


class ProvidersConfig(AppConfig):
    name = "providers"
    verbose_name = "Provider directory and due diligence"

    def ready(self):
        from .ladders import register_ladders

        register_ladders()  # expiry reminders on the escalation engine

from django.apps import AppConfig


class PlacementsConfig(AppConfig):
    name = "placements"
    verbose_name = "Pupils, referrals and placements"

    def ready(self):
        # Dependencies run one way: providers never imports placements; placements tells the
        # providers app what it counts (registration figures) and who commissions a provider.
        from providers import api as providers_api

        from . import cross_tenant
        from .ladders import register_ladders

        providers_api.register_counted_pupils(cross_tenant.counted_pupils)
        providers_api.register_commissioning_schools(cross_tenant.commissioning_school_ids)
        register_ladders()  # the initial-assessment reminders on the escalation engine

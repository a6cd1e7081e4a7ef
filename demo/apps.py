from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for every app (`manage.py load_demo_data`). It depends on the domain apps; none of
    them, and not the base app `tenancy`, depends on it."""

    name = "demo"
    verbose_name = "Demo data"

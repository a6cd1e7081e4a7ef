from django.apps import AppConfig


class AttendanceConfig(AppConfig):
    name = "attendance"
    verbose_name = "Attendance registers"

    def ready(self):
        from .ladders import register_ladders

        register_ladders()

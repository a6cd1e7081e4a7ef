from django.apps import AppConfig


class AttendanceConfig(AppConfig):
    name = "attendance"
    verbose_name = "Attendance registers"

    def ready(self):
        from .ladders import register_ladders

        register_ladders()
        # Dependencies run one way: placements and slas never import attendance; they signal after
        # commit that a placement's expected sessions may have changed, and attendance follows.
        from placements.signals import sessions_may_have_changed

        from . import sessions

        sessions_may_have_changed.connect(sessions.placements_changed, dispatch_uid="attendance.sessions")

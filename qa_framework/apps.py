from django.apps import AppConfig


class QaFrameworkConfig(AppConfig):
    name = "qa_framework"
    verbose_name = "Quality assurance framework"

    def ready(self):
        from . import wiring
        from .ladders import register_action_overdue_ladder

        wiring.connect_approved_list()  # signatures, decisions, the next-visit ladder (qasign)
        register_action_overdue_ladder()  # improvement plans (qaframe)

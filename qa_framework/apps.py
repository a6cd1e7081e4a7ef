from django.apps import AppConfig


class QaFrameworkConfig(AppConfig):
    name = "qa_framework"
    verbose_name = "Quality assurance framework"

    def ready(self):
        from . import wiring

        wiring.connect_approved_list()  # signatures, decisions, the next-visit ladder (qasign)

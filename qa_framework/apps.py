from django.apps import AppConfig


class QaFrameworkConfig(AppConfig):
    name = "qa_framework"
    verbose_name = "Quality assurance framework"

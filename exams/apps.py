from django.apps import AppConfig


class ExamsConfig(AppConfig):
    name = "exams"
    verbose_name = "Exam entries for pupils in AP (issue 14)"
    default_auto_field = "django.db.models.BigAutoField"

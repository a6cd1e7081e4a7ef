"""QA framework pages under /o/<org>/qa/ (issue 13): frameworks and versions, QA visits, the
improvement plan, signatures and the approved list. Each views module keeps its own block below."""

from django.urls import path  # noqa: F401 - the blocks below use it

app_name = "qa_framework"

urlpatterns = [
    # Frameworks (views_frameworks) and the improvement plan (views_plan) are added here.
]

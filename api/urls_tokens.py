"""The person's API tokens, inside /o/<org>/ (apcommission/urls.py org_patterns)."""

from django.urls import path

from . import views

app_name = "api_tokens"

urlpatterns = [
    path("api-tokens/", views.token_list, name="list"),
    path("api-tokens/new/", views.token_create_view, name="create"),
    path("api-tokens/<int:pk>/revoke/", views.token_revoke_view, name="revoke"),
]

"""/api/v1/ (included once by apcommission/urls.py): the OpenAPI schema, its docs page and the
endpoints the domain apps define. Anything else under /api/v1/ is a JSON 404."""

from django.urls import path, re_path

from attendance import api as attendance_api

from . import views

app_name = "api"

urlpatterns = [
    path("schema/", views.SchemaView.as_view(), name="schema"),
    path("docs/", views.DocsView.as_view(url_name="api:schema"), name="docs"),
    path("registers/", attendance_api.RegisterListView.as_view(), name="registers"),
    path("registers/<int:pk>/submit/", attendance_api.RegisterSubmitView.as_view(), name="register_submit"),
    path("sessions/<int:pk>/not-accounted-for/", attendance_api.SessionNotAccountedForView.as_view(),
         name="session_not_accounted_for"),
    re_path(r"^.*$", views.not_found, name="not_found"),
]

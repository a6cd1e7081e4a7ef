from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("notifications/", views.inbox, name="inbox"),
    path("notifications/settings/", views.email_settings, name="settings"),
    path("notifications/<int:pk>/open/", views.open_notification, name="open"),
]

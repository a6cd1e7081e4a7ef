"""Operations admin (superusers only; runs with scopes disabled): email delivery of notifications.

Filter on "Email status" to see what failed (after APC_NOTIFICATION_MAX_ATTEMPTS attempts) and why;
"Send again" gives failed notifications a fresh set of attempts.
"""

from django.contrib import admin, messages

from apcommission import clock

from .models import Notification
from .services import notification_resend


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["subject", "user", "organisation", "created_at", "urgent", "email_status", "email_digest",
                    "email_attempts", "email_next_attempt_at", "emailed_at"]
    list_filter = ["email_status", "email_digest", "urgent", "topic"]
    search_fields = ["subject", "user__email", "organisation__name", "dedupe_key"]
    date_hierarchy = "created_at"
    actions = ["send_again"]
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user", "organisation")

    @admin.action(description="Send again (failed notifications only)")
    def send_again(self, request, queryset):
        count = notification_resend(notification_ids=queryset.values_list("pk", flat=True), now=clock.now())
        self.message_user(request, f"{count} notification(s) will be sent again.", messages.SUCCESS)

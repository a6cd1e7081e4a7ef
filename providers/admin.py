"""Operations admin (superusers only; runs with scopes disabled): read-mostly views of the directory.

Staff personal details and uploaded files are not shown here: the admin is for operations, not
for reading providers' staff records or policies.
"""

from django.contrib import admin

from .models import (
    KcsieConfirmation,
    PolicyDocument,
    ProviderListing,
    ProviderProfile,
    SuitabilityCheck,
)


@admin.register(ProviderListing)
class ProviderListingAdmin(admin.ModelAdmin):
    list_display = ["provider", "local_authority", "status", "listed_at"]
    list_filter = ["status"]
    search_fields = ["provider__name", "local_authority__name"]
    raw_id_fields = ["provider", "local_authority", "status_changed_by"]


@admin.register(ProviderProfile)
class ProviderProfileAdmin(admin.ModelAdmin):
    list_display = ["provider", "legal_name", "registration_status", "registration_required", "updated_at"]
    list_filter = ["registration_status", "registration_required", "send_suitable"]
    search_fields = ["provider__name", "legal_name"]
    raw_id_fields = ["provider", "updated_by"]


@admin.register(PolicyDocument)
class PolicyDocumentAdmin(admin.ModelAdmin):
    list_display = ["provider", "kind", "issued_on", "review_on", "is_current"]
    list_filter = ["kind", "is_current"]
    search_fields = ["provider__name"]
    exclude = ["file"]
    readonly_fields = ["provider", "kind", "original_name", "content_type", "size", "sha256", "uploaded_by", "uploaded_at"]

    def has_add_permission(self, request):
        return False


@admin.register(KcsieConfirmation)
class KcsieConfirmationAdmin(admin.ModelAdmin):
    list_display = ["provider", "confirmed_by_name", "confirmed_at", "valid_until"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SuitabilityCheck)
class SuitabilityCheckAdmin(admin.ModelAdmin):
    list_display = ["school", "provider", "status", "signed_off_at", "valid_until"]
    list_filter = ["status"]

    def has_change_permission(self, request, obj=None):
        return False

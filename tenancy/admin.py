from django.contrib import admin

from .models import AuditAction, AuditEvent, Heartbeat, Membership, Organisation
from .services import audit_record, client_ip

# Changes made in the operations admin are written to the audit log of the organisation concerned,
# so an organisation's admins see who (a superuser, from where) added, changed or removed its
# members. The admin runs with scopes disabled (TenantScopeMiddleware), so these writes need no
# scope; each event names the organisation explicitly.


def describe_changes(form, fields_shown=("role", "is_active", "kind", "local_authority", "trust")) -> str:
    """Say what changed, e.g. "Django admin: role ap_lead → headteacher, job_title" (old → new
    for the fields that matter, names for the rest)."""
    parts = []
    for name in form.changed_data:
        if name in fields_shown:
            parts.append(f"{name} {form.initial.get(name)!s} → {form.cleaned_data.get(name)!s}")
        else:
            parts.append(name)
    return "Django admin: " + (", ".join(parts) or "saved")


def audit_admin(request, *, organisation, action: str, obj, detail: str) -> None:
    audit_record(organisation=organisation, user=request.user, action=action, obj=obj,
                 detail=detail, ip_address=client_ip(request))


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "local_authority", "trust", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "slug", "urn"]
    prepopulated_fields = {"slug": ["name"]}

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            audit_admin(request, organisation=obj, action=AuditAction.CREATE, obj=obj,
                        detail=f"Django admin: organisation added ({obj.get_kind_display()})")
        elif form.changed_data:
            audit_admin(request, organisation=obj, action=AuditAction.CHANGE, obj=obj,
                        detail=describe_changes(form))

    def has_delete_permission(self, request, obj=None):
        # Deactivate instead (is_active): an organisation's audit log must outlive it, and audit
        # events protect the organisation they belong to.
        return False


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["user__email", "organisation__name"]
    raw_id_fields = ["user", "organisation"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            audit_admin(request, organisation=obj.organisation, action=AuditAction.CREATE, obj=obj,
                        detail=f"Django admin: {obj.user.email} added as {obj.get_role_display()}")
            return
        if not form.changed_data:
            return
        detail = describe_changes(form)
        if "is_active" in form.changed_data:
            detail = f"{detail} ({'reactivated' if obj.is_active else 'deactivated'})"
        audit_admin(request, organisation=obj.organisation, action=AuditAction.CHANGE, obj=obj, detail=detail)
        if "organisation" in form.changed_data:
            # Moved to another organisation: the one it left hears about it as well.
            previous = Organisation.objects.filter(pk=form.initial.get("organisation")).first()
            if previous is not None:
                audit_admin(request, organisation=previous, action=AuditAction.CHANGE, obj=obj, detail=detail)

    def delete_model(self, request, obj):
        self._audit_deletion(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for membership in queryset.select_related("organisation", "user"):
            self._audit_deletion(request, membership)
        super().delete_queryset(request, queryset)

    def _audit_deletion(self, request, obj):
        audit_admin(request, organisation=obj.organisation, action=AuditAction.DELETE, obj=obj,
                    detail=f"Django admin: membership of {obj.user.email} ({obj.get_role_display()}) deleted")


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: nobody edits or deletes the audit log."""

    list_display = ["at", "organisation", "user", "action", "object_repr", "ip_address"]
    list_filter = ["action"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.register(Heartbeat)
admin.site.site_header = "apcommission operations"

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render

from .models import AuditEvent
from .permissions import org_view
from .roles import Capability
from .selectors import memberships_for_user


@login_required
def organisation_switch(request):
    """Every organisation the person belongs to; pick one to work in."""
    return render(request, "tenancy/organisation_switch.html", {"memberships": memberships_for_user(request.user)})


@org_view(Capability.VIEW_AUDIT_LOG)
def audit_log(request, org):
    events = AuditEvent.objects.select_related("user", "content_type")
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "tenancy/audit_log.html", {"page": page})

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from tenancy.models import AuditAction
from tenancy.permissions import org_view
from tenancy.roles import Capability
from tenancy.services import audit_request

from .selectors import pupil_list


@org_view(Capability.VIEW_PUPILS)
def pupil_list_view(request, org):
    page = Paginator(pupil_list(), 50).get_page(request.GET.get("page"))
    return render(request, "placements/pupil_list.html", {"page": page})


@org_view(Capability.VIEW_PUPILS)
def pupil_detail(request, org, pk):
    pupil = get_object_or_404(pupil_list(), pk=pk)
    audit_request(request, action=AuditAction.VIEW, obj=pupil)
    return render(request, "placements/pupil_detail.html", {"pupil": pupil})

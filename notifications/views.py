from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from apcommission import clock
from tenancy.permissions import org_view
from tenancy.roles import Capability

from .selectors import inbox_for
from .services import notification_mark_read


@org_view(Capability.VIEW_DASHBOARD)
def inbox(request, org):
    page = Paginator(inbox_for(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page})


@org_view(Capability.VIEW_DASHBOARD)
@require_POST
def open_notification(request, org, pk):
    note = get_object_or_404(inbox_for(request.user), pk=pk)
    notification_mark_read(notification=note, now=clock.now())
    if note.link and url_has_allowed_host_and_scheme(note.link, allowed_hosts=None):
        return redirect(note.link)
    return redirect("notifications:inbox", org=org)

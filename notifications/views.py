from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from apcommission import clock
from apcommission.forms import posted, render_form_page
from tenancy.permissions import org_view
from tenancy.roles import Capability

from .forms import EmailPreferenceForm
from .selectors import email_frequency_for, inbox_for
from .services import email_preference_set, notification_mark_read


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


@org_view(Capability.VIEW_DASHBOARD)
def email_settings(request, org):
    """The signed-in member's choice: each notification emailed straight away, or a daily summary."""
    membership = request.membership
    form = EmailPreferenceForm(posted(request), initial={"frequency": email_frequency_for(membership)})
    if request.method == "POST" and form.is_valid():
        email_preference_set(membership=membership, frequency=form.cleaned_data["frequency"], now=clock.now())
        messages.success(request, "Your notification settings have been saved.")
        return redirect("notifications:settings", org=org)
    return render_form_page(
        request, form, title="Notification settings", caption=request.organisation.name,
        back_url=reverse("notifications:inbox", kwargs={"org": org}), back_label="Back to notifications",
        intro="Every notification appears in your notifications in this service. Choose when we email them to "
              f"you for {request.organisation.name}.",
        status=400 if form.errors else 200,
    )

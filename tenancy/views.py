from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.forms import ConfirmForm, InvitationForm
from accounts.models import Invitation
from accounts.services import InvitationUnusable, invitation_create, invitation_revoke
from apcommission import clock
from apcommission.forms import add_service_errors, posted

from .models import AuditEvent, Membership
from .permissions import org_view
from .roles import Capability
from .selectors import members_of_current_organisation, memberships_for_user
from .services import client_ip, membership_deactivate


@login_required
def organisation_switch(request):
    """Every organisation the person belongs to; pick one to work in."""
    return render(request, "tenancy/organisation_switch.html", {"memberships": memberships_for_user(request.user)})


@org_view(Capability.MANAGE_MEMBERS)
def member_list(request, org):
    now = clock.now()
    invitations = [
        (inv, inv.status(now=now)) for inv in Invitation.objects.select_related("invited_by")[:50]
    ]
    return render(request, "tenancy/member_list.html", {
        "members": members_of_current_organisation(),
        "invitations": invitations,
    })


@org_view(Capability.MANAGE_MEMBERS)
def member_invite(request, org):
    form = InvitationForm(posted(request), organisation=request.organisation)
    if request.method == "POST" and form.is_valid():
        try:
            invitation, _ = invitation_create(
                organisation=request.organisation, invited_by=request.user,
                now=clock.now(), base_url=request.build_absolute_uri("/"),
                ip_address=client_ip(request), **form.cleaned_data,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Invitation sent to {invitation.email}.")
            return redirect("tenancy:member_list", org=org)
    return render(request, "tenancy/member_invite.html", {"form": form})


@org_view(Capability.MANAGE_MEMBERS)
@require_POST
def invitation_revoke_view(request, org, pk):
    invitation = get_object_or_404(Invitation, pk=pk)
    try:
        invitation_revoke(invitation=invitation, by=request.user, now=clock.now(), ip_address=client_ip(request))
    except InvitationUnusable as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Invitation to {invitation.email} withdrawn.")
    return redirect("tenancy:member_list", org=org)


@org_view(Capability.MANAGE_MEMBERS)
def member_remove(request, org, pk):
    membership = get_object_or_404(Membership.objects.select_related("user"), pk=pk, is_active=True)
    form = ConfirmForm(posted(request), submit="Remove from organisation")
    if request.method == "POST" and form.is_valid():
        try:
            membership_deactivate(membership=membership, by=request.user)
        except ValueError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"{membership.user.full_name} no longer has access.")
        return redirect("tenancy:member_list", org=org)
    return render(request, "tenancy/member_remove.html", {"membership": membership, "form": form})


@org_view(Capability.VIEW_AUDIT_LOG)
def audit_log(request, org):
    events = AuditEvent.objects.select_related("user", "content_type")
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "tenancy/audit_log.html", {"page": page})

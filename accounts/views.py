from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from apcommission import clock
from apcommission.forms import add_service_errors, posted
from tenancy.models import Membership
from tenancy.permissions import org_view
from tenancy.roles import Capability
from tenancy.selectors import members_of_current_organisation
from tenancy.services import client_ip, membership_deactivate

from .forms import AcceptInvitationForm, ConfirmForm, InvitationForm
from .models import Invitation
from .selectors import invitation_by_token
from .services import InvitationUnusable, invitation_accept, invitation_create, invitation_revoke

BACKEND = "django.contrib.auth.backends.ModelBackend"


def invitation_accept_view(request, token: str):
    """Public: the link in an invitation email. The token is the grant; it works once."""
    invitation = invitation_by_token(token)
    now = clock.now()
    if invitation is None or invitation.status(now=now) != "pending":
        return render(request, "accounts/invitation_unusable.html", status=410)

    from .models import User

    existing = User.objects.filter(email__iexact=invitation.email).first()
    if existing is not None:
        if not request.user.is_authenticated:
            messages.info(request, f"Sign in as {invitation.email} to accept the invitation.")
            return redirect(f"{reverse('account_login')}?next={request.path}")
        if request.user.pk != existing.pk:
            return render(request, "accounts/invitation_wrong_account.html",
                          {"invitation": invitation}, status=403)
        form = ConfirmForm(posted(request), submit=f"Join {invitation.organisation.name}")
        if request.method == "POST" and form.is_valid():
            return _accept(request, invitation, now, user=request.user)
        return render(request, "accounts/invitation_join.html", {"invitation": invitation, "form": form})

    form = AcceptInvitationForm(posted(request), invitation=invitation)
    if request.method == "POST" and form.is_valid():
        return _accept(request, invitation, now, full_name=form.cleaned_data["full_name"],
                       password=form.cleaned_data["password1"])
    return render(request, "accounts/invitation_accept.html", {"invitation": invitation, "form": form})


def _accept(request, invitation, now, **kwargs):
    try:
        membership = invitation_accept(invitation=invitation, now=now, **kwargs)
    except InvitationUnusable as exc:
        messages.error(request, str(exc))
        return render(request, "accounts/invitation_unusable.html", status=410)
    if not request.user.is_authenticated:
        login(request, membership.user, backend=BACKEND)
    messages.success(request, f"You have joined {membership.organisation.name}.")
    return redirect("dashboard", org=membership.organisation.slug)


# --- People in an organisation: members and invitations (the organisation's MANAGE_MEMBERS) ---
# Here, not in tenancy: tenancy is the base app and imports no other app (tests/test_import_graph.py).

@org_view(Capability.MANAGE_MEMBERS)
def member_list(request, org):
    now = clock.now()
    invitations = [
        (inv, inv.status(now=now)) for inv in Invitation.objects.select_related("invited_by")[:50]
    ]
    members = list(members_of_current_organisation())
    return render(request, "tenancy/member_list.html", {
        "members": members,
        "active_count": sum(1 for m in members if m.is_active),
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
            return redirect("accounts:member_list", org=org)
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
    return redirect("accounts:member_list", org=org)


@org_view(Capability.MANAGE_MEMBERS)
def member_remove(request, org, pk):
    membership = get_object_or_404(Membership.objects.select_related("user"), pk=pk, is_active=True)
    form = ConfirmForm(posted(request), submit="Remove from organisation")
    if request.method == "POST" and form.is_valid():
        try:
            membership_deactivate(membership=membership, by=request.user)
        except ValueError as exc:
            form.add_error(None, str(exc))  # shown in the page's error summary
        else:
            messages.success(request, f"{membership.user.full_name} no longer has access.")
            return redirect("accounts:member_list", org=org)
    return render(request, "tenancy/member_remove.html", {"membership": membership, "form": form},
                  status=400 if form.errors else 200)

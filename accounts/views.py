from django.contrib import messages
from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.urls import reverse

from apcommission import clock
from apcommission.forms import posted

from .forms import AcceptInvitationForm, ConfirmForm
from .selectors import invitation_by_token
from .services import InvitationUnusable, invitation_accept

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

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render

from apcommission import clock
from tenancy.models import Heartbeat
from tenancy.permissions import org_view
from tenancy.roles import Capability
from tenancy.selectors import membership_for_slug, memberships_for_user

from .dashboards import dashboard_context


@login_required
def home(request):
    """Send the person to the organisation they last worked in (or their only one)."""
    memberships = memberships_for_user(request.user)
    last = request.session.get("apc_last_org")
    if last and membership_for_slug(request.user, last):
        return redirect("dashboard", org=last)
    if len(memberships) == 1:
        return redirect("dashboard", org=memberships[0].organisation.slug)
    return redirect("organisation_switch")


@org_view(Capability.VIEW_DASHBOARD)
def dashboard(request, org):
    return render(request, "dashboard.html", dashboard_context(request.membership))


def healthz(request):
    """For load balancers and the run script: database reachable, last worker heartbeat."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    beat = Heartbeat.objects.filter(name="heartbeat").first()
    return JsonResponse({
        "status": "ok",
        "now": clock.now().isoformat(),
        "heartbeat_at": beat.last_seen_at.isoformat() if beat else None,
        "heartbeat_runs": beat.runs if beat else 0,
    })


def page_not_found(request):
    """For third-party URLs we switch off (allauth's e-mail management)."""
    return render(request, "404.html", status=404)


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def error_500(request):
    return render(request, "500.html", status=500)

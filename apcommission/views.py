import logging

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection, transaction
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from apcommission import clock
from apcommission.celery import check_broker
from tenancy.models import Heartbeat
from tenancy.permissions import org_view
from tenancy.roles import Capability
from tenancy.selectors import membership_for_slug, memberships_for_user

from .dashboards import dashboard_context

log = logging.getLogger(__name__)


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


@never_cache
@transaction.non_atomic_requests  # a database that is down is reported, not raised as a 500
def healthz(request):
    """Readiness of the whole service, as JSON: 200 when every check passes, else 503.

    Checks: the database answers; the broker accepts a connection; the last heartbeat (written
    by the worker for beat every APC_HEARTBEAT_SECONDS) is at most APC_HEARTBEAT_MAX_AGE_SECONDS
    old (none yet counts as failing). `?web=1` is the liveness check for a container: the web
    process answers (200), whatever the database, broker or worker do.
    """
    now = clock.now()
    if request.GET.get("web"):
        return JsonResponse({"status": "ok", "check": "web", "now": now.isoformat()})
    body = {"status": "ok", "now": now.isoformat(), "database": "ok", "broker": "ok",
            "heartbeat_age_seconds": None, "heartbeat_max_age_seconds": settings.APC_HEARTBEAT_MAX_AGE_SECONDS,
            "heartbeat_at": None, "heartbeat_runs": 0}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        beat = Heartbeat.objects.filter(name="heartbeat").first()
    except DatabaseError as exc:
        log.error("healthz: database check failed", exc_info=True)
        body["database"] = f"fail: {type(exc).__name__}"
        beat = None
    try:
        check_broker()
    except Exception as exc:  # any failure to connect, whatever the transport raises
        log.error("healthz: broker check failed", exc_info=True)
        body["broker"] = f"fail: {type(exc).__name__}"
    if beat is not None:
        age = (now - beat.last_seen_at).total_seconds()
        body.update(heartbeat_age_seconds=round(age, 1), heartbeat_at=beat.last_seen_at.isoformat(),
                    heartbeat_runs=beat.runs)
    fresh = beat is not None and body["heartbeat_age_seconds"] <= settings.APC_HEARTBEAT_MAX_AGE_SECONDS
    body["heartbeat"] = "ok" if fresh else ("fail: none yet" if beat is None else "fail: too old")
    if body["database"] != "ok" or body["broker"] != "ok" or not fresh:
        body["status"] = "fail"
    return JsonResponse(body, status=200 if body["status"] == "ok" else 503)


def page_not_found(request):
    """For third-party URLs we switch off (allauth's e-mail management)."""
    return render(request, "404.html", status=404)


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def error_500(request):
    return render(request, "500.html", status=500)

from django.conf import settings

from .navigation import navigation_for
from .selectors import memberships_for_user


def tenant(request):
    membership = getattr(request, "membership", None)
    user = getattr(request, "user", None)
    memberships = memberships_for_user(user) if user is not None else []
    return {
        "service_name": settings.SERVICE_NAME,
        "current_membership": membership,
        "current_organisation": getattr(request, "organisation", None),
        "user_memberships": memberships,
        "has_other_memberships": len(memberships) > 1,
        "nav_items": navigation_for(request, membership),
    }

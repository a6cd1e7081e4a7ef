from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role

from .registry import UrlSpec


def _notification(world, side):
    from apcommission import clock
    from notifications.services import notify

    org = world.org(K.SCHOOL, side)
    # The spec's capable role for VIEW_DASHBOARD is the alphabetically first school role.
    rows = notify(organisation=org, roles=[Role.AP_LEAD], topic="test", subject=f"Hello {side}",
                  body="Body", dedupe_key=f"isolation-{side}-{clock.now().timestamp()}", now=clock.now())
    return {"pk": rows[0].pk}


URLS = {
    "notifications:inbox": UrlSpec(K.SCHOOL, wrong_role_absent="every member has an inbox"),
    "notifications:open": UrlSpec(K.SCHOOL, kwargs=_notification, method="post", ok_status=302,
                                  right_role=Role.AP_LEAD, wrong_role_absent="every member has an inbox"),
}

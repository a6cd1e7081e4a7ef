import itertools

from tenancy.roles import OrganisationKind as K

from .registry import UrlSpec

_serial = itertools.count()


def _notification(world, side, *, kind=K.SCHOOL, role):
    from apcommission import clock
    from notifications.services import notify

    org = world.org(kind, side)
    # Addressed to the role that opens it: a notification for another role is not theirs (404).
    rows = notify(organisation=org, roles=[role], topic="test", subject=f"Hello {side}",
                  body="Body", dedupe_key=f"isolation-{side}-{kind}-{role}-{next(_serial)}", now=clock.now())
    return {"pk": rows[0].pk}


def _read_at(world, kwargs):
    from notifications.models import Notification

    return Notification.objects.filter(pk=kwargs["pk"]).values_list("read_at", flat=True).get()


URLS = {
    "notifications:inbox": UrlSpec(),
    # The member's own email choice: every role of every kind may set it (view_dashboard).
    "notifications:settings": UrlSpec(),
    "notifications:open": UrlSpec(kwargs=_notification, method="post", ok_status=302, state=_read_at),
}

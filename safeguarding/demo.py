"""Demo incidents, an open emergency review and a restricted concern (`load_safeguarding_demo`).

Called by `manage.py load_demo_data` after the placements and registers. Through the services, as
the provider's own staff: three behaviour incidents on Harvey Walsh's placement at Pathways (already
in emergency review) open its emergency review record; an accident on Jayden Clarke's at Forge
Skills; a safeguarding concern on Amelia Wright's at Pathways for the two DSLs. Idempotent: a
placement that already has incidents or concerns is left as it is.
"""

from __future__ import annotations

import datetime as dt

from placements.models import Placement
from tenancy.scoping import scope

from . import services
from .models import Incident, SafeguardingConcern

BEHAVIOUR = [
    (6, "Classroom", "Refused to stay in the lesson and swore at a tutor.", "Time out; spoke with the pupil."),
    (4, "Workshop", "Threw a tool across the workshop; nobody was hurt.", "Removed from the workshop for the day."),
    (1, "Car park", "Left the site without permission at lunchtime.", "Followed the missing pupil procedure."),
]


def _placement(provider, first: str, last: str) -> Placement | None:
    with scope(organisation=provider):
        return Placement.objects.filter(pupil__first_name=first, pupil__last_name=last).first()


def load_safeguarding_demo(orgs: dict, users: dict, now: dt.datetime) -> None:
    pathways, forge = orgs.get("pathways"), orgs.get("forge-skills")
    staff, forge_manager = users.get("provider-staff"), users.get("forge-manager")
    if pathways is None or forge is None:
        return
    harvey = _placement(pathways, "Harvey", "Walsh")
    with scope(organisation=pathways):
        if harvey is not None and not Incident.objects.filter(placement=harvey).exists():
            for days_ago, where, what, action in BEHAVIOUR:
                services.incident_record(
                    placement=harvey, kind="behaviour", by=staff, organisation=pathways, now=now,
                    data={"occurred_at": now - dt.timedelta(days=days_ago), "location": where, "description": what,
                          "action_taken": action, "parent_informed": True,
                          "parent_informed_at": now - dt.timedelta(days=days_ago, hours=-2)})
    jayden = _placement(forge, "Jayden", "Clarke")
    with scope(organisation=forge):
        if jayden is not None and not Incident.objects.filter(placement=jayden).exists():
            services.incident_record(
                placement=jayden, kind="accident", by=forge_manager, organisation=forge, now=now,
                data={"occurred_at": now - dt.timedelta(days=2), "location": "Workshop",
                      "description": "Cut a finger on sheet metal.", "action_taken": "Gloves checked for everyone.",
                      "injury": "Small cut to the left index finger.", "first_aid": "Cleaned and dressed.",
                      "parent_informed": True, "parent_informed_at": now - dt.timedelta(days=2, hours=-1)})
    amelia = _placement(pathways, "Amelia", "Wright")
    with scope(organisation=pathways):
        if amelia is not None and not SafeguardingConcern.objects.filter(placement=amelia).exists():
            services.concern_raise(
                placement=amelia, by=staff, organisation=pathways, now=now,
                data={"occurred_at": now - dt.timedelta(hours=3),
                      "what": "Said an older friend collects her after sessions and gives her money.",
                      "people": "Told her tutor, Ellie Turner. No one else told yet.",
                      "immediate_action": "Reassured her; recorded her words; told the provider DSL at once."})

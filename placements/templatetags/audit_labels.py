"""Names, not ids, in the audit log (issue 10): "Placement for Jayden Clarke at Pathways", not
"Placement 13" — but never more than the person reading the log may see.

    {% load audit_labels %}
    {% audit_record_labels page.object_list current_membership as labels %}
    {{ labels|get_label:e }}

Pupils are named through placements.selectors (pupil_reader, list_label): a reader without the
identity group (an organisation admin, say) reads "Referral P-13" and "a pupil's record", never the
name the event stored when it was written. Records are looked up through the scoping layer (the
log's organisation), a few queries per page whatever its length; one that is gone or out of scope
keeps its stored description, except a pupil's, which is not repeated.
"""

from __future__ import annotations

from collections import defaultdict

from django import template

from placements.models import (
    CommissioningAgreement,
    OtherAgency,
    ParentCarer,
    Placement,
    Pupil,
    PupilSensitive,
    Referral,
)
from placements.selectors import list_label, pupil_reader
from tenancy.visibility import DataGroup

register = template.Library()

PUPIL_LINKED = {  # model label -> how the record reaches its pupil
    "placements.pupilsensitive": "pupil",
    "placements.parentcarer": "pupil",
    "placements.otheragency": "pupil",
}
PLACEMENT_LINKED = {"placements.referral", "placements.commissioningagreement"}


def _kind(event) -> str:
    return f"{event.content_type.app_label}.{event.content_type.model}"


def _ids(events, label: str) -> list[int]:
    return [int(e.object_id) for e in events if _kind(e) == label and e.object_id.isdigit()]


def _pupil_name(pupil: Pupil, membership) -> str | None:
    if pupil_reader(pupil, membership).can(DataGroup.IDENTITY):
        return f"{pupil.first_name} {pupil.last_name}"
    return None


def _placement_phrase(placement: Placement, membership) -> str:
    return f"{list_label(placement, membership).text} at {placement.provider.name}"


def record_labels(events, membership) -> dict[int, str]:
    """AuditEvent pk -> what the record is, in words the reader may see."""
    events = list(events)
    labels: dict[int, str] = {}

    placements = Placement.objects.select_related("pupil", "provider").in_bulk(_ids(events, "placements.placement"))
    referrals = Referral.objects.select_related("placement__pupil", "placement__provider").in_bulk(
        _ids(events, "placements.referral"))
    agreements = CommissioningAgreement.objects.select_related("placement__pupil", "placement__provider").in_bulk(
        _ids(events, "placements.commissioningagreement"))
    pupils = Pupil.objects.in_bulk(_ids(events, "placements.pupil"))
    linked = defaultdict(dict)
    for model in (PupilSensitive, ParentCarer, OtherAgency):
        label = model._meta.label_lower
        linked[label] = model.objects.select_related("pupil").in_bulk(_ids(events, label))

    for e in events:
        kind, pk = _kind(e), int(e.object_id) if e.object_id.isdigit() else None
        text = None
        if kind == "placements.placement" and pk in placements:
            text = f"Placement: {_placement_phrase(placements[pk], membership)}"
        elif kind == "placements.referral" and pk in referrals:
            text = f"Referral: {_placement_phrase(referrals[pk].placement, membership)}"
        elif kind == "placements.commissioningagreement" and pk in agreements:
            agreement = agreements[pk]
            text = (f"Commissioning agreement, version {agreement.version}: "
                    f"{_placement_phrase(agreement.placement, membership)}")
        elif kind == "placements.pupil":
            name = _pupil_name(pupils[pk], membership) if pk in pupils else None
            text = f"Pupil: {name}" if name else "Pupil: name not shown to your role"
        elif kind in PUPIL_LINKED:
            record = linked[kind].get(pk)
            name = _pupil_name(record.pupil, membership) if record is not None else None
            what = {"placements.pupilsensitive": "Special-category record",
                    "placements.parentcarer": "Parent or carer",
                    "placements.otheragency": "Other agency"}[kind]
            text = f"{what} of {name}" if name else f"{what} of a pupil (name not shown to your role)"
        if text is None:
            text = f"{e.content_type.name[:1].upper()}{e.content_type.name[1:]}: {e.object_repr}"
        labels[e.pk] = text
    return labels


@register.simple_tag
def audit_record_labels(events, membership):
    return record_labels(events, membership)


@register.filter
def get_label(labels, event):
    return labels.get(event.pk, "")

"""Names, not ids, in the audit log (issue 10) — and never more than the reader may see.

The log said "Placement 13 at Provider A" and, for a pupil, whatever name the event stored. Now
each record is described through placements.selectors' need-to-know labels: a reader with the
identity group reads the pupil's name; an organisation admin (who reads the log but no pupil data,
tenancy.visibility) reads the referral's reference and never a pupil's name.
"""

from __future__ import annotations

from bs4 import BeautifulSoup

from placements.templatetags.audit_labels import record_labels
from tenancy.models import AuditAction, AuditEvent
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scope
from tenancy.services import audit_record


def _record_cells(html: bytes) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    return [" ".join(row.find_all("td")[3].get_text().split()) for row in soup.select("tbody tr")]


def test_admin_reads_references_not_names(shared_provider_world, login):
    world = shared_provider_world
    school = world.org(K.SCHOOL, "c")
    placement, pupil = world.placements["c"], world.pupils["c"]
    lead = world.user(K.SCHOOL, Role.AP_LEAD, "c")
    with scope(organisation=school):
        audit_record(organisation=school, user=lead, action=AuditAction.VIEW, obj=placement)
        audit_record(organisation=school, user=lead, action=AuditAction.VIEW, obj=pupil)
        audit_record(organisation=school, user=lead, action=AuditAction.VIEW, obj=placement.referral)

    page = login(world.user(K.SCHOOL, Role.ORG_ADMIN, "c")).get(f"/o/{school.slug}/audit/")
    assert page.status_code == 200
    cells = _record_cells(page.content)
    provider = world.org(K.PROVIDER, "c").name
    assert f"Placement: Referral P-{placement.pk} at {provider}" in cells
    assert f"Referral: Referral P-{placement.pk} at {provider}" in cells
    assert "Pupil: name not shown to your role" in cells
    assert pupil.first_name not in page.content.decode()  # the stored description named the pupil
    assert f"Placement {placement.pk}" not in " ".join(cells)


def test_a_reader_with_identity_reads_the_pupil_s_name(shared_provider_world):
    world = shared_provider_world
    school = world.org(K.SCHOOL, "c")
    placement, pupil = world.placements["c"], world.pupils["c"]
    lead = world.member(K.SCHOOL, Role.AP_LEAD, "c")
    with scope(organisation=school):
        first = audit_record(organisation=school, user=lead.user, action=AuditAction.VIEW, obj=placement)
        audit_record(organisation=school, user=lead.user, action=AuditAction.VIEW, obj=pupil)
        events = list(AuditEvent.objects.filter(pk__gte=first.pk).select_related("content_type"))
        labels = sorted(record_labels(events, lead).values())
    name = f"{pupil.first_name} {pupil.last_name}"
    assert labels == [f"Placement: {name} at {world.org(K.PROVIDER, 'c').name}", f"Pupil: {name}"]

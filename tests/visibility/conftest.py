"""A world full of sentinels, built once per test module (issue 8, "content tests").

One pupil (school a's `pupils["a"]`) has a live (active) placement at provider a: the referral is
filled in and sent with every optional section shared, the commissioning agreement is agreed by
both sides and has a target, and the pupil has a special-category record, a parent and another
agency. Every text field that placements/data_groups.FIELD_GROUPS puts in a data group holds a
unique sentinel `Z<GROUP CODE><n>Q` (emails: `<sentinel>@example.org`; the UPN keeps its valid
value and is searched for as it is). `SENTINELS` maps each sentinel to (data group, model.field).

Also, in the same world: school c's pupil (side "c" of the World: same LA and provider, not in
trust a) carries `Z...Q` sentinels in OTHER_SCHOOL; a second school a pupil whose referral provider
a declined carries them in DECLINED.

The world is built inside one transaction that is rolled back when the module is done; each test
runs in its own savepoint inside it (pytest-django's `db`), so tests cannot change it for others.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from dataclasses import dataclass, field

import pytest
from django.db import models, transaction

from placements.data_groups import FIELD_GROUPS
from tenancy.visibility import DataGroup as G

NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)

CODES = {
    G.IDENTITY: "IDN", G.PARENTS: "PAR", G.EDUCATION: "EDU", G.ATTENDANCE: "ATT", G.ACCESS_ARRANGEMENTS: "ACC",
    G.REFERRAL_REASON: "RSN", G.SEN: "SEN", G.MEDICAL: "MED", G.SAFEGUARDING: "SAF", G.MENTAL_HEALTH: "MHL",
    G.EQUALITY: "EQU", G.COSTS: "CST",
}
# Fields that must keep a valid value (searched for as they are) or hold no free text.
VALIDATED = {("Pupil", "upn"), ("Placement", "dual_school_urn")}  # formats a sentinel cannot take


@dataclass
class SentinelWorld:
    world: object
    placement: object  # pupil a's active placement at provider a
    pupil: object
    declined: object  # another school a pupil's placement, declined by provider a
    sentinels: dict = field(default_factory=dict)  # sentinel -> (group, "Model.field")
    other_school: dict = field(default_factory=dict)  # sentinel -> "Model.field" (school c's pupil)
    declined_sentinels: dict = field(default_factory=dict)  # sentinel -> "Model.field" (declined pupil)

    def of_group(self, group) -> dict:
        return {s: where for s, (g, where) in self.sentinels.items() if g == group}


class _Namer:
    def __init__(self):
        self.counters = {}

    def __call__(self, prefix: str) -> str:
        n = self.counters[prefix] = self.counters.get(prefix, 0) + 1
        return f"Z{prefix}{n}Q"


def _fill(obj, model_name: str, namer, record: dict, *, prefix_for=lambda group: CODES[group], skip=()):
    """Write a sentinel into every free-text field of `obj` that FIELD_GROUPS lists."""
    for name, group in FIELD_GROUPS[model_name].items():
        f = obj._meta.get_field(name)
        if name in skip or (model_name, name) in VALIDATED or f.choices:
            continue
        if not isinstance(f, models.CharField | models.TextField):
            continue  # dates, booleans, numbers, JSON (filled by hand below)
        sentinel = namer(prefix_for(group))
        value = f"{sentinel}@example.org" if isinstance(f, models.EmailField) else sentinel
        assert len(value) <= (f.max_length or 10_000), (model_name, name)
        setattr(obj, name, value)
        record[value] = (group, f"{model_name}.{name}")
    obj.save()


def _build() -> SentinelWorld:
    from placements.factories import PupilFactory, placement_in_state
    from placements.models import (
        CommissioningAgreement,
        OtherAgency,
        ParentCarer,
        PupilSensitive,
        Referral,
        Target,
    )
    from placements.referral_sections import OPTIONAL_SECTIONS
    from tenancy.roles import OrganisationKind as K
    from tenancy.scoping import scopes_disabled
    from tests.conftest import build_world

    world = build_world(second_school=True)
    namer = _Namer()
    record: dict = {}
    with scopes_disabled():
        pupil = world.pupils["a"]
        placement = placement_in_state(pupil=pupil, provider=world.org(K.PROVIDER), state="active", now=NOW)
        _fill(pupil, "Pupil", namer, record)
        record[pupil.upn] = (G.IDENTITY, "Pupil.upn")
        sensitive = PupilSensitive.objects.create(
            pupil=pupil, looked_after="statutory", date_in_care=dt.date(2019, 3, 4), child_protection=True,
            child_protection_category="neglect", child_in_need=True, youth_offending_service=True,
            sen_provision="ehcp", disabled=True, mental_health_referral=True)
        _fill(sensitive, "PupilSensitive", namer, record)
        _fill(ParentCarer(pupil=pupil, lives_with_pupil=False), "ParentCarer", namer, record)
        _fill(OtherAgency(pupil=pupil), "OtherAgency", namer, record)

        referral = Referral.objects.get(placement=placement)
        referral.shared_sections = [s.key for s in OPTIONAL_SECTIONS]
        referral.transport = "parent_carer"
        referral.violence_history = referral.significant_harm = referral.other_ap = True
        contacts = {}
        for role in ("main", "dsl", "attendance"):
            name, position, email = (namer(CODES[G.IDENTITY]) for _ in range(3))
            contacts[role] = {"name": name, "position": position, "email": f"{email}@example.org"}
            record.update({name: (G.IDENTITY, "Referral.school_contacts"),
                           position: (G.IDENTITY, "Referral.school_contacts"),
                           f"{email}@example.org": (G.IDENTITY, "Referral.school_contacts")})
        referral.school_contacts = contacts
        subject = {"key": "english"}
        for key in ("subject", "specification", "delivered_by", "target_grade", "current_grade"):
            subject[key] = namer(CODES[G.EDUCATION])
            record[subject[key]] = (G.EDUCATION, f"Referral.subjects.{key}")
        referral.subjects = [subject]
        # Taxi details are shown only for taxi transport: the pupil travels with a parent here.
        _fill(referral, "Referral", namer, record, skip=("taxi_company", "taxi_phone"))

        agreement = CommissioningAgreement.objects.get(placement=placement)
        _fill(agreement, "CommissioningAgreement", namer, record)
        for target in Target.objects.filter(agreement=agreement):
            _fill(target, "Target", namer, record)
        placement.refresh_from_db()
        _fill(placement, "Placement", namer, record)

        # School c's pupil at the same provider.
        other_record: dict = {}
        other = world.pupils["c"]
        _fill(other, "Pupil", namer, other_record, prefix_for=lambda group: "OTHERSCHOOL")
        other_sensitive = PupilSensitive.objects.get(pupil=other)
        _fill(other_sensitive, "PupilSensitive", namer, other_record, prefix_for=lambda group: "OTHERSCHOOL")
        other_record[other.upn] = (G.IDENTITY, "Pupil.upn")

        # A school a pupil whose referral provider a declined.
        declined_record: dict = {}
        declined_pupil = PupilFactory(school=world.org(K.SCHOOL))
        _fill(declined_pupil, "Pupil", namer, declined_record, prefix_for=lambda group: "DECLINED")
        declined_record[declined_pupil.upn] = (G.IDENTITY, "Pupil.upn")
        declined = placement_in_state(pupil=declined_pupil, provider=world.org(K.PROVIDER), state="declined", now=NOW)
        declined_referral = Referral.objects.get(placement=declined)
        declined_referral.shared_sections = [s.key for s in OPTIONAL_SECTIONS]
        _fill(declined_referral, "Referral", namer, declined_record, prefix_for=lambda group: "DECLINED")

    return SentinelWorld(
        world=world, placement=placement, pupil=pupil, declined=declined, sentinels=record,
        other_school={s: where for s, (_, where) in other_record.items()},
        declined_sentinels={s: where for s, (_, where) in declined_record.items()},
    )


@pytest.fixture(scope="module")
def sentinel_world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield _build()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def pdf_text(data: bytes) -> str:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()


def body_of(response) -> str:
    """Everything a reader gets: the HTML as sent (attributes included), or a PDF's text."""
    if response.get("Content-Type", "").startswith("application/pdf"):
        return pdf_text(b"".join(response.streaming_content) if response.streaming else response.content)
    return response.content.decode()


__all__ = ["NOW", "SentinelWorld", "body_of", "pdf_text", "sentinel_world"]

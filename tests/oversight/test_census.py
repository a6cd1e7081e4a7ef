"""Inspection list and school census AP fields (issue 14 item 6): the CSV columns and values against
a hand-built placement, the reason only for roles that read it, another school's pupil never listed,
the pages for view_reports only, and queries flat from 10 to 1,000 placements."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apcommission import clock
from bench.dashboard import signed_in_client
from oversight import census
from placements.factories import PupilFactory, placement_in_state
from placements.models import EndReason, Placement, State
from providers.factories import ProviderProfileFactory
from providers.models import ProviderProfile
from tenancy.roles import ROLE_CAPABILITIES, ROLE_KINDS, Capability, Role
from tenancy.roles import OrganisationKind as K
from tenancy.scoping import scope, scopes_disabled
from tests.conftest import WORLD_NOW
from tests.exams.bulk import add_placements

NOW = WORLD_NOW  # Wednesday 25 November 2026
REASON = "SENTINEL-REASON disengaged in lessons"


@pytest.fixture
def placed(shared_provider_world):
    world = shared_provider_world
    provider = world.org(K.PROVIDER)
    ProviderProfileFactory(provider=provider)
    with scopes_disabled():
        ProviderProfile.objects.filter(provider=provider).update(
            registration_status="registered", dfe_urn="123456", address="1 High Street\nNorthtown", postcode="NS1 4AB")
    world.placements["a"] = placement_in_state(pupil=world.pupils["a"], provider=provider, state=State.ACTIVE,
                                               now=NOW, referral={"reason": REASON}, start=dt.date(2026, 11, 2))
    left = PupilFactory(school=world.org(K.SCHOOL), first_name="Leftearly", last_name="Sentinel")
    world.placements["ended"] = placement_in_state(pupil=left, provider=provider, state=State.ENDED, now=NOW,
                                                   start=dt.date(2026, 9, 14), end_reason=EndReason.REINTEGRATED)
    return world


def url(name, org):
    return reverse(f"oversight:{name}", kwargs={"org": org.slug})


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_inspection_list_csv(placed, login):
    client = login(placed.user(K.SCHOOL, Role.HEADTEACHER))
    with clock.frozen(NOW):
        rows = read_csv(client.get(url("census_inspection_csv", placed.org(K.SCHOOL))))
    pupil = placed.pupils["a"]
    assert rows == [census.INSPECTION_HEADER, [
        f"PupilA {pupil.last_name}", pupil.upn, "Provider A", "1 High Street Northtown", "NS1 4AB",
        "Registered independent school", "123456", "", REASON, "2026-11-02",
        "Monday, Tuesday, Wednesday, Thursday", "12", "School (code B)"]]


def test_census_fields_csv_counts_placements_ended_this_school_year(placed, login):
    client = login(placed.user(K.SCHOOL, Role.AP_LEAD))
    with clock.frozen(NOW):
        rows = read_csv(client.get(url("census_fields_csv", placed.org(K.SCHOOL))))
    pupil = placed.pupils["a"]
    with scopes_disabled():
        ended = Placement.objects.select_related("pupil").get(pk=placed.placements["ended"].pk)
    assert rows[0] == census.CENSUS_HEADER
    assert sorted(rows[1:]) == sorted([
        [pupil.upn, pupil.last_name, "PupilA", pupil.date_of_birth.isoformat(), "123456", "", "", "2026-11-02", "",
         "Off-site, single registration", REASON, pattern(placed.placements["a"]), "4", "12"],
        [ended.pupil.upn, "Sentinel", "Leftearly", ended.pupil.date_of_birth.isoformat(), "123456", "", "",
         "2026-09-14", ended.ended_on.isoformat(), "Off-site, single registration",
         rows_reason(ended), pattern(ended), "4", "12"]])
    # the inspection list is of pupils in AP today: the ended placement is not on it
    with clock.frozen(NOW):
        page = client.get(url("census_inspection", placed.org(K.SCHOOL))).content.decode()
    assert "Leftearly" not in page and f"PupilA {pupil.last_name}" in page


def pattern(placement) -> str:
    """The census attendance pattern follows the service's own part-time flag (placements.rules)."""
    return "Part time" if placement.part_time else "Full time"


def rows_reason(placement) -> str:
    with scopes_disabled():
        from placements.models import Referral

        return Referral.objects.get(placement=placement).reason


def test_unregistered_provider_has_setting_type_oth_and_no_urn(placed):
    with scopes_disabled():
        ProviderProfile.objects.filter(provider=placed.org(K.PROVIDER)).update(registration_status="unregistered")
    school = placed.org(K.SCHOOL)
    membership = placed.member(K.SCHOOL, Role.HEADTEACHER)
    with scope(organisation=school, membership=membership):
        row = next(r for r in census.rows(membership) if r.placement.pk == placed.placements["a"].pk)
    assert (row.urn, row.ukprn, row.setting_type) == ("", "", "OTH")


def test_reason_only_for_roles_that_read_it(placed):
    school = placed.org(K.SCHOOL)
    for role, expected in ((Role.HEADTEACHER, REASON), (Role.ATTENDANCE_OFFICER, census.WITHHELD)):
        membership = placed.member(K.SCHOOL, role)
        with scope(organisation=school, membership=membership):
            (row,) = census.rows(membership)
        assert row.reason == expected


def _school_roles():
    return sorted(ROLE_KINDS[K.SCHOOL])


@pytest.mark.parametrize("role", _school_roles())
def test_pages_for_view_reports_only_and_never_another_schools_pupil(placed, login, role):
    client = login(placed.user(K.SCHOOL, role))
    allowed = Capability.VIEW_REPORTS in ROLE_CAPABILITIES[role]
    with clock.frozen(NOW):
        for name in ("census_inspection", "census_fields"):
            response = client.get(url(name, placed.org(K.SCHOOL)))
            assert response.status_code == (200 if allowed else 403)
            if allowed:
                page = " ".join(BeautifulSoup(response.content.decode(), "html.parser").get_text().split())
                assert "PupilA" in page and REASON in page and "Provider A" in page
                assert "PupilC" not in page


def test_other_kinds_cannot_open_them(placed, login):
    for kind, role in ((K.PROVIDER, Role.PROVIDER_MANAGER), (K.TRUST, Role.TRUST_EXECUTIVE),
                       (K.LOCAL_AUTHORITY, Role.AP_OFFICER)):
        assert login(placed.user(kind, role)).get(url("census_inspection_csv", placed.org(kind))).status_code == 403


def _queries(client, path) -> int:
    def get():
        response = client.get(path)
        assert response.status_code == 200
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)

    get()
    with CaptureQueriesContext(connection) as queries:
        get()
    return len(queries)


def test_queries_flat_from_10_to_1000_placements(placed):
    school, provider = placed.org(K.SCHOOL), placed.org(K.PROVIDER)
    client = signed_in_client(placed.user(K.SCHOOL, Role.HEADTEACHER))
    paths = [url(n, school) for n in ("census_inspection", "census_inspection_csv", "census_fields",
                                      "census_fields_csv")]
    add_placements(school, provider, 8)
    with clock.frozen(NOW):
        at_10 = [_queries(client, p) for p in paths]
        add_placements(school, provider, 990)
        at_1000 = [_queries(client, p) for p in paths]
        (header, *rows) = read_csv(client.get(paths[1]))
    assert at_1000 == at_10
    assert len(rows) == 999  # 998 added and pupil A (the ended one is not in AP today)

"""Inspection list and school census AP fields (issue 14 item 6): the CSV columns and values against
a hand-built placement (URN or UKPRN or setting type, the census's code and its words), the reason
only for roles that read it, another school's pupil never listed, the pages and CSVs for view_reports
only, and queries flat from 10 to 1,000 placements."""

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
from placements.models import EndReason, Placement, RegistrationCode, State
from providers.factories import ProviderProfileFactory
from providers.models import ProviderProfile
from tenancy.roles import ROLE_CAPABILITIES, ROLE_KINDS, Capability, Role
from tenancy.roles import OrganisationKind as K
from tenancy.scoping import scope, scopes_disabled
from tenancy.visibility import DataGroup, can_read
from tests.conftest import WORLD_NOW
from tests.exams.bulk import add_placements

NOW = WORLD_NOW  # Wednesday 25 November 2026
REASON = "SENTINEL-REASON disengaged in lessons"
UKPRN = "10012345"


@pytest.fixture
def placed(shared_provider_world):
    world = shared_provider_world
    provider = world.org(K.PROVIDER)
    ProviderProfileFactory(provider=provider)
    with scopes_disabled():
        ProviderProfile.objects.filter(provider=provider).update(
            registration_status="registered", dfe_urn="123456", ukprn=UKPRN, address="1 High Street\nNorthtown",
            postcode="NS1 4AB")
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
        "Registered independent school", "123456", UKPRN, REASON, "2026-11-02",
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
        # a URN, so no UKPRN (the census takes one or the other) and no setting type
        [pupil.upn, pupil.last_name, "PupilA", pupil.date_of_birth.isoformat(), "123456", "", "", "", "2026-11-02",
         "", "Off-site, single registration", REASON, pattern(placed.placements["a"]), "4", "12"],
        [ended.pupil.upn, "Sentinel", "Leftearly", ended.pupil.date_of_birth.isoformat(), "123456", "", "", "",
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


def _unregistered(placed, *, ukprn: str) -> None:
    with scopes_disabled():
        ProviderProfile.objects.filter(provider=placed.org(K.PROVIDER)).update(
            registration_status="unregistered", dfe_urn="", ukprn=ukprn)


def _only_row(csv_rows, placed, key="a") -> dict[str, str]:
    """The CSV row of placement `key` (by its pupil's UPN), as {header: value}."""
    header, *body = csv_rows
    upn = placed.pupils[key].upn
    (row,) = [r for r in body if upn in r]
    return dict(zip(header, row, strict=True))


def _download(placed, login, name, role=Role.HEADTEACHER):
    client = login(placed.user(K.SCHOOL, role))
    with clock.frozen(NOW):
        return read_csv(client.get(url(name, placed.org(K.SCHOOL))))


def test_unregistered_provider_with_a_ukprn_gives_the_ukprn_and_no_setting_type(placed, login):
    _unregistered(placed, ukprn=UKPRN)
    census_row = _only_row(_download(placed, login, "census_fields_csv"), placed)
    assert (census_row["AP placement URN"], census_row["AP placement UKPRN"], census_row["AP setting type"],
            census_row["AP setting type (meaning)"]) == ("", UKPRN, "", "")
    inspection_row = _only_row(_download(placed, login, "census_inspection_csv"), placed)
    assert (inspection_row["Registration status"], inspection_row["URN"], inspection_row["UKPRN"]) == (
        "Unregistered (not an independent school)", "", UKPRN)


def test_unregistered_provider_without_a_ukprn_has_setting_type_oth_as_code_and_words(placed, login):
    _unregistered(placed, ukprn="")
    row = _only_row(_download(placed, login, "census_fields_csv"), placed)
    assert (row["AP placement URN"], row["AP placement UKPRN"], row["AP setting type"],
            row["AP setting type (meaning)"]) == ("", "", "OTH", "Other unregistered provider")
    with clock.frozen(NOW):
        page = login(placed.user(K.SCHOOL, Role.HEADTEACHER)).get(url("census_fields", placed.org(K.SCHOOL)))
    cells = [" ".join(td.get_text(" ").split()) for td in
             BeautifulSoup(page.content.decode(), "html.parser").select('[data-testid="census"] tbody td')]
    assert "OTH (other unregistered provider) Provider A" in cells


def test_dual_registration_association_and_arranged_by_in_words(placed, login):
    """Code D (DOMAIN.md §1) on the home register: the census association type is dual registration.
    Neither DOMAIN.md nor the seeds give the census's code list for it, so it is given in words. The
    other school (a PRU: a school, not an independent one) gives its URN on the placement."""
    _unregistered(placed, ukprn="")
    with scopes_disabled():
        Placement.objects.filter(pk=placed.placements["a"].pk).update(
            registration_code=RegistrationCode.D, dual_school_name="Northtown PRU", dual_school_urn="654321")
    census_row = _only_row(_download(placed, login, "census_fields_csv"), placed)
    assert census_row["Association type (in words: no census code held)"] == "Dual registration"
    assert (census_row["AP placement URN"], census_row["AP setting type"]) == ("654321", "")
    inspection_row = _only_row(_download(placed, login, "census_inspection_csv"), placed)
    assert inspection_row["Arranged by"] == "School, dual registered (code D)"


def test_a_role_that_may_not_read_the_reason_does_not_get_it_in_either_list(placed):
    """Only view_reports holders open the lists, and today they all read the reason; the rows follow
    the visibility table whoever asks, so a member without referral_reason gets "Withheld"."""
    school = placed.org(K.SCHOOL)
    for role, expected in ((Role.HEADTEACHER, REASON), (Role.AP_LEAD, REASON),
                           (Role.ATTENDANCE_OFFICER, census.WITHHELD), (Role.EXAMS_OFFICER, census.WITHHELD),
                           (Role.FINANCE, census.WITHHELD)):
        assert can_read(role, DataGroup.REFERRAL_REASON) == (expected == REASON)
        membership = placed.member(K.SCHOOL, role)
        with clock.frozen(NOW), scope(organisation=school, membership=membership):
            inspection = list(census.inspection_csv_rows(census.rows(membership)))
            fields = list(census.census_csv_rows(census.rows(membership, since=census.academic_year_start(
                clock.today()))))
        assert dict(zip(inspection[0], inspection[1], strict=True))["Reason for the placement"] == expected
        reasons = {dict(zip(fields[0], row, strict=True))[
            "Reason for placement (the school's words: no census code held)"] for row in fields[1:]}
        assert expected in reasons
        if expected != REASON:
            assert REASON not in repr(inspection) + repr(fields)


def _school_roles():
    return sorted(ROLE_KINDS[K.SCHOOL])


LISTS = ("census_inspection", "census_fields", "census_inspection_csv", "census_fields_csv")
# What the inspection list must carry for each pupil (issue 14 item 6), seen on the page and in the CSV.
INSPECTION_FACTS = ("Provider A", "1 High Street", "NS1 4AB", "Registered independent school", "123456", UKPRN,
                    REASON)


def _text(response) -> str:
    if response["Content-Type"].startswith("text/csv"):
        return b"".join(response.streaming_content).decode()
    return " ".join(BeautifulSoup(response.content.decode(), "html.parser").get_text().split())


@pytest.mark.parametrize("role", _school_roles())
def test_lists_for_view_reports_only_and_never_another_schools_pupil(placed, login, role):
    client = login(placed.user(K.SCHOOL, role))
    allowed = Capability.VIEW_REPORTS in ROLE_CAPABILITIES[role]
    with clock.frozen(NOW):
        for name in LISTS:
            response = client.get(url(name, placed.org(K.SCHOOL)))
            assert response.status_code == (200 if allowed else 403), name
            text = _text(response)
            if allowed:
                assert "PupilA" in text and REASON in text
                assert ("Provider A" in text) == (name != "census_fields_csv")  # the census has no name column
                assert "PupilC" not in text and placed.pupils["b"].upn not in text
                if name.startswith("census_inspection"):
                    assert all(fact in text for fact in INSPECTION_FACTS), name
                    assert "2026-11-02" in text or "2 Nov 2026" in text
                    assert "Monday, Tuesday, Wednesday, Thursday" in text and "12" in text
                    assert "School (code B)" in text
            else:
                assert REASON not in text and "PupilA" not in text


def test_other_kinds_cannot_open_them(placed, login):
    for kind, role in ((K.PROVIDER, Role.PROVIDER_MANAGER), (K.TRUST, Role.TRUST_EXECUTIVE),
                       (K.LOCAL_AUTHORITY, Role.AP_OFFICER)):
        client = login(placed.user(kind, role))
        for name in LISTS:
            assert client.get(url(name, placed.org(kind))).status_code == 403, (kind, name)


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

"""The LA's children-in-AP exports (issue 14 item 2): CSV and XLSX hold exactly the filtered rows,
the page's columns, and never a special-category field or another LA's child."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from apcommission import clock
from placements.factories import PupilSensitiveFactory
from tenancy.models import AuditAction, AuditEvent
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scopes_disabled

from .test_area_support import NOW, add_children

SECRETS = ("SENTINEL-MEDICAL-LA", "SENTINEL-DIAGNOSIS-LA")


@pytest.fixture
def exported(world, login):
    school, provider = world.org(K.SCHOOL), world.org(K.PROVIDER)
    part, = add_children(school, provider, 1, last_name="Parttime", part_time=True)
    add_children(school, provider, 2, last_name="Fulltime")
    add_children(world.org(K.SCHOOL, "b"), world.org(K.PROVIDER, "b"), 1, last_name="Otherla", part_time=True)
    with scopes_disabled():
        PupilSensitiveFactory(pupil=part.pupil, medical_needs=SECRETS[0], sen_details=SECRETS[1])
    return login(world.user(K.LOCAL_AUTHORITY, Role.AP_OFFICER))


def _download(client, name, **query):
    with clock.frozen(NOW):
        response = client.get(reverse(name, kwargs={"org": "la-a"}), query)
    assert response.status_code == 200
    return response, b"".join(response.streaming_content)


def test_csv_holds_only_the_filtered_rows_and_no_special_category(exported, world):
    response, body = _download(exported, "oversight:area_export_csv", part_time="on")
    assert response["Content-Type"].startswith("text/csv")
    assert 'attachment; filename="children-in-ap-la-a-2026-11-25.csv"' == response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(body.decode())))
    assert rows[0][:3] == ["Pupil", "UPN", "Year group"]
    assert [r[0] for r in rows[1:]] == ["Parttime, Child0"]
    assert rows[1][11] == "Yes" and rows[1][3] == "School A"
    text = body.decode()
    assert "Otherla" not in text and not any(s in text for s in SECRETS)
    with scopes_disabled():
        assert AuditEvent.objects.filter(action=AuditAction.EXPORT, organisation=world.org(K.LOCAL_AUTHORITY)).exists()


def test_xlsx_holds_the_same_rows_as_the_page(exported):
    response, body = _download(exported, "oversight:area_export_xlsx", q="fulltime", sort="pupil", order="desc")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = openpyxl.load_workbook(io.BytesIO(body), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Pupil" and len(rows[0]) == 18
    assert [r[0] for r in rows[1:]] == ["Fulltime, Child1", "Fulltime, Child0"]
    assert rows[1][10] == 15 and rows[1][11] == "No"
    cells = " ".join(str(v) for r in rows for v in r)
    assert "Otherla" not in cells and "Parttime" not in cells and not any(s in cells for s in SECRETS)


def test_everything_unfiltered(exported):
    _response, body = _download(exported, "oversight:area_export_csv")
    assert len(list(csv.reader(io.StringIO(body.decode())))) == 1 + 3

"""What the exams officer reads on the exam list: the page title names the organisation once, and the
date column says it holds the exam dates (a range when an entry's exams span days)."""

from __future__ import annotations

import datetime as dt

from bs4 import BeautifulSoup

from apcommission import clock
from exams.factories import exam_entry
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role

from .test_pages import NOW, placed, url  # noqa: F401  (placed is a fixture)


def _soup(response):
    assert response.status_code == 200
    return BeautifulSoup(response.content.decode(), "html.parser")


def test_titles_name_the_organisation_once(placed, login):  # noqa: F811
    client = login(placed.user(K.SCHOOL, Role.EXAMS_OFFICER))
    school = placed.org(K.SCHOOL)
    with clock.frozen(NOW):
        for name in ("entry_list", "entry_choose"):
            title = _soup(client.get(url(name, school))).title.get_text()
            assert title.count(school.name) == 1, title


def test_the_date_column_holds_the_exam_dates(placed, login):  # noqa: F811
    exam_entry(placed.placements["a"], now=NOW, first_exam_on=dt.date(2026, 12, 7), last_exam_on=dt.date(2026, 12, 9))
    client = login(placed.user(K.SCHOOL, Role.EXAMS_OFFICER))
    with clock.frozen(NOW):
        soup = _soup(client.get(url("entry_list", placed.org(K.SCHOOL))))
    table = soup.select_one('[data-testid="entries"]')
    headers = [th.get_text(strip=True) for th in table.select("thead th")]
    first_cell = table.select_one("tbody td").get_text(" ", strip=True)
    assert headers[0] == "Exam dates" and first_cell == "7 Dec 2026 to 9 Dec 2026"

"""Statuses follow the lifecycle and links lead only where the reader may go (issue 10).

Before: after sending a referral to the headteacher the placement still said "Draft referral" with
"Continue the referral"; "Read the referral" sent the DSL, SENCo, pastoral, attendance and exams
staff to the author's check-your-answers page, a 403.
"""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from placements.factories import placement_in_state
from placements.models import State
from tenancy.roles import ROLE_CAPABILITIES, Capability, Role, roles_for_kind
from tenancy.roles import OrganisationKind as K

from .conftest import NOW


@pytest.fixture
def world(module_world):
    """The World, built once for this module (tests/conftest.py `module_world`): each test's writes are
    rolled back and it gets its own copy of the objects."""
    return module_world


def text(response) -> str:
    return BeautifulSoup(response.content, "html.parser").get_text(" ", strip=True)


@pytest.fixture
def submitted(world):
    return placement_in_state(pupil=world.pupils["a"], provider=world.org(K.PROVIDER), state=State.DRAFT, now=NOW,
                              submitted=True)


def test_a_referral_sent_to_the_headteacher_is_no_longer_a_draft_to_its_author(world, login, submitted):
    client = login(world.user(K.SCHOOL, Role.AP_LEAD))
    page = text(client.get(f"/o/school-a/placements/{submitted.pk}/"))
    assert "Awaiting the headteacher's decision" in page
    assert "Continue the referral" not in page and "Draft referral" not in page
    table = BeautifulSoup(client.get("/o/school-a/placements/").content, "html.parser").select_one("main table tbody")
    listing = table.get_text(" ", strip=True)
    assert "Awaiting the headteacher's decision" in listing and "Draft referral" not in listing


def test_an_unsent_draft_is_still_a_draft_to_continue(world, login):
    draft = placement_in_state(pupil=world.pupils["a"], provider=world.org(K.PROVIDER), state=State.DRAFT, now=NOW)
    page = text(login(world.user(K.SCHOOL, Role.AP_LEAD)).get(f"/o/school-a/placements/{draft.pk}/"))
    assert "Draft referral" in page and "Continue the referral" in page


# Roles without view_pupils cannot open the placement page at all (the isolation harness: 403).
PLACEMENT_READERS = [role for role, _ in roles_for_kind(K.SCHOOL) if Capability.VIEW_PUPILS in ROLE_CAPABILITIES[role]]


@pytest.mark.parametrize("role", PLACEMENT_READERS)
@pytest.mark.parametrize("state", [State.DRAFT, State.ACTIVE])
def test_read_the_referral_opens_for_every_school_role_that_sees_it(world, login, client, role, state):
    placement = placement_in_state(pupil=world.pupils["a"], provider=world.org(K.PROVIDER), state=state, now=NOW)
    login(world.user(K.SCHOOL, role))
    html = BeautifulSoup(client.get(f"/o/school-a/placements/{placement.pk}/").content, "html.parser")
    links = [a["href"] for a in html.find_all("a") if a.get_text(strip=True) == "Read the referral"]
    assert links, role
    for href in links:
        assert client.get(href).status_code == 200, (role, href)


def test_check_your_answers_has_a_change_link_per_row_that_comes_back(world, login, client):
    """Before: one "Change" per card, and the question page's back link went to the previous
    question instead of back to check-your-answers."""
    draft = placement_in_state(pupil=world.pupils["a"], provider=world.org(K.PROVIDER), state=State.DRAFT, now=NOW)
    login(world.user(K.SCHOOL, Role.AP_LEAD))
    check = f"/o/school-a/placements/{draft.pk}/referral/check/"
    html = BeautifulSoup(client.get(check).content, "html.parser")
    card = html.select_one("#section-reason")
    rows = card.select(".govuk-summary-list__row")
    assert rows and all(row.select_one(".govuk-summary-list__actions a[href$='?check=1']") for row in rows)
    step_url = rows[0].select_one(".govuk-summary-list__actions a")["href"]
    step = BeautifulSoup(client.get(step_url).content, "html.parser")
    assert step.select_one("a.govuk-back-link")["href"] == check
    response = client.post(step_url, {"reason": "Still disengaged", "attendance_this_year": "80"})
    assert response.status_code == 302 and response["Location"] == check

"""Dashboards in Chromium: a member of each kind of organisation signs in on the real sign-in page,
reads "Needs your attention" and clicks its first item, which opens (issue 10).

Every link and figure of every role is followed with the test client in tests/dashboards/.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts.factories import TEST_PASSWORD
from notifications.services import notify
from placements.factories import PupilFactory, placement_in_state
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role as R
from tenancy.scoping import scopes_disabled
from tests.conftest import WORLD_NOW

from .helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _school_work(world):
    """A referral sent to the headteacher."""
    with scopes_disabled():
        pupil = PupilFactory(school=world.org(K.SCHOOL), first_name="Decide", last_name="Me")
        placement_in_state(pupil=pupil, provider=world.org(K.PROVIDER), state="draft", submitted=True, now=WORLD_NOW)
    return "Decide on the referral for Decide Me", "Headteacher's decision"


def _provider_work(world):
    """A referral for the provider to answer."""
    with scopes_disabled():
        pupil = PupilFactory(school=world.org(K.SCHOOL), first_name="Answer", last_name="Me")
        placement_in_state(pupil=pupil, provider=world.org(K.PROVIDER), state="referred", now=WORLD_NOW)
    return "Accept or decline the referral for Answer Me", "Accept or decline the referral of Answer Me"


def _la_work(world):
    """The world's provider is listed in LA a's directory, not yet approved."""
    return "Review 1 provider listed but not yet approved", "Provider directory"


def _trust_work(world):
    notify(organisation=world.org(K.TRUST), roles=[R.TRUST_EXECUTIVE], topic="test", subject="A placement started",
           body="A placement started.", dedupe_key="dashboard-browser-test", now=WORLD_NOW)
    return "Read 1 unread notification", "Notifications"


@pytest.mark.parametrize(("kind", "role", "work"), [
    (K.SCHOOL, R.HEADTEACHER, _school_work),
    (K.PROVIDER, R.PROVIDER_MANAGER, _provider_work),
    (K.LOCAL_AUTHORITY, R.AP_OFFICER, _la_work),
    (K.TRUST, R.TRUST_EXECUTIVE, _trust_work),
], ids=["school", "provider", "local_authority", "trust"])
def test_sign_in_and_open_the_first_thing_to_do(page, browser_world, axe_check, screenshot, kind, role, work):
    item_text, page_says = work(browser_world)
    user = browser_world.user(kind, role)
    sign_in(page, user.email, TEST_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text(browser_world.org(kind).name)
    violations = axe_check(page)
    assert not violations, violations
    screenshot(page, f"dashboard-{kind}-{role}")

    first = page.locator('[data-testid="attention"] a').first
    assert first.inner_text().strip() == item_text
    with page.expect_navigation() as navigation:
        first.click()
    assert navigation.value.status == 200, f"{item_text} → {page.url}: {navigation.value.status}"
    heading = page.get_by_role("heading", level=1).inner_text()
    assert page_says.lower() in heading.lower(), heading

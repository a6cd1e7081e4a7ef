"""Taking a register on a phone (375 px), in Chromium: provider staff mark one pupil absent and the
others present by keyboard only and submit; with no connection the marks stay on the phone, the
page says so, and they are sent (once) when the connection returns. axe-core finds no serious or
critical violation, and no page is wider than the phone."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from accounts.factories import TEST_PASSWORD
from apcommission import clock
from attendance.factories import register_with_sessions
from attendance.models import AbsenceReason, ExpectedSession, Mark, RegisterSubmission
from placements.factories import PupilFactory, placement_in_state
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scopes_disabled
from tests.conftest import WORLD_NOW

from .helpers import horizontal_overflow, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

STARTS = clock.london(dt.date(2026, 11, 26), dt.time(9, 0))


@pytest.fixture
def register(browser_world, settings):
    """Provider a's 9am register with two pupils, the clock at 9:10am that day."""
    world = browser_world
    settings.APC_CLOCK_NOW = (STARTS + dt.timedelta(minutes=10)).isoformat()
    placements = [placement_in_state(pupil=world.pupils["a"], provider=world.org(K.PROVIDER), state="active",
                                     now=WORLD_NOW),
                  placement_in_state(pupil=PupilFactory(school=world.org(K.SCHOOL), first_name="Amelia",
                                                        last_name="Wright"),
                                     provider=world.org(K.PROVIDER), state="active", now=WORLD_NOW)]
    register = register_with_sessions(placements=placements, starts_at=STARTS)
    with scopes_disabled():
        sessions = [ExpectedSession.objects.get(register=register, placement=p) for p in placements]
    return world, register, sessions


def tab_to(page, element_id: str, limit: int = 200) -> None:
    """Press Tab until the element with `element_id` has the focus (keyboard only, as a user would)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement && document.activeElement.id") == element_id:
            return
    raise AssertionError(f"Tab never reached #{element_id}")


def open_register(page, world, register, axe_check):
    staff = world.user(K.PROVIDER, Role.PROVIDER_STAFF)
    sign_in(page, staff.email, TEST_PASSWORD)
    page.goto("/o/provider-a/registers/")
    assert not axe_check(page)
    assert horizontal_overflow(page) == 0
    page.get_by_role("link", name="9am to midday").click()
    page.get_by_role("heading", name="Register: 9am to midday").wait_for()
    assert not axe_check(page)
    assert horizontal_overflow(page) == 0


def mark_by_keyboard(page, sessions):
    """Amelia Wright absent (ill), everyone else present: Tab, arrows, Space and Enter only."""
    absent, present = sessions[1], sessions[0]
    tab_to(page, f"id_mark_{present.pk}_0")
    page.keyboard.press("Space")
    tab_to(page, f"id_mark_{absent.pk}_0")
    page.keyboard.press("ArrowDown")  # Late
    page.keyboard.press("ArrowDown")  # Absent: its reason is revealed
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == f"id_reason_{absent.pk}"
    page.keyboard.press("ArrowDown")  # "Ill", the first reason
    expect(page.locator(f"#id_reason_{absent.pk}")).to_have_value(AbsenceReason.ILL)


def submitted_marks(register):
    with scopes_disabled():
        return (RegisterSubmission.objects.filter(register=register).count(),
                list(ExpectedSession.objects.filter(register=register).order_by("pk")
                     .values_list("mark", "absence_reason")))


def test_provider_staff_take_a_register_by_keyboard_on_a_phone(register, mobile_page, axe_check, screenshot):
    world, reg, sessions = register
    page = mobile_page
    open_register(page, world, reg, axe_check)
    mark_by_keyboard(page, sessions)
    assert not axe_check(page)  # with a reveal open
    screenshot(page, "register-phone-marked")
    tab_to(page, "submit-register")
    page.keyboard.press("Enter")
    page.get_by_text("Register submitted").first.wait_for()
    assert not axe_check(page)
    assert horizontal_overflow(page) == 0
    screenshot(page, "register-phone-submitted")
    expected = sorted([(Mark.PRESENT, ""), (Mark.ABSENT, AbsenceReason.ILL)])
    count, marks = submitted_marks(reg)
    assert count == 1 and sorted(marks) == expected


def test_marks_taken_offline_are_kept_and_sent_once_when_the_connection_returns(register, new_context, axe_check):
    world, reg, sessions = register
    context = new_context(mobile=True)
    page = context.new_page()
    open_register(page, world, reg, axe_check)
    page.get_by_role("button", name="Mark everyone present").click()
    assert page.locator(f"#id_mark_{sessions[0].pk}_0").is_checked()
    context.set_offline(True)
    page.get_by_role("button", name="Submit register").click()
    banner = page.get_by_text("No connection: your marks are saved on this phone")
    banner.wait_for()
    assert not axe_check(page)
    assert submitted_marks(reg)[0] == 0
    context.set_offline(False)  # the `online` event sends the saved marks with the same key
    page.get_by_text("Register submitted").first.wait_for()
    count, marks = submitted_marks(reg)
    assert count == 1 and marks == [(Mark.PRESENT, ""), (Mark.PRESENT, "")]
    assert page.evaluate("() => localStorage.length") == 0


def test_the_schools_attendance_officer_is_told_and_finds_the_absence_on_a_phone(register, new_context, axe_check,
                                                                                   screenshot):
    """After the register above is submitted with Amelia Wright absent, the school's attendance
    officer (on a phone) has an unread notification that names no pupil, opens it, and the
    attendance page shows Amelia absent. Inbox, alerts and attendance pages: axe clean, no overflow."""
    from attendance.models import AbsenceReason as Reason
    from attendance.services import MarkInput, register_submit

    world, reg, sessions = register
    provider = world.org(K.PROVIDER)
    marks = [MarkInput(session_id=sessions[0].pk, mark=Mark.PRESENT),
             MarkInput(session_id=sessions[1].pk, mark=Mark.ABSENT, absence_reason=Reason.ILL)]
    from tenancy.scoping import scope

    with scope(organisation=provider):
        register_submit(register=reg, marks=marks, key=__import__("uuid").uuid4(),
                        by=world.user(K.PROVIDER, Role.PROVIDER_STAFF), organisation=provider,
                        now=STARTS + dt.timedelta(minutes=10))
    page = new_context(mobile=True).new_page()
    officer = world.user(K.SCHOOL, Role.ATTENDANCE_OFFICER)
    sign_in(page, officer.email, TEST_PASSWORD)
    school = world.org(K.SCHOOL).slug
    page.goto(f"/o/{school}/notifications/")
    notice = page.get_by_text("Absence reported:").first
    notice.wait_for()
    assert "Wright" not in page.locator("main").inner_text()  # the inbox names no pupil
    assert not axe_check(page) and horizontal_overflow(page) == 0
    screenshot(page, "attendance-officer-inbox-phone")
    with page.expect_navigation():
        page.locator("main").get_by_role("button", name="Open").first.click()
    assert page.url.endswith(f"/o/{school}/attendance/")
    screenshot(page, "attendance-officer-attendance-phone")
    rows = [r.inner_text() for r in page.locator("main tr", has_text="Wright").all()]
    assert any("Absent" in r for r in rows), rows
    assert not axe_check(page) and horizontal_overflow(page) == 0
    page.goto(f"/o/{school}/attendance/alerts/")
    assert not axe_check(page) and horizontal_overflow(page) == 0

"""Browser journey (Playwright + Debian Chromium): the AP lead adds a pupil and writes a referral,
the headteacher approves it, the provider accepts, both agree the commissioning agreement (which
shows the registration-rule error, then the part-time warning), parents agree, the placement
starts and the LA sees it. axe-core: no serious or critical violation on any page."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connections
from playwright.sync_api import expect

from accounts.factories import TEST_PASSWORD
from apcommission import clock
from placements.factories import PupilFactory, placement_in_state
from placements.models import Placement, State
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scopes_disabled
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, DESKTOP
from tests.browser.helpers import sign_in

from .conftest import signoff

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


class Journey:
    def __init__(self, axe_check, screenshot):
        self.axe_check, self.screenshot, self.pages = axe_check, screenshot, []

    def check(self, page, name):
        """Every page: no serious/critical axe violation; a screenshot to look at."""
        page.wait_for_load_state()
        violations = self.axe_check(page)
        assert not violations, f"{name}: {violations}"
        self.screenshot(page, f"placements-{name}")
        self.pages.append(name)


def _continue(page):
    with page.expect_navigation():
        page.get_by_role("button", name="Save and continue").click()


def _date(page, name, day):
    page.fill(f"#id_{name}_0", str(day.day))
    page.fill(f"#id_{name}_1", str(day.month))
    page.fill(f"#id_{name}_2", str(day.year))


def _radio(page, name, value):
    page.check(f'input[name="{name}"][value="{value}"]')


def _click(page, role, name):
    with page.expect_navigation():
        page.get_by_role(role, name=name, exact=True).first.click()


def _in_own_thread(journey):
    """Run the journey with its own Playwright in its own thread.

    The sync Playwright of tests/browser/conftest.py is session-scoped and keeps an event loop in
    the main thread, so a second one cannot start there; a thread has its own. (Once the shared
    fixtures live in tests/conftest.py this test can use `new_context` directly.)
    """
    from playwright.sync_api import sync_playwright

    outcome: dict = {}

    def run():
        errors: list[str] = []
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)

                def new_context():
                    context = browser.new_context(base_url=outcome["url"], viewport=dict(DESKTOP), locale="en-GB",
                                                  timezone_id="Europe/London")
                    context.set_default_timeout(15_000)
                    context.on("page", lambda p: p.on("pageerror", lambda exc: errors.append(f"{p.url}: {exc}")))
                    return context

                try:
                    journey(new_context)
                finally:
                    connections.close_all()  # ORM calls made here, in Playwright's context
                    browser.close()
            assert not errors, "JavaScript errors:\n" + "\n".join(errors)
        except BaseException as exc:  # re-raised in the test's thread
            outcome["error"] = exc
        finally:
            connections.close_all()

    return outcome, run


def test_referral_to_active_placement(browser_world, live_server, axe_check, screenshot):
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    outcome, run = _in_own_thread(lambda new_context: _journey(browser_world, new_context, axe_check, screenshot))
    outcome["url"] = live_server.url
    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]


def _journey(world, new_context, axe_check, screenshot):
    j = Journey(axe_check, screenshot)
    today = clock.today()
    signoff(world.org(K.SCHOOL), world.org(K.PROVIDER), by=world.user(K.SCHOOL, Role.AP_LEAD))
    # Provider A already teaches four pupils from another school full time: a fifth would need registration.
    for _ in range(4):
        placement_in_state(pupil=PupilFactory(school=world.org(K.SCHOOL, "b")), provider=world.org(K.PROVIDER),
                           state=State.ACTIVE, now=clock.now(), hours_per_session=5, sessions=4)

    # --- The AP lead adds the pupil ---------------------------------------------------------
    lead = new_context().new_page()
    sign_in(lead, world.user(K.SCHOOL, Role.AP_LEAD).email, TEST_PASSWORD)
    lead.goto("/o/school-a/pupils/")
    j.check(lead, "01-pupils")
    _click(lead, "link", "Add a pupil")
    j.check(lead, "02-pupil-new")
    lead.get_by_label("Legal first name").fill("Jayden")
    lead.get_by_label("Legal last name").fill("Clarke")
    lead.get_by_label("Preferred name").fill("Jay")
    _date(lead, "date_of_birth", today.replace(year=today.year - 15, month=3, day=14))
    lead.get_by_label("Year group").select_option("10")
    _radio(lead, "gender", "male")
    lead.get_by_label("Unique pupil number (UPN)").fill("B801200005001")
    _click(lead, "button", "Save pupil")
    expect(lead.get_by_text("Jayden Clarke added.")).to_be_visible()
    j.check(lead, "03-pupil")

    # Each part of the special-category record saves on its own.
    _click(lead, "link", "Change sen, disability and health")
    for name, value in (("sen_provision", "sen_support"), ("disabled", "no"), ("mental_health_referral", "no")):
        _radio(lead, name, value)
    lead.get_by_label("Describe the pupil's special educational needs").fill("Dyslexia; coloured overlays help.")
    j.check(lead, "04-special-category")
    _click(lead, "button", "Save")
    _click(lead, "link", "Change looked after and safeguarding")
    for name in ("looked_after", "child_protection", "child_in_need", "private_fostering", "youth_offending_service"):
        _radio(lead, name, "no")
    _click(lead, "button", "Save")
    _click(lead, "link", "Add a parent or carer")
    lead.get_by_label("Full name").fill("Kerry Clarke")
    lead.get_by_label("Relationship to pupil").fill("Mother")
    lead.get_by_label("Phone number").fill("07700 900123")
    _radio(lead, "lives_with_pupil", "yes")
    _click(lead, "button", "Add parent or carer")

    # --- The referral: question pages, a draft, check your answers -------------------------
    _click(lead, "link", "Refer to alternative provision")
    j.check(lead, "05-referral-start")
    lead.get_by_label("Provider").select_option(label="Provider A (listed by your local authority)")
    _click(lead, "button", "Start referral")
    lead.get_by_label("Why are you referring the pupil?").fill("Disengaged in lessons; at risk of suspension.")
    _click(lead, "button", "Save as draft")
    expect(lead.get_by_text("Your answers have been saved as a draft.")).to_be_visible()
    j.check(lead, "06-placement-draft")
    _click(lead, "link", "Continue the referral")
    _click(lead, "link", "Reason for referral and attendance")
    lead.get_by_label("Attendance this year (%)").fill("81.5")
    _continue(lead)
    expect(lead.get_by_role("heading", name="Check your answers before sending the referral")).to_be_visible()
    _click(lead, "link", "School contacts")
    j.check(lead, "07-step-contacts")
    lead.fill("#id_main_name", "Daniel Price")
    lead.fill("#id_main_email", "ap@school.example")
    lead.fill("#id_dsl_name", "Grace Mensah")
    _continue(lead)
    lead.goto(lead.url.replace("/check/", "/transport/"))
    _radio(lead, "transport", "independent")
    _continue(lead)
    for name in ("recent_eha", "violence_history", "significant_harm", "substance_misuse"):
        _radio(lead, name, "no")
    _radio(lead, "risk_assessment_in_place", "yes")
    j.check(lead, "08-step-safeguarding")
    _continue(lead)
    for radio in lead.locator("input[type=radio][value=never]").all():
        radio.check()
    j.check(lead, "09-step-risk")
    _continue(lead)
    _radio(lead, "attending_mainstream", "yes")
    _radio(lead, "other_ap", "no")
    lead.fill("#id_english_target_grade", "5")
    lead.fill("#id_english_current_grade", "3")
    j.check(lead, "10-step-academic")
    _continue(lead)
    lead.get_by_label("What are the pupil's strengths and interests, including outside school?").fill("Engines")
    _radio(lead, "parents_aware", "yes")
    _radio(lead, "pupil_aware", "yes")
    _continue(lead)
    lead.get_by_label("The pupil's attitude to work, with staff and with peers").fill("Good one to one")
    _continue(lead)
    j.check(lead, "11-step-sharing")
    _radio(lead, "share_basis", "consent")
    _continue(lead)
    expect(lead.locator(".govuk-task-list").get_by_text("Incomplete")).to_have_count(0)
    j.check(lead, "12-check-answers")
    _click(lead, "button", "Send to the headteacher for a decision")
    with scopes_disabled():
        placement = Placement.objects.get(pupil__upn="B801200005001")
    school_url = f"/o/school-a/placements/{placement.pk}/"

    # --- The headteacher approves: the referral goes to the provider -------------------------
    head = new_context().new_page()
    sign_in(head, world.user(K.SCHOOL, Role.HEADTEACHER).email, TEST_PASSWORD)
    head.goto(school_url)
    _click(head, "link", "Record the headteacher's decision")
    j.check(head, "13-decision")
    for value in ("consulted_pupil", "consulted_parents", "consulted_teacher"):
        head.check(f"input[name=consulted][value={value}]")
    _radio(head, "decision", "approve")
    _click(head, "button", "Record decision")
    expect(head.get_by_text("Referral approved and sent to Provider A.")).to_be_visible()

    # --- The provider reads the shared sections and accepts ----------------------------------
    provider = new_context().new_page()
    sign_in(provider, world.user(K.PROVIDER, Role.PROVIDER_MANAGER).email, TEST_PASSWORD)
    provider.goto("/o/provider-a/placements/")
    j.check(provider, "14-provider-inbox")
    _click(provider, "link", "Clarke, Jayden")
    _click(provider, "link", "Accept or decline the referral")
    # Learning needs are for the staff who teach the pupil (visibility table); safeguarding status is
    # only said to be held by the DSL.
    assert "Dyslexia" in provider.content() and "Your safeguarding lead holds it" in provider.content()
    j.check(provider, "15-provider-response")
    _radio(provider, "response", "accept")
    _click(provider, "button", "Send response")
    j.check(provider, "16-provider-placement")

    # --- The agreement: the registration error, then the part-time warning ------------------
    lead.goto(school_url)
    _click(lead, "link", "Commissioning agreement")
    _click(lead, "link", "Write the agreement")
    j.check(lead, "17-agreement-edit")
    lead.get_by_label("Rationale: why this provision").fill("A vocational route to re-engage Jayden.")
    _date(lead, "start_date", today)
    lead.get_by_label("School staff member responsible for the placement").select_option(
        label=world.user(K.SCHOOL, Role.AP_LEAD).full_name)
    _date(lead, "next_visit_on", today + dt.timedelta(days=14))
    lead.get_by_label("Hours a week at the home school").fill("5")
    _click(lead, "button", "Save agreement")
    _click(lead, "link", "Add a target")
    lead.get_by_label("Target").fill("95% attendance at the provider")
    _click(lead, "button", "Add target")
    for day in ("0", "1", "2", "3"):
        _click(lead, "link", "Add a session")
        _radio(lead, "weekday", day)
        _radio(lead, "part", "day")  # 09:00 to 14:00 runs past lunch: an all-day session
        lead.get_by_label("Start time").fill("09:00")
        lead.get_by_label("End time").fill("14:00")
        lead.get_by_label("Site").fill("Workshop")
        _click(lead, "button", "Add session")
    expect(lead.get_by_text("not registered as a school")).to_be_visible()
    expect(lead.get_by_role("button", name="Agree version 1")).to_have_count(0)
    j.check(lead, "18-agreement-registration-error")
    for _ in range(2):
        with lead.expect_navigation():
            lead.get_by_role("button", name="Remove Thursday").or_(
                lead.get_by_role("button", name="Remove Wednesday")).first.click()
    expect(lead.locator("#part-time-warning")).to_be_visible()
    assert "15 hours a week in total, 10 hours below the 25 hours expected for Year 10" in lead.locator(
        "#part-time-warning").inner_text()
    j.check(lead, "19-agreement-part-time-warning")
    _click(lead, "button", "Agree version 1")
    provider.goto(f"/o/provider-a/placements/{placement.pk}/agreement/")
    j.check(provider, "20-agreement-provider")
    _click(provider, "button", "Agree version 1")
    placement.refresh_from_db()
    assert placement.state == State.AGREED

    # --- Parents' agreement, then start: active, and the LA sees it ---------------------------
    lead.goto(school_url)
    _click(lead, "link", "Record the parents' agreement")
    j.check(lead, "21-parental-agreement")
    _radio(lead, "method", "typed")
    lead.get_by_label("Name of the parent or carer who signed").fill("Kerry Clarke")
    _date(lead, "signed_on", today)
    _radio(lead, "consent_to_share", "yes")
    _click(lead, "button", "Record agreement")
    _click(lead, "link", "Start the placement")
    j.check(lead, "22-start")
    _click(lead, "button", "Start the placement")
    expect(lead.get_by_text("The placement has started.")).to_be_visible()
    j.check(lead, "23-placement-active")
    placement.refresh_from_db()
    assert placement.state == State.ACTIVE

    la = new_context().new_page()
    sign_in(la, world.user(K.LOCAL_AUTHORITY, Role.AP_OFFICER).email, TEST_PASSWORD)
    la.goto("/o/la-a/area/children-in-ap/")
    expect(la.get_by_text("Clarke, Jayden")).to_be_visible()
    assert "Dyslexia" not in la.content()
    j.check(la, "24-la-children-in-ap")
    la.goto("/o/la-a/")
    j.check(la, "25-la-dashboard")
    lead.goto("/o/school-a/")
    j.check(lead, "26-school-dashboard")

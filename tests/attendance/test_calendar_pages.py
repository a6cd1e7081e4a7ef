"""Calendar pages (issue 11 item 1, "LA and school admins edit them in the app"): an LA keeps its
term dates and area-wide days; a school sees its LA's dates read-only or takes its own; a provider
keeps only its closure days; the school's attendance settings. Every save tells the session
generator once it commits. Isolation of every URL: tests/isolation/urls_attendance_calendar.py."""

from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from attendance import calendar_services as cal
from attendance import sessions
from attendance.models import AttendanceSettings, DayKind, NonTeachingDay, Term, TermDates
from tenancy.roles import OrganisationKind as K
from tenancy.roles import Role
from tenancy.scoping import scopes_disabled

D = dt.date
YEAR = 2026


@pytest.fixture
def changed(monkeypatch):
    """The organisations attendance.sessions.calendar_changed was told about."""
    calls = []
    monkeypatch.setattr(sessions, "calendar_changed", lambda *, organisation, now: calls.append(organisation))
    return calls


def url(world, kind, name, *, side="a", query="", **kwargs):
    return reverse(f"attendance:{name}", kwargs={"org": world.org(kind, side).slug, **kwargs}) + query


def dates(**values: dt.date | None) -> dict:
    data = {}
    for name, value in values.items():
        for i, part in enumerate(("day", "month", "year")):
            data[f"{name}_{i}"] = getattr(value, part) if value else ""
    return data


def page_text(response) -> str:
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text(" ").split())


def error_summary(response) -> list[str]:
    soup = BeautifulSoup(response.content, "html.parser")
    return [" ".join(a.get_text(" ").split()) for a in soup.select(".govuk-error-summary a")]


AUTUMN_2026 = (D(2026, 9, 1), D(2026, 12, 18), (D(2026, 10, 26), D(2026, 10, 30)))


def term_row(org, term=Term.AUTUMN, start=AUTUMN_2026[0], end=AUTUMN_2026[1], half=AUTUMN_2026[2]):
    with scopes_disabled():
        return TermDates.objects.create(organisation=org, academic_year=YEAR, term=term, start_date=start, end_date=end,
                                        half_term_start=half[0], half_term_end=half[1])


def la_year(org):
    term_row(org)
    term_row(org, Term.SPRING, D(2027, 1, 4), D(2027, 3, 25), (D(2027, 2, 15), D(2027, 2, 19)))
    term_row(org, Term.SUMMER, D(2027, 4, 12), D(2027, 7, 21), (D(2027, 5, 31), D(2027, 6, 4)))


def rows(model, **filters):
    with scopes_disabled():
        return list(model.objects.filter(**filters).order_by("pk"))


# --- The rule: named messages --------------------------------------------------------------

def test_half_term_outside_the_term_is_named_on_its_date():
    errors = cal.term_date_errors(academic_year=YEAR, start=D(2026, 9, 1), end=D(2026, 12, 18),
                                  half_start=D(2026, 12, 21), half_end=D(2027, 1, 1))
    assert errors == {
        "half_term_start": "The first day of half term must be inside the term (1 September 2026 to 18 December 2026)",
        "half_term_end": "The last day of half term must be inside the term (1 September 2026 to 18 December 2026)",
    }


@pytest.mark.parametrize(("values", "expected"), [
    ({"start": D(2026, 12, 18), "end": D(2026, 9, 1)},
     {"end_date": "The last day of term must be on or after the first day of term"}),
    ({"start": D(2025, 9, 1)},
     {"start_date": "The first day of term must be in the 2026 to 2027 school year (1 August 2026 to 31 July 2027)"}),
    ({"half_start": D(2026, 10, 26)},
     {"half_term_end": "Enter the last day of half term, or remove the first day of half term"}),
    ({"half_start": D(2026, 10, 30), "half_end": D(2026, 10, 26)},
     {"half_term_end": "The last day of half term must be on or after the first day of half term"}),
])
def test_each_wrong_date_gets_a_message_that_names_it(values, expected):
    given = {"start": D(2026, 9, 1), "end": D(2026, 12, 18), "half_start": None, "half_end": None, **values}
    assert cal.term_date_errors(academic_year=YEAR, **given) == expected


def test_terms_of_one_year_must_not_overlap():
    autumn = TermDates(term=Term.AUTUMN, start_date=D(2026, 9, 1), end_date=D(2026, 12, 18))
    errors = cal.term_date_errors(academic_year=YEAR, start=D(2026, 12, 14), end=D(2027, 3, 25), half_start=None,
                                  half_end=None, others=[autumn])
    assert errors == {"start_date": "The autumn term runs from 1 September 2026 to 18 December 2026: "
                                    "terms must not overlap"}


# --- Local authority ------------------------------------------------------------------------

def test_la_sees_its_year_and_switches_to_the_next(world, login, changed):
    la_year(world.org(K.LOCAL_AUTHORITY))
    client = login(world.user(K.LOCAL_AUTHORITY, Role.AP_OFFICER))
    response = client.get(url(world, K.LOCAL_AUTHORITY, "calendar", query="?year=2026"))
    assert response.status_code == 200
    text = page_text(response)
    assert "Term dates 2026 to 2027" in text
    assert "Autumn term 1 Sep 2026 18 Dec 2026 26 Oct 2026 to 30 Oct 2026" in text
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.select_one("a[rel=next]")["href"].endswith("?year=2027")
    assert soup.select_one("a[rel=prev]")["href"].endswith("?year=2025")
    assert "No term dates for 2027 to 2028" in page_text(client.get(url(world, K.LOCAL_AUTHORITY, "calendar",
                                                                         query="?year=2027")))
    assert client.get(url(world, K.LOCAL_AUTHORITY, "calendar", query="?year=nonsense")).status_code == 404


def test_la_adds_a_term_and_the_sessions_follow_after_commit(world, login, changed, django_capture_on_commit_callbacks):
    la = world.org(K.LOCAL_AUTHORITY)
    client = login(world.user(K.LOCAL_AUTHORITY, Role.AP_OFFICER))
    add = url(world, K.LOCAL_AUTHORITY, "calendar_term_add", query="?year=2026&term=spring")
    assert "Add the spring term 2026 to 2027" in page_text(client.get(add))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(add, dates(start_date=D(2027, 1, 4), end_date=D(2027, 3, 25),
                                          half_term_start=D(2027, 2, 15), half_term_end=D(2027, 2, 19)))
    assert response.status_code == 302
    [spring] = rows(TermDates, organisation=la)
    assert (spring.term, spring.start_date, spring.half_term_end) == (Term.SPRING, D(2027, 1, 4), D(2027, 2, 19))
    assert changed == [la]


def test_half_term_outside_the_term_shows_in_the_error_summary_and_saves_nothing(world, login, changed):
    client = login(world.user(K.LOCAL_AUTHORITY, Role.AP_OFFICER))
    response = client.post(url(world, K.LOCAL_AUTHORITY, "calendar_term_add", query="?year=2026&term=autumn"),
                           dates(start_date=D(2026, 9, 1), end_date=D(2026, 12, 18),
                                 half_term_start=D(2026, 12, 21), half_term_end=D(2026, 12, 23)))
    assert response.status_code == 200
    assert error_summary(response) == [
        "The first day of half term must be inside the term (1 September 2026 to 18 December 2026)",
        "The last day of half term must be inside the term (1 September 2026 to 18 December 2026)",
    ]
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.select_one(".govuk-error-summary a")["href"] == "#id_half_term_start_0"
    assert rows(TermDates) == [] and changed == []


def test_la_changes_and_removes_its_term(world, login, changed, django_capture_on_commit_callbacks):
    la = world.org(K.LOCAL_AUTHORITY)
    autumn = term_row(la)
    client = login(world.user(K.LOCAL_AUTHORITY, Role.ORG_ADMIN))
    change = url(world, K.LOCAL_AUTHORITY, "calendar_term_change", pk=autumn.pk)
    form = BeautifulSoup(client.get(change).content, "html.parser")
    assert form.select_one("#id_start_date_0")["value"] == "1"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(change, dates(start_date=D(2026, 9, 2), end_date=D(2026, 12, 18),
                                  half_term_start=D(2026, 10, 26), half_term_end=D(2026, 10, 30)))
    assert rows(TermDates, pk=autumn.pk)[0].start_date == D(2026, 9, 2)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(world, K.LOCAL_AUTHORITY, "calendar_term_remove", pk=autumn.pk))
    assert response.status_code == 302 and rows(TermDates) == []
    assert changed == [la, la]


def test_la_keeps_area_wide_days_but_cannot_edit_a_schools_rows(world, login, changed):
    school_term = term_row(world.org(K.SCHOOL))
    client = login(world.user(K.LOCAL_AUTHORITY, Role.AP_OFFICER))
    assert client.get(url(world, K.LOCAL_AUTHORITY, "calendar_term_change", pk=school_term.pk)).status_code == 404
    add = url(world, K.LOCAL_AUTHORITY, "calendar_day_add", query="?year=2026")
    choices = [i["value"] for i in BeautifulSoup(client.get(add).content, "html.parser").select("input[name=kind]")]
    assert choices == [DayKind.CLOSURE, DayKind.OTHER]
    client.post(add, {**dates(date=D(2027, 5, 6)), "kind": DayKind.CLOSURE, "note": "Polling stations"})
    [day] = rows(NonTeachingDay)
    assert (day.organisation, day.date, day.note) == (world.org(K.LOCAL_AUTHORITY), D(2027, 5, 6), "Polling stations")


@pytest.mark.parametrize(("day", "message"), [
    (D(2026, 9, 5), "5 September 2026 is a Saturday: there are no sessions to cancel at weekends"),
    (D(2027, 9, 6), "The date must be in the 2026 to 2027 school year (1 August 2026 to 31 July 2027)"),
    (D(2026, 11, 2), "There is already a non-teaching day on 2 November 2026"),
])
def test_a_non_teaching_day_that_cannot_be_is_named(world, login, changed, day, message):
    school = world.org(K.SCHOOL)
    with scopes_disabled():
        NonTeachingDay.objects.create(organisation=school, date=D(2026, 11, 2), kind=DayKind.INSET)
    client = login(world.user(K.SCHOOL, Role.ATTENDANCE_OFFICER))
    response = client.post(url(world, K.SCHOOL, "calendar_day_add", query="?year=2026"),
                           {**dates(date=day), "kind": DayKind.INSET})
    assert error_summary(response) == [message]
    assert len(rows(NonTeachingDay)) == 1 and changed == []


# --- School ----------------------------------------------------------------------------------

def test_school_sees_its_las_dates_read_only(world, login, changed):
    la = world.org(K.LOCAL_AUTHORITY)
    la_year(la)
    with scopes_disabled():
        NonTeachingDay.objects.create(organisation=la, date=D(2027, 5, 6), kind=DayKind.CLOSURE, note="Elections")
    client = login(world.user(K.SCHOOL, Role.HEADTEACHER))
    response = client.get(url(world, K.SCHOOL, "calendar", query="?year=2026"))
    text = page_text(response)
    assert f"Your school follows {la.name}'s dates." in text
    assert "Summer term 12 Apr 2027 21 Jul 2027" in text and "Elections" in text
    soup = BeautifulSoup(response.content, "html.parser")
    assert not soup.select("a[href*='/calendar/terms/']")  # neither Change nor Remove for the LA's terms
    # Adding a single term of its own would leave the rest of the year without terms: refused.
    response = client.post(url(world, K.SCHOOL, "calendar_term_add", query="?year=2026&term=autumn"),
                           dates(start_date=D(2026, 9, 2), end_date=D(2026, 12, 18)))
    assert error_summary(response) == [f"Your school follows {la.name}'s term dates for 2026 to 2027. "
                                       "Choose “Use our own term dates” first."]
    assert len(rows(TermDates)) == 3 and changed == []


def test_school_takes_its_own_dates_changes_one_and_goes_back(world, login, changed, django_capture_on_commit_callbacks):
    la, school = world.org(K.LOCAL_AUTHORITY), world.org(K.SCHOOL)
    la_year(la)
    client = login(world.user(K.SCHOOL, Role.ATTENDANCE_OFFICER))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(world, K.SCHOOL, "calendar_own_dates", query="?year=2026"))
    assert response.status_code == 302
    own = rows(TermDates, organisation=school)
    assert [(t.term, t.start_date) for t in own] == [(Term.AUTUMN, D(2026, 9, 1)), (Term.SPRING, D(2027, 1, 4)),
                                                      (Term.SUMMER, D(2027, 4, 12))]
    text = page_text(client.get(url(world, K.SCHOOL, "calendar", query="?year=2026")))
    assert "Your school sets its own term dates for 2026 to 2027." in text
    # The school's own term changes; the LA's stays.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(world, K.SCHOOL, "calendar_term_change", pk=own[0].pk),
                    dates(start_date=D(2026, 9, 3), end_date=D(2026, 12, 17)))
    assert rows(TermDates, pk=own[0].pk)[0].start_date == D(2026, 9, 3)
    assert rows(TermDates, organisation=la, term=Term.AUTUMN)[0].start_date == D(2026, 9, 1)
    la_term = rows(TermDates, organisation=la)[0]
    assert client.get(url(world, K.SCHOOL, "calendar_term_change", pk=la_term.pk)).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(world, K.SCHOOL, "calendar_follow_la", query="?year=2026"))
    assert rows(TermDates, organisation=school) == []
    assert changed == [school, school, school]


def test_school_adds_an_inset_day(world, login, changed, django_capture_on_commit_callbacks):
    school = world.org(K.SCHOOL)
    client = login(world.user(K.SCHOOL, Role.HEADTEACHER))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(world, K.SCHOOL, "calendar_day_add", query="?year=2026"),
                    {**dates(date=D(2026, 9, 2)), "kind": DayKind.INSET, "note": "Staff training"})
    [day] = rows(NonTeachingDay)
    assert (day.organisation, day.kind) == (school, DayKind.INSET)
    assert "Wednesday 2 September 2026 INSET (staff training) day Staff training" in page_text(
        client.get(url(world, K.SCHOOL, "calendar", query="?year=2026")))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(world, K.SCHOOL, "calendar_day_remove", pk=day.pk))
    assert rows(NonTeachingDay) == [] and changed == [school, school]


def test_roles_without_the_calendar_capability_are_refused(world, login):
    for role in (Role.PASTORAL, Role.DSL, Role.FINANCE, Role.EXAMS_OFFICER):
        response = login(world.user(K.SCHOOL, role)).get(url(world, K.SCHOOL, "calendar"))
        assert response.status_code == 403, role


# --- Provider --------------------------------------------------------------------------------

def test_provider_keeps_only_its_closure_days(world, login, changed, django_capture_on_commit_callbacks):
    provider = world.org(K.PROVIDER)
    la_year(world.org(K.LOCAL_AUTHORITY))
    with scopes_disabled():
        NonTeachingDay.objects.create(organisation=world.org(K.SCHOOL), date=D(2026, 9, 2), kind=DayKind.INSET,
                                      note="School INSET sentinel")
    client = login(world.user(K.PROVIDER, Role.PROVIDER_MANAGER))
    add = url(world, K.PROVIDER, "calendar_day_add", query="?year=2026")
    form = BeautifulSoup(client.get(add).content, "html.parser")
    assert not form.select("input[name=kind]")  # closures only: nothing to choose
    with django_capture_on_commit_callbacks(execute=True):
        client.post(add, {**dates(date=D(2026, 12, 4)), "note": "Staff away day"})
    [day] = rows(NonTeachingDay, organisation=provider)
    assert day.kind == DayKind.CLOSURE and changed == [provider]
    response = client.get(url(world, K.PROVIDER, "calendar", query="?year=2026"))
    text = page_text(response)
    assert "Closure days 2026 to 2027" in text and "Friday 4 December 2026" in text
    assert "School INSET sentinel" not in text and "Autumn term" not in text and "Terms" not in text
    assert client.get(url(world, K.PROVIDER, "calendar_term_add")).status_code == 403
    nav = [a.get_text(strip=True) for a in BeautifulSoup(response.content, "html.parser").select("#navigation a")]
    assert "Closure days" in nav and "Term dates" not in nav


# --- Attendance settings ----------------------------------------------------------------------

def test_settings_show_the_defaults_and_save(world, login):
    school = world.org(K.SCHOOL)
    client = login(world.user(K.SCHOOL, Role.AP_LEAD))
    calendar_page = BeautifulSoup(client.get(url(world, K.SCHOOL, "calendar")).content, "html.parser")
    assert calendar_page.select_one(f"a[href='{url(world, K.SCHOOL, 'settings')}']")  # how the AP lead finds it
    page = BeautifulSoup(client.get(url(world, K.SCHOOL, "settings")).content, "html.parser")
    assert page.select_one("#id_target_percent")["value"] == "90"
    assert page.select_one("input[name=weekly_summary][value=yes]").has_attr("checked")
    assert rows(AttendanceSettings) == []  # opening the page saves nothing
    response = client.post(url(world, K.SCHOOL, "settings"),
                           {"target_percent": "85", "second_step_minutes": "45", "weekly_summary": "no"})
    assert response.status_code == 302
    [saved] = rows(AttendanceSettings)
    assert (saved.school, saved.target_percent, saved.second_step_minutes, saved.weekly_summary) == (
        school, 85, 45, False)


def test_settings_out_of_range_are_named(world, login):
    client = login(world.user(K.SCHOOL, Role.ATTENDANCE_OFFICER))
    response = client.post(url(world, K.SCHOOL, "settings"),
                           {"target_percent": "150", "second_step_minutes": "2", "weekly_summary": "yes"})
    assert error_summary(response) == [
        "Attendance target must be 100 or less",
        "Minutes before the DSL and AP lead are told about a missing register must be 5 or more",
    ]
    assert rows(AttendanceSettings) == []


# --- In Chromium at phone width -----------------------------------------------------------------

@pytest.mark.browser
@pytest.mark.xdist_group("browser")
def test_la_adds_a_term_by_keyboard_on_a_phone(transactional_db, live_server):
    """At 375px: the calendar, a half term outside the term (error summary, focus on it), then the
    term saved; no page scrolls sideways and axe-core finds nothing serious on any of them."""
    from accounts.factories import TEST_PASSWORD
    from tests.browser.conftest import AXE_JS, CHROMIUM, PHONE, SERIOUS
    from tests.browser.helpers import horizontal_overflow, in_own_chromium, sign_in
    from tests.conftest import build_world

    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    world = build_world()
    officer = world.member(K.LOCAL_AUTHORITY, Role.AP_OFFICER)
    calendar_url = url(world, K.LOCAL_AUTHORITY, "calendar", query="?year=2026")

    def journey(page) -> dict:
        seen = {"problems": []}

        def check(name):
            if horizontal_overflow(page) > 0:
                seen["problems"].append(f"{name}: wider than the phone")
            page.evaluate(AXE_JS.read_text())
            result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
            seen["problems"] += [f"{name}: axe {v['id']}" for v in result["violations"] if v["impact"] in SERIOUS]

        page.set_viewport_size(dict(PHONE))
        sign_in(page, officer.user.email, TEST_PASSWORD)
        page.goto(calendar_url)
        check("calendar")
        page.get_by_role("link", name="Add the autumn term").focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
        check("add a term")
        for name, value in (("start_date", D(2026, 9, 1)), ("end_date", D(2026, 12, 18)),
                            ("half_term_start", D(2026, 12, 21)), ("half_term_end", D(2026, 12, 23))):
            for i, part in enumerate((value.day, value.month, value.year)):
                page.locator(f"#id_{name}_{i}").focus()
                page.keyboard.type(str(part))
        with page.expect_navigation():
            page.keyboard.press("Enter")
        seen["errors"] = page.locator(".govuk-error-summary a").all_inner_texts()
        check("add a term with errors")
        page.locator("#id_half_term_start_0").fill("26")
        page.locator("#id_half_term_start_1").fill("10")
        page.locator("#id_half_term_end_0").fill("30")
        page.locator("#id_half_term_end_1").fill("10")
        with page.expect_navigation():
            page.get_by_role("button", name="Save term dates").click()
        seen["saved"] = page.locator(".govuk-notification-banner--success").inner_text()
        check("calendar with the term")
        return seen

    seen = in_own_chromium(live_server, journey)
    assert seen["errors"][0].startswith("The first day of half term must be inside the term")
    assert "Autumn term 2026 to 2027 saved." in seen["saved"]
    assert not seen["problems"], seen["problems"]
    [autumn] = rows(TermDates)
    assert (autumn.half_term_start, autumn.half_term_end) == (D(2026, 10, 26), D(2026, 10, 30))

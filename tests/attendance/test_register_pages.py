"""The register pages as provider staff and schools use them: who sees which pupil names, the error
summary that names the pupil, submitting once (a retry with the same key changes nothing), "Mark
everyone present" without JavaScript, a change with its reason in the history, and the school's
known absence pre-filling the register."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils.html import escape

from apcommission import clock
from attendance.factories import register_with_sessions
from attendance.models import (
    AbsenceReason,
    ExpectedSession,
    KnownAbsence,
    Mark,
    MarkChange,
    RegisterSubmission,
)
from placements.factories import placement_in_state
from tenancy.roles import ROLE_KINDS, Role, role_has
from tenancy.roles import Capability as C
from tenancy.roles import OrganisationKind as K
from tenancy.scoping import scopes_disabled
from tests.conftest import WORLD_NOW

STARTS = clock.london(dt.date(2026, 11, 26), dt.time(9, 0))
DURING = STARTS + dt.timedelta(minutes=10)


@pytest.fixture
def pages(shared_provider_world, client):
    """Provider a's 9am register with school a's pupil and school c's pupil (the same register:
    provider a serves both schools), and the clock at 9:10am that day."""
    world = shared_provider_world
    placement_a = placement_in_state(pupil=world.pupils["a"], provider=world.org(K.PROVIDER), state="active",
                                     now=WORLD_NOW)
    register = register_with_sessions(placements=[placement_a, world.placements["c"]], starts_at=STARTS)
    with scopes_disabled():
        sessions = {s.placement_id: s for s in ExpectedSession.objects.filter(register=register)}
        names = {side: f"{world.pupils[side].first_name} {world.pupils[side].last_name}" for side in ("a", "c")}
    with clock.frozen(DURING):
        yield world, register, sessions, placement_a, names, client


def url(world, register, kind=K.PROVIDER, side="a"):
    return f"/o/{world.org(kind, side).slug}/registers/{register.pk}/"


def as_user(client, user):
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def staff_client(world, client):
    return as_user(client, world.user(K.PROVIDER, Role.PROVIDER_STAFF))


def form_data(page_html: str) -> dict:
    """The register form's hidden fields (CSRF token is off in tests; the client key matters)."""
    soup = BeautifulSoup(page_html, "html.parser")
    form = soup.select_one("form[data-register-form]")
    return {i["name"]: i["value"] for i in form.select("input[type=hidden]")}


def test_provider_staff_see_every_pupil_of_the_register_whichever_school_placed_them(pages):
    world, register, sessions, placement_a, names, client = pages
    response = staff_client(world, client).get(url(world, register))
    assert response.status_code == 200
    html = response.content.decode()
    assert escape(names["a"]) in html and escape(names["c"]) in html
    assert "School A" in html and "School C" in html
    assert "Due by 9:30am" in html


@pytest.mark.parametrize("role", sorted(ROLE_KINDS[K.SCHOOL]))
def test_no_school_role_sees_the_providers_register(pages, role):
    world, register, sessions, placement_a, names, client = pages
    response = as_user(client, world.user(K.SCHOOL, role)).get(url(world, register, K.SCHOOL))
    assert response.status_code in (403, 404)
    html = response.content.decode()
    assert escape(names["a"]) not in html and escape(names["c"]) not in html


def test_the_days_list_shows_each_register_with_its_pupils_and_status(pages):
    world, register, sessions, placement_a, names, client = pages
    response = staff_client(world, client).get(f"/o/{world.org(K.PROVIDER).slug}/registers/?date=2026-11-26")
    soup = BeautifulSoup(response.content, "html.parser")
    cells = [" ".join(td.get_text(" ").split()) for td in soup.select("tbody td")]
    assert cells == ["9am to midday", "2", "Due by 9:30am"]
    assert soup.select_one("tbody a")["href"] == url(world, register)


def test_an_unmarked_pupil_is_named_in_the_error_summary_and_nothing_is_saved(pages):
    world, register, sessions, placement_a, names, client = pages
    client = staff_client(world, client)
    data = form_data(client.get(url(world, register)).content.decode())
    first = sessions[placement_a.pk]
    data[f"mark_{first.pk}"] = Mark.PRESENT
    response = client.post(url(world, register), data)
    assert response.status_code == 400
    soup = BeautifulSoup(response.content, "html.parser")
    other = sessions[world.placements["c"].pk]
    links = {a.get_text(strip=True): a["href"] for a in soup.select(".govuk-error-summary a")}
    assert links == {f"Choose Present, Late, Absent or Not required for {names['c']}": f"#id_mark_{other.pk}_0"}
    assert soup.find(id=f"id_mark_{other.pk}_0") is not None
    assert soup.find(id=f"id_mark_{first.pk}_0").has_attr("checked")  # the answer given is kept
    with scopes_disabled():
        assert not RegisterSubmission.objects.exists() and ExpectedSession.objects.filter(mark="").count() == 2


def test_a_late_pupil_without_minutes_is_named_too(pages):
    world, register, sessions, placement_a, names, client = pages
    client = staff_client(world, client)
    data = form_data(client.get(url(world, register)).content.decode())
    for session in sessions.values():
        data[f"mark_{session.pk}"] = Mark.LATE
    response = client.post(url(world, register), data)
    summary = BeautifulSoup(response.content, "html.parser").select_one(".govuk-error-summary").get_text(" ")
    assert f"Enter how many minutes late {names['a']} was" in summary
    assert f"Enter how many minutes late {names['c']} was" in summary


def test_submitting_then_retrying_with_the_same_key_submits_once(pages):
    world, register, sessions, placement_a, names, client = pages
    client = staff_client(world, client)
    data = form_data(client.get(url(world, register)).content.decode())
    first, other = sessions[placement_a.pk], sessions[world.placements["c"].pk]
    data.update({f"mark_{first.pk}": Mark.ABSENT, f"reason_{first.pk}": AbsenceReason.ILL,
                 f"mark_{other.pk}": Mark.PRESENT})
    response = client.post(url(world, register), data, follow=True)
    html = response.content.decode()
    assert "Register submitted" in html and "Absent: Ill" in html
    assert re.search(r"Submitted at 9:10am by", html)
    again = client.post(url(world, register), data, follow=True)  # a double tap, or a retry
    assert "Register submitted" in again.content.decode()
    with scopes_disabled():
        assert RegisterSubmission.objects.count() == 1
        first.refresh_from_db()
    assert (first.mark, first.absence_reason) == (Mark.ABSENT, AbsenceReason.ILL)


def test_mark_everyone_present_without_javascript_keeps_a_known_absence(pages):
    world, register, sessions, placement_a, names, client = pages
    with scopes_disabled():
        KnownAbsence.objects.create(placement=world.placements["c"], school=world.org(K.SCHOOL, "c"),
                                    provider=world.org(K.PROVIDER), first_date=register.date,
                                    last_date=register.date, reason=AbsenceReason.MEDICAL, recorded_at=WORLD_NOW)
    client = staff_client(world, client)
    response = client.post(url(world, register), {"everyone_present": "1"})
    soup = BeautifulSoup(response.content, "html.parser")
    checked = {i["name"]: i["value"] for i in soup.select("input[type=radio][checked]")}
    first, other = sessions[placement_a.pk], sessions[world.placements["c"].pk]
    assert checked == {f"mark_{first.pk}": Mark.PRESENT, f"mark_{other.pk}": Mark.ABSENT}
    assert soup.select_one(f"#id_reason_{other.pk} option[selected]")["value"] == AbsenceReason.MEDICAL
    assert "The school told you in advance" in soup.get_text()
    with scopes_disabled():
        assert not RegisterSubmission.objects.exists()  # nothing is submitted until "Submit register"


def test_a_change_after_submission_needs_a_reason_and_shows_in_the_history(pages):
    world, register, sessions, placement_a, names, client = pages
    client = staff_client(world, client)
    data = form_data(client.get(url(world, register)).content.decode())
    data.update({f"mark_{s.pk}": Mark.PRESENT for s in sessions.values()})
    client.post(url(world, register), data)
    session = sessions[placement_a.pk]
    change_url = f"{url(world, register)}sessions/{session.pk}/change/"
    refused = client.post(change_url, {"mark": Mark.ABSENT, "absence_reason": AbsenceReason.ILL, "reason": ""})
    assert refused.status_code == 400 and "Enter why the mark changed" in refused.content.decode()
    client.post(change_url, {"mark": Mark.ABSENT, "absence_reason": AbsenceReason.ILL, "reason": "Went home ill at 9:20"})
    html = client.get(url(world, register)).content.decode()
    assert "Present changed to Absent: Ill. Reason: Went home ill at 9:20" in html
    with scopes_disabled():
        assert MarkChange.objects.get().changed_by == world.user(K.PROVIDER, Role.PROVIDER_STAFF)


@pytest.mark.parametrize("role", sorted(r for r in ROLE_KINDS[K.SCHOOL] if role_has(r, C.VIEW_ATTENDANCE)))
def test_the_school_tells_the_provider_of_an_absence_in_advance(pages, role):
    world, register, sessions, placement_a, names, client = pages
    client = as_user(client, world.user(K.SCHOOL, role))
    page = f"/o/{world.org(K.SCHOOL).slug}/attendance/placements/{placement_a.pk}/known-absence/"
    assert escape(names["a"]) in client.get(page).content.decode()
    response = client.post(page, {"first_date_0": "26", "first_date_1": "11", "first_date_2": "2026",
                                  "last_date_0": "27", "last_date_1": "11", "last_date_2": "2026",
                                  "reason": AbsenceReason.ILL, "note": ""})
    assert response.status_code == 302
    with scopes_disabled():
        absence = KnownAbsence.objects.get()
    assert (absence.placement, absence.first_date, absence.last_date) == (placement_a, register.date,
                                                                           dt.date(2026, 11, 27))
    staff_html = staff_client(world, client).get(url(world, register)).content.decode()
    assert "The school told you in advance: absent (ill)" in staff_html


def test_each_pupil_row_links_to_not_accounted_for(pages):
    world, register, sessions, placement_a, names, client = pages
    html = staff_client(world, client).get(url(world, register)).content.decode()
    for session in sessions.values():
        link = reverse("attendance:session_not_accounted_for", kwargs={"org": world.org(K.PROVIDER).slug,
                                                                       "pk": session.pk})
        assert f'href="{link}"' in html


def test_the_register_page_costs_the_same_queries_with_more_pupils(pages):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from placements.factories import PupilFactory

    world, register, sessions, placement_a, names, client = pages
    client = staff_client(world, client)
    client.get(url(world, register))  # warm the session and content types

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(world, register)).status_code == 200
        return len(queries)

    before = count()
    more = [placement_in_state(pupil=PupilFactory(school=world.org(K.SCHOOL)), provider=world.org(K.PROVIDER),
                               state="active", now=WORLD_NOW) for _ in range(2)]
    register_with_sessions(placements=more, starts_at=STARTS)
    assert count() == before
